"""Accept, beyond the state checks: funding (R-50, R-54), schedule (R-55), siblings (R-57)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import CAPPED_COHORT, World
from contract_tests.client import Client

pytestmark = [pytest.mark.writes, pytest.mark.quick]
APPS = "/api/v1/npq-applications"


def funded_place_body(value: object) -> dict:
    return {"data": {"type": "npq-application-accept", "attributes": {"funded_place": value}}}


def _status(api: Client, app_id: str, want: str, rule: str, what: str) -> None:
    reply = api.get(f"{APPS}/{app_id}")
    expect.equal(expect.ok(reply, "R-46 show application")["attributes"]["status"], want, rule, what, reply)


@pytest.mark.rule("R-54", "capped cohort: funded_place true refused when not eligible for funding")
def test_r54_not_eligible_funded_place(world: World, api: Client) -> None:
    app = world.application(cohort=CAPPED_COHORT, teacher_catchment="scotland", eligible_for_funding=False)
    url = f"{APPS}/{app['id']}/accept"
    expect.refused(
        api.post(url, funded_place_body(True)),
        "application.not_eligible_for_funded_place",
        "R-54 funded_place true",
    )
    _status(api, app["id"], "pending", "R-54 a refused accept changes nothing", "status")
    data = expect.ok(api.post(url, funded_place_body(False)), "R-54 funded_place false is accepted")
    expect.equal(data["attributes"]["funded_place"], False, "R-56 funded_place stored", "funded_place")


@pytest.mark.rule("R-50", "uncapped cohort: funded_place is ignored and not stored (stays null)")
def test_r50_uncapped_ignores_funded_place(world: World, api: Client) -> None:
    for value in (True, "yes"):
        app = world.application()
        reply = api.post(f"{APPS}/{app['id']}/accept", funded_place_body(value))
        data = expect.ok(reply, f"R-50 uncapped cohort accepts funded_place={value!r}")
        expect.equal(
            data["attributes"]["funded_place"], None, "R-50 funded_place not stored", "funded_place", reply
        )


@pytest.mark.rule("R-55", "accept when the resolved schedule does not exist in the cohort: 404")
def test_r55_schedule_missing(world: World, api: Client) -> None:
    # ASO always resolves npq-aso-december, which cohort 2023 does not have.
    app = world.application(course_identifier="npq-additional-support-offer")
    expect.not_found(api.post(f"{APPS}/{app['id']}/accept"), "R-55 no schedule in the cohort")
    _status(api, app["id"], "pending", "R-55 nothing changed", "status after the 404")


@pytest.mark.rule("R-57", "accept rejects the same person's same-course same-cohort siblings, nothing else")
def test_r57_siblings_own_provider(world: World, api: Client) -> None:
    ours = world.application()
    person = ours["attributes"]["participant_id"]
    sibling = world.application(participant_id=person)
    other_cohort = world.application(participant_id=person, cohort=2022)
    other_course = world.application(participant_id=person, course_identifier="npq-senior-leadership")
    expect.ok(api.post(f"{APPS}/{ours['id']}/accept"), "R-56 accept pending")
    _status(api, sibling["id"], "rejected", "R-57 same course and cohort rejected", "sibling status")
    _status(api, other_cohort["id"], "pending", "R-57 other cohort untouched", "other-cohort status")
    _status(api, other_course["id"], "pending", "R-57 other course untouched", "other-course status")
    expect.ok(api.post(f"{APPS}/{other_cohort['id']}/accept"), "R-53 another cohort may be accepted")


@pytest.mark.rule("R-57", "sibling rejection reaches other providers, but not their other cohorts")
def test_r57_siblings_other_provider(world: World, api: Client, other: Client) -> None:
    ours = world.application()
    person = ours["attributes"]["participant_id"]
    theirs = world.application(token=other.token, participant_id=person)
    theirs_other_cohort = world.application(token=other.token, participant_id=person, cohort=2022)
    expect.ok(api.post(f"{APPS}/{ours['id']}/accept"), "R-56 accept pending")
    for app_id, want in ((theirs["id"], "rejected"), (theirs_other_cohort["id"], "pending")):
        reply = other.get(f"{APPS}/{app_id}")
        got = expect.ok(reply, "R-46 show (other provider)")["attributes"]["status"]
        expect.equal(got, want, "R-57 sibling rejection across providers, same cohort only", "status", reply)
