"""Behaviour reference §7 (state machines), §8 (schedules) and R-04 (200 on every write)."""

from __future__ import annotations

import pytest

from .conftest import APP, DECLARATIONS, Api, Msg, expect, expect_errors

# --- R-04 ---------------------------------------------------------------------------------------------------


def test_r04_every_successful_write_answers_200(api: Api) -> None:
    a1 = api.make_application(cohort=2023, course_identifier="npq-headship", eligible_for_funding=True)
    a2 = api.make_application(cohort=2023)
    a3 = api.make_application(cohort=2024, eligible_for_funding=True)
    pid = a1["attributes"]["participant_id"]
    statuses = [
        api.accept(a1["id"]).status_code,
        api.reject(a2["id"]).status_code,
        api.accept(a3["id"], funded_place=True).status_code,
        api.change_funded_place(a3["id"], False).status_code,
    ]
    decl = api.declare(pid)
    statuses.append(decl.status_code)
    completed = api.declare(pid, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=True)
    statuses.append(completed.status_code)
    statuses += [
        api.outcome(pid, state="failed").status_code,
        api.defer(pid).status_code,
        api.resume(pid).status_code,
        api.withdraw(pid).status_code,
        api.resume(pid).status_code,
        api.void(expect(completed, 200)["data"]["id"]).status_code,
        api.void(expect(decl, 200)["data"]["id"]).status_code,
        api.change_schedule(pid, schedule="npq-leadership-spring").status_code,
    ]
    assert statuses == [200] * len(statuses)


# --- §7.1 application status -------------------------------------------------------------------------------


def test_application_status_machine(api: Api) -> None:
    pending_to_accepted = api.make_application(cohort=2023)["id"]
    pending_to_rejected = api.make_application(cohort=2023)["id"]
    expect(api.accept(pending_to_accepted), 200)
    expect(api.reject(pending_to_rejected), 200)
    expect_errors(api.accept(pending_to_accepted), 422, ("application", Msg.ALREADY_ACCEPTED))
    expect_errors(api.reject(pending_to_accepted), 422, ("application", Msg.ACCEPTED_CANNOT_CHANGE))
    expect_errors(api.accept(pending_to_rejected), 422, ("application", Msg.REJECTED_CANNOT_CHANGE))
    expect_errors(api.reject(pending_to_rejected), 422, ("application", Msg.ALREADY_REJECTED))
    statuses = {a["id"]: a["attributes"]["status"] for a in api.data(APP)}
    assert statuses == {pending_to_accepted: "accepted", pending_to_rejected: "rejected"}


def test_sibling_accepted_elsewhere_moves_pending_to_rejected(api: Api, bpn: Api) -> None:
    mine = api.make_application(cohort=2023, course_identifier="npq-headship")
    theirs = bpn.make_application(
        participant_id=mine["attributes"]["participant_id"], cohort=2023, course_identifier="npq-headship"
    )
    expect(bpn.accept(theirs["id"]), 200)
    assert api.application(mine["id"])["attributes"]["status"] == "rejected"
    expect_errors(
        api.accept(mine["id"]),
        422,
        ("application", Msg.REJECTED_CANNOT_CHANGE),
        ("application", Msg.OTHER_ACCEPTED),
    )


# --- §7.2 training status ----------------------------------------------------------------------------------


def test_training_status_machine_walk(api: Api) -> None:
    pid, _ = api.make_participant()
    api.declared(pid)
    expect_errors(api.resume(pid), 422, ("participant_id", Msg.ALREADY_ACTIVE))  # active
    expect(api.defer(pid), 200)  # -> deferred
    expect_errors(api.defer(pid), 422, ("participant_id", Msg.ALREADY_DEFERRED))
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 422)  # R-93 (declaration)
    expect(api.resume(pid), 200)  # -> active
    expect(api.withdraw(pid), 200)  # -> withdrawn
    expect_errors(api.withdraw(pid), 422, ("participant_id", Msg.ALREADY_WITHDRAWN))
    expect_errors(api.defer(pid), 422, ("participant_id", Msg.ALREADY_WITHDRAWN))
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-spring"),
        422,
        ("participant_id", Msg.ALREADY_WITHDRAWN),
        ("schedule_identifier", Msg.CS_INVALIDATES),
    )
    expect(api.resume(pid), 200)  # withdrawn -> active
    expect(api.defer(pid), 200)
    expect(api.withdraw(pid), 200)  # deferred -> withdrawn


