"""Declaration create and void rules that need particular set-ups (R-83..R-111)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import CAPPED_COHORT, World, declaration_body
from contract_tests.client import Client, Reply

pytestmark = [pytest.mark.writes, pytest.mark.quick]
DECLS = "/api/v1/participant-declarations"
LATER = {"X-With-Server-Date": "2025-01-15T12:00:00Z"}  # inside the 2024 schedules


def _post(api: Client, person: str, declaration_type: str = "started", **extra: object) -> Reply:
    return api.post(DECLS, declaration_body(person, declaration_type, **extra))


@pytest.mark.rule("R-83", "declaration course must be one the participant has an accepted application for")
def test_r83_course(world: World, api: Client) -> None:
    person, _ = world.accepted()
    world.application(participant_id=person, course_identifier="npq-senior-leadership")  # pending
    for course in ("npq-senior-leadership", "npq-basket-weaving", None):
        reply = _post(api, person, course_identifier=course)
        expect.refused(reply, "participant.course_not_recognised", f"R-83 course {course!r}")


@pytest.mark.rule("R-85", "declaration_date missing or impossible: Enter a '#/declaration_date'.")
def test_r85_date(world: World, api: Client) -> None:
    person, _ = world.accepted()
    expect.refused(_post(api, person, declaration_date=None), "declaration.date_missing", "R-85 missing date")
    reply = _post(api, person, declaration_date="2023-19-01T10:00:00Z")
    expect.refused(reply, "declaration.date_missing", "R-85 impossible month")
    expect.refused(reply, "declaration.date_invalid", "R-84/R-85 impossible month gives both messages")


@pytest.mark.rule("R-87", "declaring a course accepted only with another provider: missing a schedule")
def test_r87_missing_schedule(world: World, api: Client, other: Client) -> None:
    person, _ = world.accepted(course_identifier="npq-senior-leadership")
    world.accepted(token=other.token, participant_id=person)  # npq-headship, with them
    reply = _post(api, person)
    expect.refused(reply, "declaration.schedule_missing", "R-87 no schedule")


@pytest.mark.rule("R-88", "retained-2 does not exist on a specialist schedule")
def test_r88_type_not_in_schedule(world: World, api: Client) -> None:
    course = "npq-leading-teaching"
    person, _ = world.accepted(course_identifier=course)
    reply = _post(api, person, "retained-2", course_identifier=course)
    expect.refused(reply, "declaration.type_not_in_schedule", "R-88 retained-2 on npq-specialist-autumn")
    expect.ok(_post(api, person, "retained-1", course_identifier=course), "R-88 retained-1 exists")


@pytest.mark.rule("R-89", "no declaration without a contract for the cohort and course")
@pytest.mark.parametrize(
    ("course", "cohort"), [("npq-senco", 2023), ("npq-leading-primary-mathematics", 2022)]
)
def test_r89_no_contract(world: World, api: Client, course: str, cohort: int) -> None:
    person, _ = world.accepted(course_identifier=course, cohort=cohort)
    reply = _post(api, person, course_identifier=course)
    expect.refused(reply, "declaration.no_contract", f"R-89 no contract for {course} in {cohort}")


@pytest.mark.rule("R-100", "closed funding contract: fundable declarations refused, others allowed")
def test_r100_closed_cohort(world: World, api: Client) -> None:
    fundable, _ = world.accepted()
    unfunded, _ = world.accepted(eligible_for_funding=False)
    paid, _ = world.accepted()
    decl = expect.ok(_post(api, paid), "R-104 declaration")
    world.set_declaration_state(decl["id"], "paid")
    with world.closed_cohorts([2023]):
        reply = _post(api, fundable)
        expect.refused(
            reply, "declaration.contract_ended", "R-100 closed cohort", attribute="cohort", year=2023
        )
        reply = api.put(f"{DECLS}/{decl['id']}/void")
        expect.refused(
            reply,
            "declaration.contract_ended",
            "R-111 claw back in a closed cohort",
            attribute="declaration",
            year=2023,
        )
        state = expect.ok(_post(api, unfunded), "R-100 a non-fundable declaration is not blocked")[
            "attributes"
        ]
        expect.equal(state["state"], "submitted", "R-104 non-fundable declaration", "state")
    expect.ok(_post(api, fundable), "R-100 the reopened cohort accepts the declaration")


@pytest.mark.versions(
    "v1", "v2", reason="v3 takes delivery partners and always requires one, V-64: test_v64_*"
)
@pytest.mark.rule("R-103", "delivery-partner rule: England 2024+ refused when on; elsewhere always allowed")
@pytest.mark.parametrize("catchment", ["england", "wales", "another"])
def test_r103_delivery_partner(world: World, api: Client, catchment: str) -> None:
    rule_on = bool(world.settings("the delivery-partner rule").get("delivery_partner_rule", True))
    person, _ = world.accepted(cohort=CAPPED_COHORT, teacher_catchment=catchment, funded_place=True)
    reply = api.post(DECLS, declaration_body(person, declaration_date="2024-11-01T10:00:00Z"), headers=LATER)
    if rule_on and catchment == "england":
        expect.refused(reply, "declaration.delivery_partner_required", "R-103 delivery partner required")
    else:
        expect.ok(reply, f"R-103 no delivery partner needed ({catchment}, rule {'on' if rule_on else 'off'})")


@pytest.mark.rule("R-111", "void of awaiting-clawback or clawed-back: will or has been be refunded")
@pytest.mark.parametrize("state", ["awaiting_clawback", "clawed_back"])
def test_r111_refunded(world: World, api: Client, state: str) -> None:
    person, _ = world.accepted()
    decl = expect.ok(_post(api, person), "R-104 declaration")
    world.set_declaration_state(decl["id"], state)
    expect.refused(api.put(f"{DECLS}/{decl['id']}/void"), "declaration.refunded", f"R-111 void {state}")
    payable, _ = world.accepted()
    decl = expect.ok(_post(api, payable), "R-104 declaration")
    world.set_declaration_state(decl["id"], "payable")
    data = expect.ok(api.put(f"{DECLS}/{decl['id']}/void"), "R-109 void payable")
    expect.equal(data["attributes"]["state"], "voided", "R-109 payable becomes voided", "state")
