"""POST outcomes (R-116..R-119, D3/VD13) as a table: none of the checks is skipped except the future one."""

from __future__ import annotations

from datetime import date

import pytest

from mockserver.domain.outcomes import validate_create
from mockserver.errors import ApiError

TODAY = date(2025, 6, 1)
OUTCOME_COURSES = frozenset({"npq-headship", "npq-senior-leadership"})


def create(
    *,
    retired_to: str | None = None,
    course: object = "npq-headship",
    state: object = "passed",
    completion_date: object = "2025-05-31",
    completed: bool = True,
    bad_request: bool = False,
) -> tuple[list[str], date | None]:
    """Passed, dated yesterday, on an outcome course with a completed declaration, unless overridden."""
    errors, when = validate_create(
        retired_to=retired_to,
        participant_id="u",
        course_identifier=course,
        state=state,
        completion_date=completion_date,
        outcome_courses=OUTCOME_COURSES,
        has_completed_declaration=completed,
        today=TODAY,
        invalid_date_is_bad_request=bad_request,
    )
    return [v.code for v in errors], when


ROWS = [
    ("valid passed", {}, []),
    ("valid failed", {"state": "failed"}, []),
    ("valid today", {"completion_date": "2025-06-01"}, []),
    ("R-118 unanchored pattern", {"completion_date": "2021-05-31T00:00:00+00:00"}, []),
    ("retired id", {"retired_to": "v"}, ["participant.id_replaced"]),
    (
        "R-116 not an outcome course",
        {"course": "npq-additional-support-offer"},
        ["outcome.course_not_recognised"],
    ),
    ("R-116 missing", {"course": None}, ["outcome.course_not_recognised", "outcome.course_required"]),
    ("R-116 blank", {"course": "  "}, ["outcome.course_not_recognised", "outcome.course_required"]),
    ("R-116 an object", {"course": {}}, ["outcome.course_not_recognised", "outcome.course_required"]),
    ("R-116 a number", {"course": 7}, ["outcome.course_not_recognised"]),
    ("R-117 voided", {"state": "voided"}, ["outcome.state_invalid"]),
    ("R-117 missing", {"state": None}, ["outcome.state_invalid", "outcome.state_required"]),
    ("R-117 a list", {"state": ["passed"]}, ["outcome.state_invalid"]),
    (
        "R-118 missing",
        {"completion_date": None},
        ["outcome.completion_date_required", "outcome.completion_date_format"],
    ),
    ("R-118 not yyyy-mm-dd", {"completion_date": "31/05/2025"}, ["outcome.completion_date_format"]),
    ("R-119 no completed declaration", {"completed": False}, ["outcome.no_completed_declaration"]),
    # D3 baseline: an impossible date is a format error, reported after R-119
    ("D3 impossible date", {"completion_date": "2021-13-01"}, ["outcome.completion_date_format"]),
    (
        "D3 impossible date after R-119",
        {"completion_date": "2021-13-01", "completed": False},
        ["outcome.no_completed_declaration", "outcome.completion_date_format"],
    ),
    ("R-118 (step 6) future date", {"completion_date": "2025-06-02"}, ["outcome.completion_date_future"]),
    (
        "R-118 (step 6) future after R-119",
        {"completion_date": "2025-06-02", "completed": False},
        ["outcome.no_completed_declaration", "outcome.completion_date_future"],
    ),
    (
        "R-116..R-119 none skipped",
        {"retired_to": "v", "course": None, "state": None, "completion_date": None, "completed": False},
        [
            "participant.id_replaced",
            "outcome.course_not_recognised",
            "outcome.course_required",
            "outcome.state_invalid",
            "outcome.state_required",
            "outcome.completion_date_required",
            "outcome.completion_date_format",
            "outcome.no_completed_declaration",
        ],
    ),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), ROWS, ids=[row[0] for row in ROWS])
def test_create_sequence(rule: str, overrides: dict, expected: list[str]) -> None:
    assert create(**overrides)[0] == expected, rule


def test_create_returns_the_date_it_accepts() -> None:
    assert create() == ([], date(2025, 5, 31))
    assert create(completion_date="2021-05-31T00:00:00+00:00")[1] == date(2021, 5, 31)
    assert create(completion_date="2021-13-01")[1] is None


def test_retired_id_params() -> None:
    errors, _ = validate_create(
        retired_to="v",
        participant_id="u",
        course_identifier="npq-headship",
        state="passed",
        completion_date="2025-05-31",
        outcome_courses=OUTCOME_COURSES,
        has_completed_declaration=True,
        today=TODAY,
    )
    assert errors[0].params == {"from_id": "u", "to_id": "v"}


def test_vd13_impossible_date_is_a_bad_request() -> None:
    """VD13 (HEAD, = D3 right column): 400 `invalid date` instead of the format error."""
    with pytest.raises(ApiError) as raised:
        create(completion_date="2021-13-01", bad_request=True)
    assert [v.code for v in raised.value.violations] == ["request.argument_error"]
    assert raised.value.status == 400


def test_vd13_leaves_possible_dates_alone() -> None:
    assert create(bad_request=True) == ([], date(2025, 5, 31))
    assert create(completion_date="31/05/2025", bad_request=True)[0] == ["outcome.completion_date_format"]
