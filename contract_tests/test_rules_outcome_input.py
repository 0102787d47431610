"""Outcome submission: missing members (R-116..R-118), completed declarations (R-119), visibility (R-114)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import World, declaration_body
from contract_tests.client import Client

pytestmark = [pytest.mark.writes, pytest.mark.quick]
DECLS = "/api/v1/participant-declarations"
PARTS = "/api/v1/participants/npq"
COMPLETE = {"course_identifier": "npq-headship", "state": "passed", "completion_date": "2024-05-01"}
# R-116..R-118: a missing member gets its own message and the "invalid value" one (rules.py codes).
MISSING = {
    "course_identifier": ["participant.course_not_recognised", "outcome.course_missing"],
    "state": ["outcome.state_invalid", "outcome.state_missing"],
    "completion_date": ["outcome.completion_date_missing", "outcome.completion_date_format"],
}
RULE = {"course_identifier": "R-116", "state": "R-117", "completion_date": "R-118"}


def _outcome(**attrs: object) -> dict:
    return {"data": {"type": "npq-outcome-confirmation", "attributes": attrs}}


def _completed_person(world: World, api: Client) -> tuple[str, dict]:
    person, _ = world.accepted()
    body = declaration_body(person, "completed", declaration_date="2024-05-01T10:00:00Z", has_passed=True)
    return person, expect.ok(api.post(DECLS, body), "R-104 completed declaration")


@pytest.mark.rule("R-116", "outcome with a member missing: both messages for that member", per_case=True)
@pytest.mark.parametrize("member", sorted(MISSING))
def test_r116_r117_r118_missing(world: World, api: Client, member: str) -> None:
    person, _ = _completed_person(world, api)
    attrs = {k: v for k, v in COMPLETE.items() if k != member}
    reply = api.post(f"{PARTS}/{person}/outcomes", _outcome(**attrs))
    for code in MISSING[member]:
        expect.refused(reply, code, f"{RULE[member]} {member} missing")


@pytest.mark.rule("R-118", "completion_date: an unanchored yyyy-mm-dd is accepted, a timestamp included")
def test_r118_unanchored_date(world: World, api: Client) -> None:
    person, _ = _completed_person(world, api)
    body = _outcome(**dict(COMPLETE, state="failed", completion_date="2024-05-02T00:00:00+00:00"))
    reply = api.post(f"{PARTS}/{person}/outcomes", body)
    data = expect.ok(reply, "R-118 completion_date containing yyyy-mm-dd")
    expect.equal(
        data["attributes"].get("completion_date"),
        "2024-05-02T00:00:00+00:00",
        "R-23 completion_date YYYY-MM-DDT00:00:00+00:00",
        "completion_date",
        reply,
    )


@pytest.mark.rule("R-119", "a voided completed declaration no longer allows outcomes")
def test_r119_voided_completed(world: World, api: Client) -> None:
    person, decl = _completed_person(world, api)
    expect.ok(api.put(f"{DECLS}/{decl['id']}/void"), "R-109 void completed")
    reply = api.post(f"{PARTS}/{person}/outcomes", _outcome(**COMPLETE))
    expect.refused(
        reply, "outcome.no_completed_declaration", "R-119 only a live completed declaration counts"
    )


@pytest.mark.rule("R-114", "outcomes of an applicant who is not our participant: 404 (list and submit)")
def test_r114_not_a_participant(world: World, api: Client) -> None:
    person = world.application()["attributes"]["participant_id"]
    expect.not_found(api.get(f"{PARTS}/{person}/outcomes"), "R-114 pending applicant's outcomes")
    expect.not_found(api.post(f"{PARTS}/{person}/outcomes", _outcome(**COMPLETE)), "R-115 pending applicant")
