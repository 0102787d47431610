"""v3 application and participant rules that differ from v1: accept with schedule_identifier (V-54), reject
of accepted applications and its declaration block (V-55), the 21 withdrawal reasons (VD11; v2 keeps the
17 of R-134, V-59). Each needs records in a known state: testing API only."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import World, action_body, declaration_body
from contract_tests.client import Client
from contract_tests.records import WITHDRAWAL_REASONS_V3_ONLY, enrolment

pytestmark = [pytest.mark.writes, pytest.mark.quick]
APPS = "/api/v1/npq-applications"
PARTS = "/api/v1/participants/npq"
DECLS = "/api/v1/participant-declarations"


def _accept(api: Client, app_id: str, **attrs: object) -> object:
    body = {"data": {"type": "npq-application-accept", "attributes": attrs}} if attrs else None
    return api.post(f"{APPS}/{app_id}/accept", body)


@pytest.mark.rule("V-54", "accept with schedule_identifier: v3 uses it (or refuses it); v2 ignores it")
def test_v54_accept_schedule(world: World, api: Client, version: str) -> None:
    if version == "v1":
        pytest.skip("v1 accept reads funded_place only (R-50); see V-54 in v2/v3 runs")
    chosen = "npq-leadership-spring"  # R-120 would choose npq-leadership-autumn at the suite's clock
    app = world.application()
    reply = _accept(api, app["id"], schedule_identifier=chosen)
    expect.ok(reply, "V-54 accept with schedule_identifier")
    person = app["attributes"]["participant_id"]
    shown = api.get(f"{PARTS}/{person}")
    item = enrolment(expect.ok(shown, "R-71 participant show")["attributes"], app["id"]) or {}
    want = chosen if version == "v3" else "npq-leadership-autumn"
    expect.equal(
        item.get("schedule_identifier"),
        want,
        "V-54 v3 takes the schedule sent; v2 ignores it and chooses by R-120",
        "enrolment schedule_identifier",
        shown,
    )
    if version != "v3":
        return
    expect.equal(
        expect.ok(api.get(f"{APPS}/{app['id']}"), "R-46")["attributes"].get("schedule_identifier"),
        chosen,
        "V-11 application schedule_identifier",
        "schedule_identifier",
    )
    expect.refused(
        _accept(api, world.application()["id"], schedule_identifier="npq-no-such-schedule"),
        "accept.schedule_not_in_cohort",
        "V-54 6 an unknown schedule",
    )
    expect.refused(
        _accept(api, world.application()["id"], schedule_identifier="npq-specialist-autumn"),
        "schedule.wrong_course",
        "V-54 7 a schedule of another course group",
    )


@pytest.mark.versions("v3", reason="v1/v2 refuse to reject accepted applications, R-61")
@pytest.mark.rule(
    "V-55", "v3 rejects accepted applications (reason rejected_by_provider) unless declarations"
)
def test_v55_reject_accepted(world: World, api: Client) -> None:
    person, app_id = world.accepted()
    reply = api.post(f"{APPS}/{app_id}/reject")
    attrs = expect.ok(reply, "V-55 reject an accepted application without declarations")["attributes"]
    expect.equal(
        (attrs["status"], attrs.get("reason_for_rejection")),
        ("rejected", "rejected_by_provider"),
        "V-55 rejected, reason rejected_by_provider",
        "(status, reason_for_rejection)",
        reply,
    )
    expect.not_found(
        api.get(f"{PARTS}/{person}"), "V-55 no accepted application left: no longer a participant"
    )
    expect.refused(api.post(f"{APPS}/{app_id}/reject"), "application.already_rejected", "V-55 2 reject twice")


@pytest.mark.versions("v3", reason="v1/v2 refuse to reject accepted applications, R-61")
@pytest.mark.rule("V-55", "v3 reject of an accepted application blocked by a declaration until it is voided")
def test_v55_reject_blocked_by_declaration(world: World, api: Client) -> None:
    person, app_id = world.accepted()
    decl = expect.ok(api.post(DECLS, declaration_body(person)), "R-104 declaration")
    expect.refused(
        api.post(f"{APPS}/{app_id}/reject"),
        "application.reject_blocked_by_declarations",
        "V-55 3 a submitted/eligible declaration blocks the reject",
    )
    shown = api.get(f"{APPS}/{app_id}")
    expect.equal(
        expect.ok(shown, "R-46")["attributes"]["status"],
        "accepted",
        "V-55 refused: unchanged",
        "status",
        shown,
    )
    expect.ok(api.put(f"{DECLS}/{decl['id']}/void"), "R-109 void")
    expect.ok(api.post(f"{APPS}/{app_id}/reject"), "V-55 a voided declaration does not block")


@pytest.mark.rule(
    "VD11", "withdrawal reasons: v3 takes the four added ones; v1/v2 refuse them (V-59)", per_case=True
)
@pytest.mark.parametrize("reason", WITHDRAWAL_REASONS_V3_ONLY)
def test_vd11_withdrawal_reasons(world: World, api: Client, version: str, reason: str) -> None:
    person, app_id = world.accepted()
    expect.ok(api.post(DECLS, declaration_body(person)), "R-104 started declaration")
    reply = api.put(f"{PARTS}/{person}/withdraw", action_body(reason=reason))
    if version != "v3":
        expect.refused(
            reply, "participant.invalid_reason", f"V-59 {version} refuses withdrawal reason {reason}"
        )
        return
    attrs = expect.ok(reply, f"VD11 withdraw with {reason}")["attributes"]
    item = enrolment(attrs, app_id) or {}
    withdrawal = item.get("withdrawal")
    expect.true(
        item.get("training_status") == "withdrawn"
        and isinstance(withdrawal, dict)
        and withdrawal.get("reason") == reason,
        "V-14 the withdrawal object carries the reason",
        f'training_status withdrawn, withdrawal {{"reason": "{reason}", "date": ...}}',
        repr(item),
        reply,
    )
