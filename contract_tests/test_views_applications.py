"""Derived values of the application object (§3.3, R-40): funding eligibility, catchment, flags."""

from __future__ import annotations

import csv
import io

import pytest

from contract_tests import expect
from contract_tests.capabilities import COHORT, COURSE, World
from contract_tests.client import Client
from contract_tests.records import enrolment, has_csv

pytestmark = [pytest.mark.writes, pytest.mark.quick]
APPS = "/api/v1/npq-applications"
PREVIOUS_COHORT = 2022
UK_OUTSIDE_ENGLAND = ["scotland", "wales", "northern_ireland", "jersey_guernsey_isle_of_man"]


def _shown(api: Client, app_id: str, rule: str) -> tuple[dict, object]:
    reply = api.get(f"{APPS}/{app_id}")
    return expect.ok(reply, rule)["attributes"], reply


def _funding(api: Client, app_id: str, eligible: bool, reason: str | None, rule: str) -> None:
    attrs, reply = _shown(api, app_id, rule)
    got = (attrs.get("eligible_for_funding"), attrs.get("ineligible_for_funding_reason"))
    expect.equal(
        got, (eligible, reason), rule, "(eligible_for_funding, ineligible_for_funding_reason)", reply
    )


@pytest.mark.rule(
    "R-40", "previously funded: two funded accepted applications for one course mark each other"
)
def test_r40_previously_funded(world: World, api: Client, version: str) -> None:
    person, first = world.accepted(cohort=PREVIOUS_COHORT)
    _, second = world.accepted(participant_id=person)  # same course, next cohort, same provider
    for app_id in (first, second):
        _funding(api, app_id, False, "previously-funded", "R-40 previously funded (symmetric)")
    if not has_csv(version):
        # V-16: v3 shows the stored flag on the participant's enrolment (no CSV, V-05).
        reply = api.get(f"/api/v1/participants/npq/{person}")
        item = enrolment(expect.ok(reply, "R-71 participant show")["attributes"], second) or {}
        expect.equal(
            item.get("eligible_for_funding"),
            True,
            "V-16 the enrolment's eligible_for_funding is the stored flag",
            f"enrolment eligible_for_funding of {second}",
            reply,
        )
        return
    # the CSV shows the stored flag, not the adjusted one.
    reply = api.get(f"{APPS}.csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(reply.text))}
    expect.equal(
        rows.get(second, {}).get("eligible_for_funding"),
        "true",
        "R-30 CSV eligible_for_funding is the stored flag",
        f"CSV eligible_for_funding of {second}",
        reply,
    )


@pytest.mark.rule("R-40", "not previously funded: other course, funded_place false, pending, not eligible")
def test_r40_not_previously_funded(world: World, api: Client) -> None:
    person, ours = world.accepted()
    world.accepted(participant_id=person, course_identifier="npq-senior-leadership", cohort=PREVIOUS_COHORT)
    world.application(participant_id=person, cohort=PREVIOUS_COHORT)  # pending, same course
    world.accepted(participant_id=person, cohort=2021, eligible_for_funding=False)
    _funding(api, ours, True, None, "R-40 only a funded accepted same-course application counts")
    capped_person, capped = world.accepted(cohort=2024, teacher_catchment="scotland", funded_place=True)
    world.accepted(
        participant_id=capped_person, cohort=2025, teacher_catchment="scotland", funded_place=False
    )
    _funding(api, capped, True, None, "R-40 an application with funded_place false does not count")


@pytest.mark.rule("R-40", "ineligible_for_funding_reason establishment-ineligible when not eligible")
def test_establishment_ineligible(world: World, api: Client) -> None:
    app = world.application(eligible_for_funding=False)
    _funding(api, app["id"], False, "establishment-ineligible", "§3.3 establishment-ineligible")


@pytest.mark.rule("§3.3", "teacher_catchment is a boolean: true in the UK and islands, false for another")
@pytest.mark.parametrize("catchment", ["england", *UK_OUTSIDE_ENGLAND, "another"])
def test_teacher_catchment_boolean(world: World, api: Client, catchment: str) -> None:
    app = world.application(teacher_catchment=catchment)
    attrs, reply = _shown(api, app["id"], "§3.3 teacher_catchment")
    expect.equal(
        attrs.get("teacher_catchment"),
        catchment != "another",
        "§3.3 teacher_catchment boolean",
        f"teacher_catchment for stored {catchment!r}",
        reply,
    )


@pytest.mark.rule("§3.3", "email_validated always true; TRN shown on applications even when not verified")
def test_application_flags(world: World, api: Client, version: str) -> None:
    for verified in (False, True):
        app = world.application(
            teacher_reference_number="7654321", teacher_reference_number_validated=verified
        )
        attrs, reply = _shown(api, app["id"], "§3.3 application flags")
        expect.equal(
            attrs.get("email_validated"), True, "§3.3 email_validated always true", "email_validated", reply
        )
        expect.equal(
            (attrs.get("teacher_reference_number"), attrs.get("teacher_reference_number_validated")),
            ("7654321" if verified or version != "v3" else None, verified),
            "§3.3 teacher_reference_number as stored, validated flag (v3: null unless verified, V-11)",
            "(teacher_reference_number, teacher_reference_number_validated)",
            reply,
        )
    expect.equal(attrs.get("course_identifier"), COURSE, "§3.3 course_identifier", "course", reply)
    expect.equal(attrs.get("cohort"), str(COHORT), "R-24 cohort string", "cohort", reply)