def test_training_status_is_per_application(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship")
    api.make_application(
        participant_id=pid,
        course_identifier="npq-leading-teaching",
        cohort=2023,
        status="accepted",
        schedule_identifier="npq-specialist-autumn",
    )
    api.declared(pid)
    expect(api.withdraw(pid), 200)
    expect_errors(api.resume(pid, course="npq-leading-teaching"), 422, ("participant_id", Msg.ALREADY_ACTIVE))


# --- §7.3 declaration state ---------------------------------------------------------------------------------


def test_declaration_state_machine(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)["id"]
    assert api.set_state(decl, "payable")["attributes"]["state"] == "payable"
    assert api.set_state(decl, "eligible")["attributes"]["state"] == "eligible"  # DfE revert
    assert api.set_state(decl, "paid")["attributes"]["state"] == "paid"
    assert expect(api.void(decl), 200)["data"]["attributes"]["state"] == "awaiting-clawback"
    assert api.set_state(decl, "clawed_back")["attributes"]["state"] == "clawed-back"
    expect_errors(api.void(decl), 422, ("declaration", Msg.REFUNDED))
    assert [d["attributes"]["state"] for d in api.data(DECLARATIONS)] == ["clawed-back"]


# --- §8 schedules (R-120, R-122, R-123) ---------------------------------------------------------------------


def _accept_now(api: Api, now: str, cohort: int, course: str = "npq-headship") -> str:
    api.clock(now)
    app = api.make_application(
        cohort=cohort,
        course_identifier=course,
        eligible_for_funding=True,
        teacher_catchment="wales",
        created_at=now,
    )
    body = {"data": {"attributes": {"funded_place": True}}}
    expect(api.accept(app["id"], body=body), 200)
    return app["attributes"]["participant_id"]


@pytest.mark.parametrize(
    ("accepted_on", "cohort", "start"),
    [
        ("2025-09-01T12:00:00Z", 2025, "2025-10-01"),  # rule 1: autumn
        ("2025-01-15T12:00:00Z", 2025, "2026-01-01"),  # rule 2: spring
        ("2024-07-01T12:00:00Z", 2024, "2024-10-01"),  # rule 3: autumn
        ("2024-03-01T12:00:00Z", 2023, "2024-01-01"),  # rule 4: spring (1 Jan - 2 Apr)
        ("2024-12-27T12:00:00Z", 2023, "2024-01-01"),  # rule 4: spring (26 - 31 Dec)
        ("2024-04-03T12:00:00Z", 2023, "2023-10-01"),  # rule 5: autumn (3 Apr - 25 Dec)
        ("2023-12-25T12:00:00Z", 2023, "2023-10-01"),  # rule 5: autumn
    ],
)
def test_r120_leadership_schedule_chosen_by_the_accept_date(
    api: Api, accepted_on: str, cohort: int, start: str
) -> None:
    pid = _accept_now(api, accepted_on, cohort)
    api.clock("2026-06-01T12:00:00Z")
    expect_errors(
        api.declare(pid, date=f"{_day_before(start)}T23:59:59Z"),
        422,
        ("declaration_date", Msg.DATE_BEFORE_SCHEDULE),
    )
    expect(api.declare(pid, date=f"{start}T00:00:00Z"), 200)


def test_r120_specialist_follows_the_same_rules(api: Api) -> None:
    pid = _accept_now(api, "2025-09-01T12:00:00Z", 2025, course="npq-leading-teaching")
    api.clock("2025-10-05T12:00:00Z")
    expect(api.declare(pid, course="npq-leading-teaching", date="2025-10-02T10:00:00Z"), 200)
    expect_errors(
        api.declare(
            pid, course="npq-leading-teaching", declaration_type="retained-1", date="2025-09-30T10:00:00Z"
        ),
        422,
        ("declaration_date", Msg.DATE_BEFORE_SCHEDULE),
    )


@pytest.mark.parametrize(
    ("accepted_on", "start"),
    [
        ("2023-09-15T12:00:00Z", "2023-11-01"),  # november
        ("2023-12-15T12:00:00Z", "2023-12-01"),  # december
        ("2024-03-15T12:00:00Z", "2024-03-01"),  # march
        ("2024-07-15T12:00:00Z", "2024-06-01"),  # june
        ("2024-11-15T12:00:00Z", "2024-06-01"),  # otherwise june
    ],
)
def test_r120_ehco_schedule_chosen_by_the_accept_date(api: Api, accepted_on: str, start: str) -> None:
    course = "npq-early-headship-coaching-offer"
    pid = _accept_now(api, accepted_on, 2023, course=course)
    api.clock("2025-01-01T12:00:00Z")
    expect_errors(
        api.declare(pid, course=course, date=f"{_day_before(start)}T23:59:59Z"),
        422,
        ("declaration_date", Msg.DATE_BEFORE_SCHEDULE),
    )
    expect(api.declare(pid, course=course, date=f"{start}T00:00:00Z"), 200)


def test_r120_aso_is_always_december(api: Api) -> None:
    course = "npq-additional-support-offer"
    pid = _accept_now(api, "2022-03-15T12:00:00Z", 2021, course=course)
    expect_errors(
        api.declare(pid, course=course, date="2021-11-30T23:59:59Z"),
        422,
        ("declaration_date", Msg.DATE_BEFORE_SCHEDULE),
    )


def test_r120_acceptance_in_brief_example(api: Api) -> None:
    """Accept on 2025-09-01 for 2025 leadership -> autumn: 2025-10-02 fine, 2025-09-30 before the start."""
    pid = _accept_now(api, "2025-09-01T12:00:00Z", 2025)
    api.clock("2025-10-05T12:00:00Z")
    expect(api.declare(pid, date="2025-10-02T10:00:00Z"), 200)
    expect_errors(
        api.declare(pid, declaration_type="retained-1", date="2025-09-30T10:00:00Z"),
        422,
        ("declaration_date", Msg.DATE_BEFORE_SCHEDULE),
    )


@pytest.mark.parametrize(
    ("course", "schedule"),
    [
        ("npq-headship", "npq-specialist-autumn"),
        ("npq-leading-teaching", "npq-leadership-spring"),
        ("npq-headship", "npq-ehco-december"),
        ("npq-early-headship-coaching-offer", "npq-specialist-spring"),
    ],
)
def test_r122_schedule_course_group_must_match(api: Api, course: str, schedule: str) -> None:
    pid, _ = api.make_participant(
        course=course,
        cohort=2023,
        schedule_identifier={
            "npq-headship": "npq-leadership-autumn",
            "npq-leading-teaching": "npq-specialist-autumn",
            "npq-early-headship-coaching-offer": "npq-ehco-november",
        }[course],
    )
    expect_errors(
        api.change_schedule(pid, course=course, schedule=schedule),
        422,
        ("schedule_identifier", Msg.CS_WRONG_COURSE),
    )


def test_r123_absent_cohort_uses_the_schedules_cohort_not_the_current_one(api: Api) -> None:
    """The current-cohort fallback needs an accepted application without a schedule (unreachable in v1);
    with a schedule, the target cohort is the schedule's even when the current cohort is later."""
    api.clock("2025-06-01T12:00:00Z")
    pid, app = api.make_participant(
        course="npq-headship", cohort=2022, schedule_identifier="npq-leadership-autumn"
    )
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 200)
    assert api.application(app["id"])["attributes"]["cohort"] == "2022"
    expect_errors(
        api.declare(pid, date="2022-12-31T10:00:00Z"), 422, ("declaration_date", Msg.DATE_BEFORE_SCHEDULE)
    )


def _day_before(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) - timedelta(days=1)).isoformat()
