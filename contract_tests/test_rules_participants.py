"""Participant actions and their preconditions: defer, resume, withdraw, change-schedule (R-72..R-97)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import World, action_body, declaration_body, fresh_uuid
from contract_tests.client import Client

pytestmark = [pytest.mark.writes]
PARTS = "/api/v1/participants/npq"
DECLS = "/api/v1/participant-declarations"


def _declared(world: World, api: Client, declaration_type: str = "started") -> str:
    """A new participant with one declaration; returns the participant id."""
    person = world.participant()["attributes"]["participant_id"]
    expect.ok(api.post(DECLS, declaration_body(person, declaration_type)), "R-104 declaration created")
    return person


@pytest.mark.quick
@pytest.mark.rule("R-76", "defer needs a declaration")
def test_r76_defer_needs_declaration(world: World, api: Client) -> None:
    person = world.participant()["attributes"]["participant_id"]
    expect.refused(
        api.put(f"{PARTS}/{person}/defer", action_body(reason="bereavement")),
        "participant.defer_without_declarations",
        "R-76 defer without declarations",
    )


@pytest.mark.rule("R-76", "defer: reason must be a deferral reason")
def test_r76_defer_reason(world: World, api: Client) -> None:
    person = _declared(world, api)
    expect.refused(
        api.put(f"{PARTS}/{person}/defer", action_body(reason="holiday")),
        "participant.invalid_reason",
        "R-76 defer reason",
    )


@pytest.mark.rule("R-77", "defer then resume; each only from the right state")
def test_r76_r77_defer_resume_cycle(world: World, api: Client) -> None:
    person = _declared(world, api)
    reply = api.put(f"{PARTS}/{person}/defer", action_body(reason="parental-leave"))
    data = expect.ok(reply, "R-75 defer answers the participant")
    expect.equal(data["type"], "npq-participant", "R-22 participant type", "data.type", reply)
    expect.refused(
        api.put(f"{PARTS}/{person}/defer", action_body(reason="parental-leave")),
        "participant.already_deferred",
        "R-76 defer twice",
    )
    expect.ok(api.put(f"{PARTS}/{person}/resume", action_body()), "R-77 resume deferred")
    expect.refused(
        api.put(f"{PARTS}/{person}/resume", action_body()), "participant.already_active", "R-77 resume active"
    )


@pytest.mark.quick
@pytest.mark.rule("R-78", "withdraw needs a started declaration")
def test_r78_withdraw_needs_started(world: World, api: Client) -> None:
    person = world.participant()["attributes"]["participant_id"]
    expect.refused(
        api.put(f"{PARTS}/{person}/withdraw", action_body(reason="personal-reason-other")),
        "participant.withdraw_without_started",
        "R-78 withdraw without started declaration",
    )


@pytest.mark.rule("R-78", "withdraw: reason must be a withdrawal reason (exact strings)")
def test_r78_withdraw_reason(world: World, api: Client) -> None:
    person = _declared(world, api)
    # The real list carries a trailing full stop on this one, so the dot-less form is refused.
    expect.refused(
        api.put(
            f"{PARTS}/{person}/withdraw", action_body(reason="quality-of-programme-structure-not-suitable")
        ),
        "participant.invalid_reason",
        "R-78 withdraw reason",
    )


@pytest.mark.rule("R-92", "withdrawn: withdraw again and change-schedule refused, resume allowed")
def test_r78_r92_withdrawn(world: World, api: Client) -> None:
    person = _declared(world, api)
    expect.ok(
        api.put(f"{PARTS}/{person}/withdraw", action_body(reason="personal-reason-other")), "R-78 withdraw"
    )
    expect.refused(
        api.put(f"{PARTS}/{person}/withdraw", action_body(reason="personal-reason-other")),
        "participant.already_withdrawn",
        "R-78 withdraw twice",
    )
    expect.refused(
        api.put(f"{PARTS}/{person}/defer", action_body(reason="other")),
        "participant.already_withdrawn",
        "R-76 defer withdrawn",
    )
    expect.refused(
        api.put(
            f"{PARTS}/{person}/change-schedule", action_body(schedule_identifier="npq-leadership-spring")
        ),
        "participant.already_withdrawn",
        "R-92 change-schedule withdrawn",
    )
    expect.ok(api.put(f"{PARTS}/{person}/resume", action_body()), "R-77 resume from withdrawn")


@pytest.mark.rule("R-74", "actions need an accepted application for that exact course")
def test_r74_course_must_be_accepted(world: World, api: Client) -> None:
    person = world.participant()["attributes"]["participant_id"]
    expect.refused(
        api.put(f"{PARTS}/{person}/resume", action_body(course_identifier="npq-senior-leadership")),
        "participant.no_accepted_application",
        "R-74 no accepted application for the course",
    )
    expect.refused(
        api.put(f"{PARTS}/{person}/resume", action_body(course_identifier="npq-basket-weaving")),
        "participant.course_not_recognised",
        "R-74 unknown course",
    )


@pytest.mark.quick
@pytest.mark.rule("R-72", "participant actions: body checked before lookup (400), then 404")
def test_r72_body_then_lookup(api: Client) -> None:
    reply = api.put(f"{PARTS}/{fresh_uuid()}/defer", {"data": {}})
    expect.refused(reply, "request.bad_json_structure", "R-72 empty data is a 400")
    expect.not_found(api.put(f"{PARTS}/{fresh_uuid()}/defer", action_body(reason="other")), "R-73 unknown id")


@pytest.mark.rule("R-94", "change-schedule: same schedule, wrong course group, unknown schedule")
def test_r90_r94_r95_change_schedule_refusals(world: World, api: Client) -> None:
    person = world.participant()["attributes"]["participant_id"]
    url = f"{PARTS}/{person}/change-schedule"
    expect.refused(
        api.put(url, action_body(schedule_identifier="npq-leadership-autumn", cohort=2023)),
        "schedule.already_on_it",
        "R-94 same schedule",
    )
    expect.refused(
        api.put(url, action_body(schedule_identifier="npq-specialist-autumn", cohort=2023)),
        "schedule.wrong_course",
        "R-95 wrong course group",
    )
    expect.refused(
        api.put(url, action_body(schedule_identifier="npq-no-such-schedule")),
        "schedule.identifier_invalid",
        "R-90 unknown schedule",
    )


@pytest.mark.rule("R-93", "change-schedule: refused when it would invalidate declarations, else 200")
def test_r93_change_schedule(world: World, api: Client) -> None:
    person = _declared(world, api)  # started on 2023-11-01, before spring's 2024-01-01 start
    url = f"{PARTS}/{person}/change-schedule"
    expect.refused(
        api.put(url, action_body(schedule_identifier="npq-leadership-spring", cohort=2023)),
        "schedule.invalidates_declarations",
        "R-93 change-schedule invalidating declarations",
    )
    fresh = world.participant()["attributes"]["participant_id"]
    reply = api.put(
        f"{PARTS}/{fresh}/change-schedule",
        action_body(schedule_identifier="npq-leadership-spring", cohort=2023),
    )
    expect.ok(reply, "R-93 change-schedule without declarations")
