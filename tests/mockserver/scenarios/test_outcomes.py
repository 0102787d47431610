"""Behaviour reference §6.14: outcomes list and create."""

from __future__ import annotations

import pytest

from .conftest import (
    BAD_STRUCTURE,
    NOT_FOUND,
    OUTCOMES,
    PARTICIPANTS,
    UNKNOWN_ID,
    Api,
    Msg,
    bad_request,
    expect,
    expect_errors,
)


def _completed(api: Api, has_passed: object = True, **kw: object) -> tuple[str, dict]:
    pid, _ = api.make_participant(**kw)
    decl = api.declared(pid, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=has_passed)
    return pid, decl


# --- lists ------------------------------------------------------------------------------------


def test_r113_all_outcomes_of_own_declarations(api: Api, bpn: Api) -> None:
    p1, d1 = _completed(api)
    p2, _ = _completed(api, has_passed=False)
    expect(api.void(d1["id"]), 200)
    other, _ = bpn.make_participant()
    bpn.declared(other, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=True)
    listed = [(o["attributes"]["participant_id"], o["attributes"]["state"]) for o in api.data(OUTCOMES)]
    assert listed == [(p1, "passed"), (p2, "failed"), (p1, "voided")]
    assert all(o["type"] == "participant-outcome" for o in api.data(OUTCOMES))


def test_r114_participant_outcomes_list(api: Api) -> None:
    p1, _ = _completed(api)
    _completed(api)
    assert [o["attributes"]["participant_id"] for o in api.data(f"{PARTICIPANTS}/{p1}/outcomes")] == [p1]


def test_r114_participant_outcomes_ignore_filters(api: Api) -> None:
    p1, _ = _completed(api)
    query = {"filter[created_since]": "2030-01-01T00:00:00Z"}
    assert len(api.data(f"{PARTICIPANTS}/{p1}/outcomes", query=query)) == 1


def test_r114_outcomes_of_invisible_participant_are_404(api: Api) -> None:
    pending = api.make_application(cohort=2023)["attributes"]["participant_id"]
    expect(api.get(f"{PARTICIPANTS}/{pending}/outcomes"), 404, NOT_FOUND)
    expect(api.outcome(pending), 404, NOT_FOUND)


# --- R-115 body and lookup ----------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [{}, {"data": {}}, {"data": {"attributes": {}}}, {"data": {"type": "x"}}])
def test_r115_missing_data_is_400_before_lookup(api: Api, body: dict) -> None:
    expect(api.outcome(UNKNOWN_ID, body=body), 400, bad_request(BAD_STRUCTURE))


def test_r115_valid_body_on_unknown_participant_is_404(api: Api) -> None:
    expect(api.outcome(UNKNOWN_ID), 404, NOT_FOUND)


# --- R-116 .. R-119 validations -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "course", ["npq-early-headship-coaching-offer", "npq-additional-support-offer", "npq-foo"]
)
def test_r116_course_not_an_outcome_course(api: Api, course: str) -> None:
    pid, _ = _completed(api)
    expect_errors(
        api.outcome(pid, course=course),
        422,
        ("course_identifier", Msg.COURSE_NOT_RECOGNISED),
        ("base", Msg.NO_COMPLETED),
    )


@pytest.mark.parametrize("course", [None, ""])
def test_r116_missing_course_gives_both_messages(api: Api, course: object) -> None:
    pid, _ = _completed(api)
    expect_errors(
        api.outcome(pid, course=course),
        422,
        ("course_identifier", Msg.COURSE_NOT_RECOGNISED),
        ("course_identifier", Msg.OUTCOME_COURSE_MISSING),
        ("base", Msg.NO_COMPLETED),
    )


@pytest.mark.parametrize("course", [{}, [], [None], {"a": 1}, 7])
def test_r116_a_course_that_is_not_a_string_is_not_recognised(api: Api, course: object) -> None:
    """JSON objects and arrays were a 500 (unhashable in the course lookup); they name no course."""
    pid, _ = _completed(api)
    response = api.outcome(pid, course=course)
    assert response.status_code == 422
    titles = [e["title"] for e in response.get_json()["errors"]]
    assert titles[0] == "course_identifier" and titles[-1] == "base"
    assert response.get_json()["errors"][0]["detail"] == Msg.COURSE_NOT_RECOGNISED


@pytest.mark.parametrize("state", [{}, ["passed"], 1])
def test_r117_a_state_that_is_not_a_string_is_invalid(api: Api, state: object) -> None:
    pid, _ = _completed(api)
    response = api.outcome(pid, state=state)
    assert response.status_code == 422
    assert response.get_json()["errors"][0] == {"title": "state", "detail": Msg.OUTCOME_STATE}


@pytest.mark.parametrize("state", ["voided", "pass", "PASSED"])
def test_r117_state_only_passed_or_failed(api: Api, state: str) -> None:
    pid, _ = _completed(api)
    expect_errors(api.outcome(pid, state=state), 422, ("state", Msg.OUTCOME_STATE))


def test_r117_missing_state_gives_both_messages(api: Api) -> None:
    pid, _ = _completed(api)
    expect_errors(
        api.outcome(pid, state=None), 422, ("state", Msg.OUTCOME_STATE), ("state", Msg.OUTCOME_STATE_MISSING)
    )


