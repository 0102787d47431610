"""The v3 (HEAD) validation sequences as plain functions: accept (V-54, VD2), reject (V-55), change-schedule
(V-59), in tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mockserver.domain.applications import (
    blank,
    siblings_to_reject,
    validate_accept,
    validate_chosen_schedule,
    validate_reject,
)
from mockserver.domain.models import MISSING, Schedule
from mockserver.domain.participants import ScheduleChange, validate_change_schedule
from mockserver.errors import Violation
from tests.mockserver.domain.facts import ACCEPTED_APPLICATION

APP = replace(ACCEPTED_APPLICATION, status="pending", training_status=None, schedule_cohort=None,
              schedule_identifier=None)
WITHDRAWN = replace(APP, id="w", status="accepted", training_status="withdrawn")
SAME = frozenset({"npq-headship"})


def codes(violations: list[Violation]) -> list[str]:
    return [v.code for v in violations]


@pytest.mark.parametrize(
    ("capped", "zero", "funded_place", "candidates", "ignore_withdrawn", "expected"),
    [
        (False, True, MISSING, [], True, ["application.funded_place_unfunded_cohort"]),
        (False, True, None, [], True, ["application.funded_place_unfunded_cohort"]),
        (False, True, "false", [], True, ["application.funded_place_unfunded_cohort"]),
        (False, True, True, [], True, ["application.funded_place_unfunded_cohort"]),
        (False, True, False, [], True, []),
        (False, False, True, [], True, []),  # full: funded_place not read
        (True, False, MISSING, [], True, ["application.funded_place_required"]),
        # VD2: a withdrawn accepted application counts at the baseline, not at HEAD
        (False, False, MISSING, [WITHDRAWN], False, ["application.other_accepted"]),
        (False, False, MISSING, [WITHDRAWN], True, []),
        # step 2 is not skipped by step 1's error; R-54 only when nothing failed
        (
            False,
            True,
            MISSING,
            [WITHDRAWN],
            False,
            ["application.funded_place_unfunded_cohort", "application.other_accepted"],
        ),
    ],
)
def test_accept_sequence(
    capped: bool, zero: bool, funded_place: object, candidates: list, ignore_withdrawn: bool, expected: list
) -> None:
    found = validate_accept(
        APP,
        capped=capped,
        funded_place=funded_place,
        candidates=[APP, *candidates],
        same_course=SAME,
        ignore_withdrawn=ignore_withdrawn,
        zero_funded=zero,
    )
    assert codes(found) == expected


LEADERSHIP = Schedule(2025, "npq-leadership-spring", "leadership", date(2026, 1, 1), ("started",))


@pytest.mark.parametrize(
    ("earlier", "found", "group", "expected"),
    [
        ([], None, "leadership", ["application.schedule_not_in_cohort"]),
        ([], LEADERSHIP, "leadership", []),
        ([], LEADERSHIP, "specialist", ["application.schedule_invalid_for_course"]),
        # the course check runs only when nothing failed so far
        (["application.already_accepted"], LEADERSHIP, "specialist", ["application.already_accepted"]),
        (
            ["application.already_accepted"],
            None,
            "leadership",
            ["application.already_accepted", "application.schedule_not_in_cohort"],
        ),
    ],
)
def test_chosen_schedule(earlier: list[str], found: Schedule | None, group: str, expected: list[str]) -> None:
    result = validate_chosen_schedule([Violation(c) for c in earlier], found=found, course_group=group)
    assert codes(result) == expected


@pytest.mark.parametrize("value", [MISSING, None, False, "", "  ", [], {}])
def test_blank_values(value: object) -> None:
    assert blank(value)


@pytest.mark.parametrize("value", ["x", 0, True, [1]])
def test_present_values(value: object) -> None:
    assert not blank(value)


@pytest.mark.parametrize(
    ("status", "billable", "head", "expected"),
    [
        ("pending", False, True, []),
        ("accepted", False, True, []),
        ("accepted", True, True, ["application.reject_blocked_by_declarations"]),
        (
            "rejected",
            True,
            True,
            ["application.already_rejected", "application.reject_blocked_by_declarations"],
        ),
        ("accepted", False, False, ["application.accepted_cannot_change"]),
        ("rejected", False, False, ["application.already_rejected"]),
    ],
)
def test_reject_sequence(status: str, billable: bool, head: bool, expected: list[str]) -> None:
    app = replace(APP, status=status)
    found = validate_reject(
        app, drift_requires_reason=False, has_billable_declarations=billable, reject_accepted=head
    )
    assert codes(found) == expected


def test_siblings_are_the_exact_cohort() -> None:
    other_suffix = replace(APP, id="b", cohort_suffix="b")
    same = replace(APP, id="c", status="accepted", training_status="withdrawn")
    assert siblings_to_reject(APP, [APP, other_suffix, same]) == ["c"]


AUTUMN_A = Schedule(2025, "npq-leadership-autumn", "leadership", date(2025, 10, 1), ("started",))
AUTUMN_B = replace(AUTUMN_A, suffix="b")
ACCEPTED = replace(
    APP,
    status="accepted",
    training_status="active",
    schedule_cohort=2025,
    schedule_identifier="npq-leadership-spring",
    schedule_suffix="a",
)


def _change(new: Schedule | None, **kw: object) -> ScheduleChange:
    facts = dict(
        course_identifier="npq-headship",
        course_group="leadership",
        target=ACCEPTED,
        new_schedule=new,
        current_schedule=LEADERSHIP,
        target_cohort=2025,
        has_contract=True,
        declarations=[],
        app_cohort_capped=True,
        target_cohort_capped=True,
        target_suffix=new.suffix if new else "a",
    )
    facts.update(kw)
    return ScheduleChange(**facts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (_change(AUTUMN_B), []),  # 2025a -> 2025b, both capped
        (_change(None, target_cohort=None), ["schedule.identifier_invalid"]),  # "" cohort at HEAD (VD18)
        (
            _change(AUTUMN_B, app_cohort_capped=False, target_cohort_capped=True, zero_to_funded=True),
            ["schedule.unfunded_to_funded"],
        ),
        (_change(AUTUMN_B, target_cohort_capped=False), ["schedule.funding_cap_change"]),
        (_change(AUTUMN_A, zero_to_funded=True), []),  # same exact cohort: no move, no funding rule
    ],
)
def test_change_schedule_sequence(change: ScheduleChange, expected: list[str]) -> None:
    assert codes(validate_change_schedule([], change)) == expected
