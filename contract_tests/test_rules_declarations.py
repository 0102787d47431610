"""Declaration rules: who can be declared for, when, how often, and voiding (R-79..R-112)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import (
    BEFORE_SCHEDULE,
    CLOCK,
    FUTURE,
    IN_SCHEDULE,
    World,
    action_body,
    declaration_body,
)
from contract_tests.client import Client
from contract_tests.records import judge_declaration_flags, judge_fields

pytestmark = [pytest.mark.writes]
DECLS = "/api/v1/participant-declarations"


def _person(world: World) -> str:
    return world.participant()["attributes"]["participant_id"]


@pytest.mark.quick
@pytest.mark.rule("R-104", "declaration created: 200, participant-declaration, fundable -> eligible")
def test_r104_create(world: World, api: Client, version: str) -> None:
    person = _person(world)
    # An offset date is stored in UTC: 11:00+01:00 comes back as 10:00Z.
    reply = api.post(DECLS, declaration_body(person, declaration_date="2023-11-01T11:00:00+01:00"))
    data = expect.ok(reply, "R-04 declaration create answers 200")
    expect.equal(data["type"], "participant-declaration", "R-22 declaration type", "data.type", reply)
    attrs = data["attributes"]
    judge_fields(attrs, "declarations", version, f"R-21 declaration attributes ({version} view)", reply)
    expect.equal(
        attrs["declaration_date"], "2023-11-01T10:00:00Z", "R-23 declaration_date in UTC", "date", reply
    )
    expect.equal(attrs["state"], "eligible", "R-104 fundable declaration is eligible", "state", reply)
    judge_declaration_flags(attrs, version, "R-29 eligible_for_payment and voided flags", reply)
    shown = expect.ok(api.get(f"{DECLS}/{data['id']}"), "R-108 show declaration")
    expect.equal(
        shown["attributes"]["state"], "eligible", "R-104 declaration persisted", "state after GET", reply
    )


@pytest.mark.quick
@pytest.mark.rule("R-102", "duplicate declaration refused (no idempotent replay)")
def test_r102_duplicate(world: World, api: Client) -> None:
    person = _person(world)
    expect.ok(api.post(DECLS, declaration_body(person)), "R-104 first declaration")
    expect.refused(
        api.post(DECLS, declaration_body(person)), "declaration.duplicate", "R-102 duplicate declaration"
    )


@pytest.mark.quick
@pytest.mark.rule("R-81", "no declaration for an applicant whose application is not accepted")
def test_r81_pending_applicant(world: World, api: Client) -> None:
    person = world.application()["attributes"]["participant_id"]
    expect.refused(
        api.post(DECLS, declaration_body(person)),
        "declaration.participant_not_recognised",
        "R-81 pending applicant",
    )


@pytest.mark.rule("R-82", "no declaration dated at/after a withdrawal; earlier dates allowed")
def test_r82_withdrawn(world: World, api: Client) -> None:
    person = _person(world)
    expect.ok(api.post(DECLS, declaration_body(person)), "R-104 started declaration")
    # Withdrawn at the suite's clock; a declaration dated at that very instant is refused (R-82 says
    # "at or before"), one dated earlier is accepted. (Back-dating the withdrawal with the R-18 header
    # would put it before the accept's own "active" record, so it would not be the latest state.)
    reply = api.put(
        f"/api/v1/participants/npq/{person}/withdraw", action_body(reason="personal-reason-other")
    )
    expect.ok(reply, "R-78 withdraw")
    expect.refused(
        api.post(DECLS, declaration_body(person, "retained-1", declaration_date=CLOCK)),
        "declaration.after_withdrawal",
        "R-82 declaration after withdrawal",
        withdrawn_at=CLOCK,
    )
    reply = api.post(DECLS, declaration_body(person, "retained-1", declaration_date="2024-02-01T10:00:00Z"))
    expect.ok(reply, "R-82 declaration dated before the withdrawal is accepted")


@pytest.mark.quick
@pytest.mark.rule("R-84", "declaration_date on/after the schedule start and not in the future")
def test_r84_r103_dates(world: World, api: Client) -> None:
    person = _person(world)
    expect.refused(
        api.post(DECLS, declaration_body(person, declaration_date=BEFORE_SCHEDULE)),
        "declaration.before_schedule",
        "R-84 before schedule start",
    )
    expect.refused(
        api.post(DECLS, declaration_body(person, declaration_date=FUTURE)),
        "declaration.future_date",
        "R-103 future declaration_date",
    )
    expect.refused(
        api.post(DECLS, declaration_body(person, declaration_date="2023-11-01")),
        "declaration.date_invalid",
        "R-84 date-only declaration_date",
    )


@pytest.mark.rule("R-86", "declaration_type must be one of the four")
def test_r86_type(world: World, api: Client) -> None:
    person = _person(world)
    expect.refused(
        api.post(DECLS, declaration_body(person, "retained-9")),
        "declaration.type_not_recognised",
        "R-86 unknown declaration_type",
    )


@pytest.mark.quick
@pytest.mark.rule("R-101", "completed on a leadership course needs has_passed")
def test_r101_has_passed(world: World, api: Client) -> None:
    person = _person(world)
    expect.refused(
        api.post(DECLS, declaration_body(person, "completed", declaration_date="2024-05-01T10:00:00Z")),
        "declaration.has_passed_required",
        "R-101 completed without has_passed",
    )


@pytest.mark.rule("R-79", "declaration body without data.attributes: 400")
def test_r79_structure(api: Client) -> None:
    expect.refused(api.post(DECLS, {"data": {}}), "request.bad_json_structure", "R-79 empty data")


@pytest.mark.quick
@pytest.mark.rule("R-110", "void once: voided, then 422 already voided")
def test_r109_r110_void_once(world: World, api: Client, version: str) -> None:
    person = _person(world)
    decl = expect.ok(api.post(DECLS, declaration_body(person)), "R-104 declaration")
    reply = api.put(f"{DECLS}/{decl['id']}/void")
    data = expect.ok(reply, "R-109 void")
    expect.equal(data["attributes"]["state"], "voided", "R-109 void sets state voided", "state", reply)
    judge_declaration_flags(data["attributes"], version, "R-29 voided flag", reply)
    shown = api.get(f"{DECLS}/{decl['id']}")
    expect.equal(
        expect.ok(shown, "R-108")["attributes"]["state"], "voided", "R-109 void persists", "state", shown
    )
    expect.refused(api.put(f"{DECLS}/{decl['id']}/void"), "declaration.already_voided", "R-110 void twice")
    # A voided declaration frees the slot for a new one of the same type.
    expect.ok(api.post(DECLS, declaration_body(person)), "R-102 voided declaration frees the slot")


@pytest.mark.rule("R-111", "void a paid declaration: awaiting-clawback")
def test_r111_clawback(world: World, api: Client, version: str) -> None:
    person = _person(world)
    decl = expect.ok(api.post(DECLS, declaration_body(person, declaration_date=IN_SCHEDULE)), "R-104")
    world.set_declaration_state(decl["id"], "paid")
    reply = api.put(f"{DECLS}/{decl['id']}/void")
    data = expect.ok(reply, "R-111 claw back paid declaration")
    expect.equal(
        data["attributes"]["state"], "awaiting-clawback", "R-111/R-26 awaiting-clawback", "state", reply
    )
    judge_declaration_flags(data["attributes"], version, "R-29 voided only for voided", reply)
    expect.refused(api.put(f"{DECLS}/{decl['id']}/void"), "declaration.refunded", "R-111 claw back twice")