def test_r118_missing_completion_date_gives_both_messages(api: Api) -> None:
    pid, _ = _completed(api)
    expect_errors(
        api.outcome(pid, completion_date=None),
        422,
        ("completion_date", Msg.COMPLETION_MISSING),
        ("completion_date", Msg.COMPLETION_FORMAT),
    )


@pytest.mark.parametrize("date", ["01/04/2024", "2024-4-1", "20240401", "2024-13-01"])
def test_r118_completion_date_format(api: Api, date: str) -> None:
    """2024-13-01 matches the pattern but is not a date: 422 format message (baseline, D3)."""
    pid, _ = _completed(api)
    expect_errors(api.outcome(pid, completion_date=date), 422, ("completion_date", Msg.COMPLETION_FORMAT))


def test_r118_pattern_is_unanchored(api: Api) -> None:
    pid, _ = _completed(api)
    data = expect(api.outcome(pid, completion_date="2024-03-31T00:00:00+00:00"), 200)["data"]
    assert data["attributes"]["completion_date"] == "2024-03-31T00:00:00+00:00"


def test_r119_no_completed_declaration(api: Api) -> None:
    pid, _ = api.make_participant()
    api.declared(pid)
    expect_errors(api.outcome(pid), 422, ("base", Msg.NO_COMPLETED))


def test_r119_voided_completed_declaration_does_not_count(api: Api) -> None:
    pid, decl = _completed(api)
    expect(api.void(decl["id"]), 200)
    expect_errors(api.outcome(pid), 422, ("base", Msg.NO_COMPLETED))


def test_r119_ineligible_completed_declaration_counts(api: Api) -> None:
    _completed(api, teacher_reference_number="4445556")
    pid, decl = _completed(api, teacher_reference_number="4445556")
    assert decl["attributes"]["state"] == "ineligible"
    expect(api.outcome(pid, state="failed"), 200)


def test_r119_errors_accumulate_in_order(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(
        api.outcome(pid, course="npq-foo", state="voided", completion_date="x"),
        422,
        ("course_identifier", Msg.COURSE_NOT_RECOGNISED),
        ("state", Msg.OUTCOME_STATE),
        ("completion_date", Msg.COMPLETION_FORMAT),
        ("base", Msg.NO_COMPLETED),
    )


def test_outcome_completion_date_in_the_future(api: Api) -> None:
    pid, _ = _completed(api)
    expect_errors(
        api.outcome(pid, completion_date="2024-05-02"), 422, ("completion_date", Msg.COMPLETION_FUTURE)
    )
    expect(api.outcome(pid, completion_date="2024-05-01"), 200)


def test_outcome_future_check_skipped_after_a_date_error(api: Api) -> None:
    pid, _ = _completed(api)
    expect_errors(
        api.outcome(pid, completion_date="2099-13-01"), 422, ("completion_date", Msg.COMPLETION_FORMAT)
    )


# --- effects ------------------------------------------------------------------------------------------------


def test_outcome_same_state_and_date_is_idempotent(api: Api) -> None:
    pid, _ = _completed(api)
    existing = api.data(f"{PARTICIPANTS}/{pid}/outcomes")[0]
    api.clock("2024-05-02T12:00:00Z")
    data = expect(api.outcome(pid, state="passed", completion_date="2024-02-01"), 200)["data"]
    assert data == existing
    assert len(api.data(f"{PARTICIPANTS}/{pid}/outcomes")) == 1


def test_outcome_new_state_appends_and_changes_has_passed(api: Api) -> None:
    pid, decl = _completed(api)
    api.clock("2024-05-02T12:00:00Z")
    data = expect(api.outcome(pid, state="failed", completion_date="2024-03-01"), 200)["data"]
    assert data["type"] == "participant-outcome"
    assert data["attributes"] == {
        "state": "failed",
        "completion_date": "2024-03-01T00:00:00+00:00",
        "course_identifier": "npq-headship",
        "participant_id": pid,
        "created_at": "2024-05-02T12:00:00Z",
    }
    shown = api.declaration(decl["id"])["attributes"]
    assert (shown["has_passed"], shown["updated_at"]) == (False, "2024-05-02T12:00:00Z")
    assert [o["attributes"]["state"] for o in api.data(f"{PARTICIPANTS}/{pid}/outcomes")] == [
        "passed",
        "failed",
    ]


def test_outcome_same_state_other_date_appends(api: Api) -> None:
    pid, _ = _completed(api)
    first = api.data(f"{PARTICIPANTS}/{pid}/outcomes")[0]
    data = expect(api.outcome(pid, state="passed", completion_date="2024-03-01"), 200)["data"]
    assert data["id"] != first["id"]


def test_outcome_goes_on_the_most_recent_completed_declaration(api: Api) -> None:
    pid, first = _completed(api, has_passed=True)
    expect(api.void(first["id"]), 200)
    api.clock("2024-05-02T12:00:00Z")
    second = api.declared(pid, declaration_type="completed", date="2024-03-01T10:00:00Z", has_passed=True)
    expect(api.outcome(pid, state="failed", completion_date="2024-04-01"), 200)
    assert api.declaration(second["id"])["attributes"]["has_passed"] is False
    assert api.declaration(first["id"])["attributes"]["has_passed"] is None
