"""v3 declarations: delivery partners on create (V-63, V-64), change-delivery-partner (V-68..V-70), the 403
on another creator's declaration (V-52), the representation (V-18) and the cohort filter (V-38).

With the testing API the partners and people are made here; without it, what needs no set-up (unknown
partner ids are refused whatever the participant) runs, and a found declaration of ours is used for the
change-delivery-partner checks that leave it as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests import expect
from contract_tests.capabilities import CAPPED_COHORT, COHORT, World, declaration_body, fresh_uuid
from contract_tests.client import Client, Reply
from contract_tests.records import all_records, judge_fields
from contract_tests.rules import rule

pytestmark = [pytest.mark.versions("v3", reason="delivery partners, 403 and statements are v3 only")]
DECLS = "/api/v1/participant-declarations"
LATER = {"X-With-Server-Date": "2025-01-15T12:00:00Z"}  # inside the 2024 schedules
DATE_2024 = "2024-11-01T10:00:00Z"


def _entries(reply: Reply) -> list[dict[str, Any]]:
    try:
        errors = reply.json().get("errors")
    except (AssertionError, AttributeError):
        return []
    return errors if isinstance(errors, list) else []


def has_refusal(reply: Reply, code: str, label: str, **values: Any) -> None:
    """The 4xx of `code`'s status whose errors hold `code`'s entry (among others: V-64 steps 13/14 and
    15 add entries to whatever else is wrong)."""
    row = rule(code)
    want = {"title": row.title.format(**values), "detail": row.message(**values)}
    expect.status(reply, row.status, label)
    if want not in _entries(reply):
        expect.fail(label, f"HTTP {row.status} with errors entry {want}", reply.short(), reply)


def _create(api: Client, person: str, **extra: Any) -> Reply:
    body = declaration_body(person, declaration_date=DATE_2024, **extra)
    return api.post(DECLS, body, headers=LATER)


def _change(api: Client, decl_id: str, primary: Any, secondary: Any = None, **kw: Any) -> Reply:
    attrs = {"delivery_partner_id": primary, "secondary_delivery_partner_id": secondary}
    body = {"data": {"type": "participant-declaration-change-delivery-partner", "attributes": attrs}}
    return api.put(f"{DECLS}/{decl_id}/change-delivery-partner", body, **kw)


@pytest.fixture(scope="module")
def partners(world: World, other: Client) -> dict[str, dict[str, Any]]:
    """p1, p2: partnered with us for 2023 and 2024; theirs: partnered with the other provider only."""
    return {
        "p1": world.delivery_partner([(None, COHORT), (None, CAPPED_COHORT)]),
        "p2": world.delivery_partner([(None, COHORT), (None, CAPPED_COHORT)]),
        "theirs": world.delivery_partner([(other.token, CAPPED_COHORT)]),
    }


def _person(world: World, catchment: str = "england", cohort: int = CAPPED_COHORT) -> str:
    person, _ = world.accepted(cohort=cohort, teacher_catchment=catchment, funded_place=True)
    return person


@pytest.mark.writes
@pytest.mark.rule("V-64", "create: unknown delivery_partner_id / secondary: 'does not exist' (steps 13, 14)")
def test_v64_unknown_partner_ids(api: Client) -> None:
    """Steps 13/14 are not skipped by earlier errors, so an unknown participant shows them too: nothing
    is created, and no set-up is needed (runs against a real sandbox as well)."""
    for primary, secondary in ((fresh_uuid(), fresh_uuid()), ("", "not-a-uuid")):
        reply = _create(
            api, fresh_uuid(), delivery_partner_id=primary, secondary_delivery_partner_id=secondary
        )
        label = f"V-64 steps 13/14 (delivery_partner_id {primary!r}, secondary {secondary!r})"
        has_refusal(reply, "declaration.delivery_partner_unknown", label)
        has_refusal(reply, "declaration.secondary_delivery_partner_unknown", label)


@pytest.mark.writes
@pytest.mark.rule(
    "V-64", "create: partner required (2024+ England), partnered, secondary rules (15b, d, e, g, h)"
)
def test_v64_partner_checks(world: World, api: Client, partners: dict[str, dict[str, Any]]) -> None:
    p1, p2, theirs = partners["p1"]["id"], partners["p2"]["id"], partners["theirs"]["id"]
    person = _person(world)
    has_refusal(
        _create(api, person), "declaration.delivery_partner_required", "V-64 15b no partner, 2024 England"
    )
    has_refusal(
        _create(api, person, delivery_partner_id=theirs),
        "declaration.delivery_partner_not_partnered",
        "V-64 15d partner not partnered with us for the cohort",
        title="delivery_partner_id",
    )
    has_refusal(
        _create(api, person, secondary_delivery_partner_id=p2),
        "declaration.secondary_without_primary",
        "V-64 15e secondary without primary",
    )
    has_refusal(
        _create(api, person, delivery_partner_id=p1, secondary_delivery_partner_id=theirs),
        "declaration.secondary_not_partnered",
        "V-64 15g secondary not partnered",
        title="secondary_delivery_partner_id",
    )
    has_refusal(
        _create(api, person, delivery_partner_id=p1, secondary_delivery_partner_id=p1),
        "declaration.secondary_same_as_primary",
        "V-64 15h secondary equals primary",
    )
    reply = _create(api, person, delivery_partner_id=p1, secondary_delivery_partner_id=p2)
    attrs = expect.ok(reply, "V-64 partnered primary and secondary: 200")["attributes"]
    judge_fields(attrs, "declarations", "v3", "V-18 v3 declaration attributes", reply)
    expect.equal(
        (attrs["delivery_partner_id"], attrs["delivery_partner_name"]),
        (p1, partners["p1"]["name"]),
        "V-66 the primary delivery partner stored and shown (V-18)",
        "(delivery_partner_id, delivery_partner_name)",
        reply,
    )
    expect.equal(
        (attrs["secondary_delivery_partner_id"], attrs["secondary_delivery_partner_name"]),
        (p2, partners["p2"]["name"]),
        "V-66 the secondary delivery partner stored and shown (V-18)",
        "(secondary_delivery_partner_id, secondary_delivery_partner_name)",
        reply,
    )


@pytest.mark.writes
@pytest.mark.rule("V-64", "create: no delivery partner for applications outside England (15c, 15f)")
def test_v64_overseas(world: World, api: Client, partners: dict[str, dict[str, Any]]) -> None:
    person = _person(world, catchment="scotland")
    reply = _create(
        api,
        person,
        delivery_partner_id=partners["p1"]["id"],
        secondary_delivery_partner_id=partners["p2"]["id"],
    )
    has_refusal(reply, "declaration.delivery_partner_overseas", "V-64 15c primary outside England")
    has_refusal(reply, "declaration.secondary_overseas", "V-64 15f secondary outside England")
    expect.ok(_create(api, person), "V-64 outside England: no partner needed")


@pytest.mark.writes
@pytest.mark.rule("V-68", "change-delivery-partner: replaced, secondary removed, checks and 400 (V-69, V-70)")
def test_v68_v70_change_delivery_partner(
    world: World, api: Client, partners: dict[str, dict[str, Any]]
) -> None:
    p1, p2, theirs = partners["p1"]["id"], partners["p2"]["id"], partners["theirs"]["id"]
    person = _person(world)
    made = expect.ok(
        _create(api, person, delivery_partner_id=p1, secondary_delivery_partner_id=p2), "V-64 create"
    )
    decl = made["id"]
    reply = _change(api, decl, fresh_uuid(), headers=LATER)
    has_refusal(
        reply,
        "declaration.delivery_partner_not_partnered",
        "V-69 1 unknown partner",
        title="delivery_partner",
    )
    has_refusal(
        reply, "declaration.delivery_partner_required", "V-69 4 unknown partner on a 2024 declaration"
    )
    has_refusal(
        _change(api, decl, theirs, headers=LATER),
        "declaration.delivery_partner_not_partnered",
        "V-69 3 a real partner not partnered with us",
        title="delivery_partner_id",
    )
    has_refusal(
        _change(api, decl, p1, fresh_uuid(), headers=LATER),
        "declaration.secondary_not_partnered",
        "V-69 2 unknown secondary",
        title="secondary_delivery_partner",
    )
    expect.refused(
        api.put(f"{DECLS}/{decl}/change-delivery-partner", {"data": {}}),
        "request.bad_json_structure",
        "V-68 body without attributes: 400",
    )
    reply = _change(api, decl, p2, None, headers=LATER)
    attrs = expect.ok(reply, "V-70 change-delivery-partner: 200")["attributes"]
    expect.equal(
        (attrs["delivery_partner_id"], attrs["secondary_delivery_partner_id"], attrs["state"]),
        (p2, None, made["attributes"]["state"]),
        "V-68/V-70 primary replaced, secondary removed by null, state unchanged",
        "(delivery_partner_id, secondary_delivery_partner_id, state)",
        reply,
    )
    shown = api.get(f"{DECLS}/{decl}")
    expect.equal(
        expect.ok(shown, "R-108 show")["attributes"]["delivery_partner_id"],
        p2,
        "V-70 the change persists",
        "delivery_partner_id",
        shown,
    )


@pytest.mark.writes
@pytest.mark.rule("V-52", "another provider's declaration: visible after a transfer, void/change 403")
def test_v52_other_creator_403(world: World, api: Client, other: Client) -> None:
    person, app_id = world.accepted()
    decl = expect.ok(api.post(DECLS, declaration_body(person)), "R-104 declaration")
    world.transfer(app_id, other.token)  # type: ignore[arg-type]
    url = f"{DECLS}/{decl['id']}"
    expect.ok(other.get(url), "V-51 the application's new provider sees the declaration")
    expect.refused(
        other.put(f"{url}/void"), "declaration.created_by_another_provider", "V-52 void by non-creator"
    )
    expect.refused(
        _change(other, decl["id"], fresh_uuid()),
        "declaration.created_by_another_provider",
        "V-52 change-delivery-partner by non-creator (before the body is read)",
    )
    shown = api.get(url)
    expect.equal(
        expect.ok(shown, "R-108 show")["attributes"]["state"],
        decl["attributes"]["state"],
        "V-52 the refused void changed nothing",
        "state",
        shown,
    )
    expect.ok(api.put(f"{url}/void"), "V-52 the creator can still void")


@pytest.mark.writes
@pytest.mark.rule("V-68", "sandbox: change-delivery-partner on a found declaration of ours (refusals, no-op)")
def test_v68_found_declaration(world: World, api: Client) -> None:
    """Without the testing API: a declaration of ours with a delivery partner, changed to what it has."""
    if world.testing_api:
        pytest.skip("covered by test_v68_v70_change_delivery_partner with records made for it")
    found = next(
        (d for d in all_records(api, DECLS) if (d["attributes"].get("delivery_partner_id"))),
        None,
    )
    if found is None:
        pytest.skip("no declaration of ours with a delivery partner to change")
    attrs = found["attributes"]
    expect.refused(
        api.put(f"{DECLS}/{found['id']}/change-delivery-partner", {"data": {}}),
        "request.bad_json_structure",
        "V-68 body without attributes: 400",
    )
    has_refusal(
        _change(api, found["id"], fresh_uuid(), attrs.get("secondary_delivery_partner_id")),
        "declaration.delivery_partner_not_partnered",
        "V-69 1 unknown partner",
        title="delivery_partner",
    )
    reply = _change(
        api, found["id"], attrs["delivery_partner_id"], attrs.get("secondary_delivery_partner_id")
    )
    if reply.status == 403:
        pytest.skip("the found declaration was created by another provider (V-52)")
    got = expect.ok(reply, "V-70 change to the same partners: 200")["attributes"]
    expect.equal(
        (got["delivery_partner_id"], got["secondary_delivery_partner_id"]),
        (attrs["delivery_partner_id"], attrs.get("secondary_delivery_partner_id")),
        "V-70 partners as sent",
        "(delivery_partner_id, secondary_delivery_partner_id)",
        reply,
    )


@pytest.mark.writes
@pytest.mark.rule("V-38", "declarations filter[cohort]: the declaration's cohort; unknown year: none")
def test_v38_declarations_cohort(world: World, api: Client) -> None:
    empty = expect.ok(api.get(DECLS, params={"filter[cohort]": "abc"}), "V-38 filter[cohort]=abc")
    expect.equal(empty, [], "V-38 a non-year cohort matches nothing (R-36)", "records", None)
    if not world.testing_api:
        pytest.skip("the rest needs a declaration of a known cohort (no testing API)")
    person, _ = world.accepted()
    decl = expect.ok(api.post(DECLS, declaration_body(person)), "R-104 declaration")["id"]
    for cohorts, listed in ((f"{COHORT}", True), (f"2021,{COHORT}", True), ("2022", False)):
        got = [d["id"] for d in all_records(api, DECLS, {"filter[cohort]": cohorts})]
        expect.equal(
            decl in got, listed, f"V-38 filter[cohort]={cohorts}", f"our {COHORT} declaration listed", None
        )
