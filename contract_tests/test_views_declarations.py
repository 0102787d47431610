"""The declaration object (§3.5): states (R-26, R-104), flags (R-29) and course (R-27)."""

from __future__ import annotations

import csv
import io

import pytest

from contract_tests import expect
from contract_tests.capabilities import IN_SCHEDULE, World, declaration_body
from contract_tests.client import Client
from contract_tests.records import has_csv, judge_declaration_flags

pytestmark = [pytest.mark.writes, pytest.mark.quick]
DECLS = "/api/v1/participant-declarations"
# DfE-side state (testing API) -> what v1 shows; one declaration type each, so one person holds all.
DFE_STATES = [
    ("started", "2023-11-01T10:00:00Z", "awaiting_clawback", "awaiting-clawback"),
    ("retained-1", "2024-01-10T10:00:00Z", "payable", "payable"),
    ("retained-2", "2024-03-10T10:00:00Z", "paid", "paid"),
    ("completed", "2024-05-01T10:00:00Z", "clawed_back", "clawed-back"),
]


def _flags(attrs: dict, rule: str, reply: object, version: str) -> None:
    """R-29 (v1): voided iff state voided; eligible_for_payment iff eligible or payable (v2/v3: no flags)."""
    judge_declaration_flags(attrs, version, rule, reply)  # type: ignore[arg-type]


def _declare(api: Client, person: str, rule: str, declaration_type: str = "started", **extra: object) -> dict:
    return expect.ok(api.post(DECLS, declaration_body(person, declaration_type, **extra)), rule)


@pytest.mark.rule(
    "R-26", "DfE-side states shown hyphenated (awaiting-clawback, clawed-back), R-29 flags, R-107"
)
def test_r26_r29_r107_states(world: World, api: Client, version: str) -> None:
    person, _ = world.accepted()
    made = {}
    for declaration_type, date, stored, shown in DFE_STATES:
        extra = {"has_passed": True} if declaration_type == "completed" else {}
        decl = _declare(api, person, "R-104 declaration", declaration_type, declaration_date=date, **extra)
        world.set_declaration_state(decl["id"], stored)
        made[decl["id"]] = shown
        reply = api.get(f"{DECLS}/{decl['id']}")
        attrs = expect.ok(reply, "R-108 show declaration")["attributes"]
        expect.equal(attrs.get("state"), shown, f"R-26 state {stored} shown as {shown}", "state", reply)
        _flags(attrs, f"R-29 voided/eligible_for_payment for {shown}", reply, version)
    voided = _declare(
        api,
        person,
        "R-102 awaiting-clawback frees the slot",
        "started",
        declaration_date="2023-12-01T10:00:00Z",
    )
    expect.ok(api.put(f"{DECLS}/{voided['id']}/void"), "R-109 void")
    made[voided["id"]] = "voided"
    reply = api.get(DECLS, params={"filter[participant_id]": person})
    listed = {d["id"]: d["attributes"] for d in expect.ok(reply, "R-107 list declarations")}
    expect.equal(
        {i: listed.get(i, {}).get("state") for i in made},
        made,
        "R-107 the list shows declarations in every state (R-26 hyphenated)",
        "states listed by id",
        reply,
    )
    for attrs in listed.values():
        _flags(attrs, "R-29 flags in the list", reply, version)
    if not has_csv(version):
        return  # v3 has no CSV (V-05)
    reply = api.get(f"{DECLS}.csv", params={"filter[participant_id]": person})
    rows = {r["id"]: r["state"] for r in csv.DictReader(io.StringIO(reply.text))}
    expect.equal(rows, made, "R-31 CSV states hyphenated as in JSON", "CSV states by id", reply)


@pytest.mark.rule(
    "R-104", "new declaration: eligible if fundable, submitted if not, ineligible if TRN duplicate"
)
def test_r104_states_on_create(world: World, api: Client, version: str) -> None:
    cases = [
        ({}, "eligible"),
        ({"eligible_for_funding": False}, "submitted"),
    ]
    for attrs, want in cases:
        person, _ = world.accepted(**attrs)
        reply = api.post(DECLS, declaration_body(person))
        data = expect.ok(reply, "R-104 declaration")["attributes"]
        expect.equal(
            data.get("state"), want, f"R-104 state of a declaration ({attrs or 'fundable'})", "state", reply
        )
        _flags(data, "R-29 flags on create", reply, version)
    # Previously funded is not fundable either.
    person, _ = world.accepted(cohort=2022)
    world.accepted(participant_id=person)
    reply = api.post(DECLS, declaration_body(person))
    state = expect.ok(reply, "R-104 declaration")["attributes"].get("state")
    expect.equal(state, "submitted", "R-104 previously funded: submitted, not eligible", "state", reply)


@pytest.mark.rule("R-104", "a second person with the same TRN declaring the same event: ineligible")
def test_r104_duplicate_trn(world: World, api: Client, version: str) -> None:
    trn = str(world.rng.randrange(1_000_000, 9_999_999))
    first, _ = world.accepted(teacher_reference_number=trn)
    second, _ = world.accepted(teacher_reference_number=trn)
    expect.equal(_declare(api, first, "R-104")["attributes"]["state"], "eligible", "R-104 first", "state")
    reply = api.post(DECLS, declaration_body(second))
    data = expect.ok(reply, "R-104 duplicate by TRN is accepted")["attributes"]
    expect.equal(data.get("state"), "ineligible", "R-104 same TRN, same event: ineligible", "state", reply)
    _flags(data, "R-29 flags of an ineligible declaration", reply, version)
    reply = api.post(DECLS, declaration_body(second, "retained-1", declaration_date="2024-01-10T10:00:00Z"))
    state = expect.ok(reply, "R-104")["attributes"].get("state")
    expect.equal(state, "eligible", "R-104 only the same declaration type is a duplicate", "state", reply)


@pytest.mark.rule("R-27", "course_identifier is the course of the application (EHCO declared as ASO)")
def test_r27_course_of_application(world: World, api: Client, version: str) -> None:
    ehco = "npq-early-headship-coaching-offer"
    person, _ = world.accepted(course_identifier=ehco, schedule_identifier="npq-ehco-november")
    body = declaration_body(
        person, course_identifier="npq-additional-support-offer", declaration_date=IN_SCHEDULE
    )
    reply = api.post(DECLS, body)
    data = expect.ok(reply, "R-83 ASO and EHCO are interchangeable")
    expect.equal(
        data["attributes"].get("course_identifier"), ehco, "R-27 course of the application", "course", reply
    )
    shown = api.get(f"{DECLS}/{data['id']}")
    expect.equal(
        expect.ok(shown, "R-108")["attributes"].get("course_identifier"),
        ehco,
        "R-27 course (show)",
        "course",
        shown,
    )
