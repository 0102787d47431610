"""Outcome rules: created by completed declarations, voided with them, submitted as the rules say."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import World, declaration_body, fresh_uuid
from contract_tests.client import Client

pytestmark = [pytest.mark.writes]
DECLS = "/api/v1/participant-declarations"
COMPLETED_ON = "2024-05-01T10:00:00Z"


def _outcomes(api: Client, person: str) -> list[dict]:
    return expect.ok(api.get(f"/api/v1/participants/npq/{person}/outcomes"), "R-114 participant outcomes")


def _completed(world: World, api: Client, has_passed: bool = True) -> tuple[str, dict]:
    person = world.participant()["attributes"]["participant_id"]
    body = declaration_body(person, "completed", declaration_date=COMPLETED_ON, has_passed=has_passed)
    return person, expect.ok(api.post(DECLS, body), "R-104 completed declaration")


def _outcome_body(**attrs: object) -> dict:
    attrs.setdefault("course_identifier", "npq-headship")
    return {"data": {"type": "npq-outcome-confirmation", "attributes": attrs}}


@pytest.mark.quick
@pytest.mark.rule("R-106", "a completed declaration creates an outcome (passed/failed)")
def test_r106_completed_creates_outcome(world: World, api: Client) -> None:
    person, decl = _completed(world, api, has_passed=True)
    expect.equal(decl["attributes"]["has_passed"], True, "R-28 has_passed from outcome", "has_passed")
    reply = api.get(f"/api/v1/participants/npq/{person}/outcomes")
    outcomes = expect.ok(reply, "R-114 participant outcomes")
    expect.equal(len(outcomes), 1, "R-106 one outcome per completed declaration", "number of outcomes", reply)
    outcome = outcomes[0]
    expect.equal(outcome["type"], "participant-outcome", "R-22 outcome type", "data[0].type", reply)
    attrs = outcome["attributes"]
    expect.equal(attrs["state"], "passed", "R-106 outcome state", "state", reply)
    expect.equal(attrs["completion_date"], "2024-05-01T00:00:00+00:00", "R-23 completion_date", "date", reply)
    expect.equal(attrs["participant_id"], person, "R-106 outcome participant", "participant_id", reply)
    listed = expect.ok(api.get("/api/v1/participants/npq/outcomes", params={"page[per_page]": 3000}), "R-113")
    expect.true(
        outcome["id"] in {o["id"] for o in listed} or len(listed) == 3000,
        "R-113 provider outcomes list",
        "the new outcome in GET /participants/npq/outcomes",
        "missing",
    )


@pytest.mark.quick
@pytest.mark.rule("R-112", "voiding a completed declaration voids its outcome")
def test_r112_void_completed(world: World, api: Client) -> None:
    person, decl = _completed(world, api, has_passed=False)
    reply = api.put(f"{DECLS}/{decl['id']}/void")
    data = expect.ok(reply, "R-109 void completed")
    expect.equal(
        data["attributes"]["has_passed"], None, "R-112 has_passed null after void", "has_passed", reply
    )
    reply = api.get(f"/api/v1/participants/npq/{person}/outcomes")
    states = [o["attributes"]["state"] for o in expect.ok(reply, "R-114")]
    expect.equal(
        states, ["failed", "voided"], "R-112 voided outcome appended", "outcome states in order", reply
    )


@pytest.mark.rule("R-119", "outcome needs a completed declaration")
def test_r119_needs_completed(world: World, api: Client) -> None:
    person = world.participant()["attributes"]["participant_id"]
    reply = api.post(
        f"/api/v1/participants/npq/{person}/outcomes",
        _outcome_body(state="passed", completion_date="2024-05-01"),
    )
    expect.refused(reply, "outcome.no_completed_declaration", "R-119 outcome without completed declaration")


@pytest.mark.rule("R-117", "outcome state only passed/failed; course must have outcomes")
def test_r116_r117_values(world: World, api: Client) -> None:
    person, _ = _completed(world, api)
    url = f"/api/v1/participants/npq/{person}/outcomes"
    expect.refused(
        api.post(url, _outcome_body(state="voided", completion_date="2024-05-01")),
        "outcome.state_invalid",
        "R-117 outcome state voided",
    )
    body = _outcome_body(
        state="passed", completion_date="2024-05-01", course_identifier="npq-additional-support-offer"
    )
    expect.refused(api.post(url, body), "participant.course_not_recognised", "R-116 outcome course")
    expect.refused(
        api.post(url, _outcome_body(state="passed", completion_date="01/05/2024")),
        "outcome.completion_date_format",
        "R-118 completion_date",
    )


@pytest.mark.quick
@pytest.mark.rule("R-118", "outcome submitted: 200, new state; same state and date is idempotent")
def test_outcome_submit(world: World, api: Client) -> None:
    person, _ = _completed(world, api, has_passed=True)
    url = f"/api/v1/participants/npq/{person}/outcomes"
    reply = api.post(url, _outcome_body(state="failed", completion_date="2024-05-20"))
    first = expect.ok(reply, "R-04 outcome create answers 200")
    expect.equal(first["type"], "participant-outcome", "R-22 outcome type", "data.type", reply)
    expect.equal(first["attributes"]["state"], "failed", "R-118 outcome stored", "state", reply)
    again = expect.ok(
        api.post(url, _outcome_body(state="failed", completion_date="2024-05-20")), "R-118 repeat"
    )
    expect.equal(
        again["id"], first["id"], "R-118 identical outcome is not duplicated", "id of the repeat", reply
    )
    states = [o["attributes"]["state"] for o in _outcomes(api, person)]
    expect.equal(states, ["passed", "failed"], "R-118 outcomes are appended", "outcome states", reply)
    expect.refused(
        api.post(url, _outcome_body(state="passed", completion_date="2024-07-01")),
        "outcome.completion_date_future",
        "R-118 future completion_date",
    )


@pytest.mark.rule("R-115", "outcome create: 400 before lookup, 404 for unknown participant")
def test_r115_order(api: Client) -> None:
    url = f"/api/v1/participants/npq/{fresh_uuid()}/outcomes"
    expect.refused(api.post(url, {"data": {}}), "request.bad_json_structure", "R-115 empty body")
    expect.not_found(
        api.post(url, _outcome_body(state="passed", completion_date="2024-05-01")), "R-115 unknown id"
    )
    expect.not_found(api.get(url), "R-114 unknown participant outcomes")
