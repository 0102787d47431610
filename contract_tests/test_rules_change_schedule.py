"""Change-schedule across cohorts (R-91, R-96, R-97) and the common action preconditions (R-74, R-76)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import CAPPED_COHORT, COURSE, World, action_body, declaration_body
from contract_tests.client import Client

pytestmark = [pytest.mark.writes, pytest.mark.quick]
PARTS = "/api/v1/participants/npq"
DECLS = "/api/v1/participant-declarations"


def _change(api: Client, person: str, schedule: str, cohort: int, course: str = COURSE) -> object:
    body = action_body(schedule_identifier=schedule, cohort=cohort, course_identifier=course)
    return api.put(f"{PARTS}/{person}/change-schedule", body)


@pytest.mark.rule("R-97", "change-schedule: no move from a capped cohort to an uncapped one")
def test_r97_capped_to_uncapped(world: World, api: Client) -> None:
    person, _ = world.accepted(cohort=CAPPED_COHORT, teacher_catchment="scotland", funded_place=True)
    expect.refused(
        _change(api, person, "npq-leadership-autumn", 2023),
        "schedule.capped_to_uncapped",
        "R-97 capped to uncapped",
    )


@pytest.mark.rule("R-96", "change-schedule: no cohort change with billable declarations")
def test_r96_cohort_change_with_declarations(world: World, api: Client) -> None:
    # Not fundable, so the 2022 cohort's ended contract does not block the declaration.
    person, _ = world.accepted(cohort=2022, eligible_for_funding=False)
    expect.ok(api.post(DECLS, declaration_body(person)), "R-104 declaration (2023-11-01)")
    expect.refused(
        _change(api, person, "npq-leadership-autumn", 2023),
        "schedule.cohort_has_declarations",
        "R-96 cohort change with a submitted declaration",
    )
    fresh, _ = world.accepted(cohort=2022)
    reply = _change(api, fresh, "npq-leadership-autumn", 2023)
    expect.ok(reply, "R-96 cohort change without declarations")  # type: ignore[arg-type]


@pytest.mark.rule("R-91", "change-schedule: refused to a cohort without a contract for the course")
def test_r91_no_contract(world: World, api: Client) -> None:
    course = "npq-leading-primary-mathematics"  # no contract before 2023
    person, _ = world.accepted(course_identifier=course)
    expect.refused(
        _change(api, person, "npq-specialist-autumn", 2022, course),
        "schedule.no_contract",
        "R-91 no contract",
    )


@pytest.mark.rule("R-74", "actions: course missing, pending, or accepted only with another provider")
def test_r74_preconditions(world: World, api: Client, other: Client) -> None:
    person, _ = world.accepted()
    world.application(participant_id=person, course_identifier="npq-senior-leadership")
    world.accepted(token=other.token, participant_id=person, course_identifier="npq-leading-teaching")
    # Missing (defer) or blank (resume) course_identifier; the attributes stay non-empty (else R-72's 400).
    for action, extra, missing in (
        ("defer", {"reason": "other"}, {}),
        ("resume", {}, {"course_identifier": ""}),
    ):
        body = {"data": {"type": "npq-participant", "attributes": {**extra, **missing}}}
        reply = api.put(f"{PARTS}/{person}/{action}", body)
        expect.refused(reply, "participant.course_not_recognised", f"R-74.2 {action} without a course")
        for course in ("npq-senior-leadership", "npq-leading-teaching"):
            reply = api.put(f"{PARTS}/{person}/{action}", action_body(course_identifier=course, **extra))
            expect.refused(
                reply,
                "participant.no_accepted_application",
                f"R-74.3 {action}: {course} not accepted with us",
            )


@pytest.mark.rule("R-76", "defer: a voided declaration still counts as a declaration")
def test_r76_voided_declaration_counts(world: World, api: Client) -> None:
    person, _ = world.accepted()
    decl = expect.ok(api.post(DECLS, declaration_body(person)), "R-104 declaration")
    expect.ok(api.put(f"{DECLS}/{decl['id']}/void"), "R-109 void")
    expect.ok(
        api.put(f"{PARTS}/{person}/defer", action_body(reason="career-break")), "R-76 defer (voided decl)"
    )


@pytest.mark.rule(
    "R-78", "withdraw from deferred with the dotted reason (R-134); resume from withdrawn (R-77)"
)
def test_r78_withdraw_dotted_reason(world: World, api: Client) -> None:
    person, _ = world.accepted()
    expect.ok(api.post(DECLS, declaration_body(person)), "R-104 declaration")
    expect.ok(api.put(f"{PARTS}/{person}/defer", action_body(reason="other")), "R-76 defer")
    reply = api.put(
        f"{PARTS}/{person}/withdraw", action_body(reason="quality-of-programme-structure-not-suitable.")
    )
    expect.ok(reply, "R-78/R-134 withdraw from deferred, reason with its trailing dot")
    expect.ok(api.put(f"{PARTS}/{person}/resume", action_body()), "R-77 resume from withdrawn")
