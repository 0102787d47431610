"""The participant object (§3.4): who is visible (R-70/R-71), what it lists, what it hides (R-25)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import COURSE, World, action_body, declaration_body
from contract_tests.client import Client
from contract_tests.records import LISTS, all_records, ids

pytestmark = [pytest.mark.writes, pytest.mark.quick]
PARTS = LISTS["participants"][0]
ATTRIBUTES = [
    "email",
    "full_name",
    "funded_places",
    "npq_courses",
    "participant_id",
    "teacher_reference_number",
    "updated_at",
]


@pytest.mark.rule("R-70", "participants: visible only with an accepted application with this provider")
def test_r70_r71_visibility(world: World, api: Client, other: Client) -> None:
    pending = world.application()["attributes"]["participant_id"]
    rejected = world.application(status="rejected")["attributes"]["participant_id"]
    elsewhere, _ = world.accepted(token=other.token)
    world.application(participant_id=elsewhere)  # visible to us as an application only
    for person, what in (
        (pending, "pending"),
        (rejected, "rejected"),
        (elsewhere, "other-provider-accepted"),
    ):
        expect.not_found(api.get(f"{PARTS}/{person}"), f"R-71 {what} applicant is not our participant")
        reply = api.get(f"{PARTS}/{person}/outcomes")
        expect.not_found(reply, f"R-114 outcomes of a {what} applicant are 404")
    listed = set(ids(all_records(api, PARTS)))
    leaked = sorted(listed & {pending, rejected, elsewhere})
    expect.true(
        not leaked, "R-70 participants list", "no applicant without an accepted application", str(leaked)
    )


@pytest.mark.rule("§3.4", "npq_courses and funded_places: only accepted applications with this provider")
def test_participant_courses(world: World, api: Client, other: Client) -> None:
    person, ours = world.accepted()
    world.application(participant_id=person, course_identifier="npq-leading-teaching")  # pending with us
    world.application(participant_id=person, course_identifier="npq-senco", status="rejected", cohort=2024)
    world.accepted(token=other.token, participant_id=person, course_identifier="npq-senior-leadership")
    reply = api.get(f"{PARTS}/{person}")
    attrs = expect.ok(reply, "R-71 participant show")["attributes"]
    expect.equal(attrs.get("npq_courses"), [COURSE], "§3.4 npq_courses", "npq_courses", reply)
    expect.equal(
        attrs.get("funded_places"),
        [{"npq_course": COURSE, "funded_place": None, "npq_application_id": ours}],
        "§3.4 funded_places",
        "funded_places",
        reply,
    )
    listed = [
        p
        for p in all_records(api, PARTS, {"filter[updated_since]": attrs["updated_at"]})
        if p["id"] == person
    ]
    expect.equal(len(listed), 1, "R-70 each participant listed once", f"list rows for {person}")
    expect.equal(listed[0]["attributes"], attrs, "R-70 list and show agree", "list attributes")


@pytest.mark.rule("§3.4", "participant teacher_reference_number only when verified")
def test_participant_trn(world: World, api: Client) -> None:
    for verified in (False, True):
        person, _ = world.accepted(
            teacher_reference_number="1234567", teacher_reference_number_validated=verified
        )
        reply = api.get(f"{PARTS}/{person}")
        expect.equal(
            expect.ok(reply, "R-71 participant show")["attributes"].get("teacher_reference_number"),
            "1234567" if verified else None,
            "§3.4 teacher_reference_number null unless verified",
            f"teacher_reference_number (trn verified: {verified})",
            reply,
        )


@pytest.mark.rule("R-25", "v1 participants expose no training status, schedule or cohort")
def test_r25_no_training_status(world: World, api: Client) -> None:
    person, _ = world.accepted()
    expect.ok(api.post(LISTS["declarations"][0], declaration_body(person)), "R-104 declaration")
    before = expect.ok(api.get(f"{PARTS}/{person}"), "R-71 participant show")
    reply = api.put(f"{PARTS}/{person}/defer", action_body(reason="other"))
    after = expect.ok(reply, "R-75 defer answers the participant")
    expect.equal(
        sorted(after["attributes"]), ATTRIBUTES, "R-25 v1 participant attributes", "attribute names", reply
    )
    unchanged = {k: v for k, v in after["attributes"].items() if k != "updated_at"}
    expect.equal(
        unchanged,
        {k: v for k, v in before["attributes"].items() if k != "updated_at"},
        "R-25 defer changes nothing visible but updated_at",
        "participant attributes after defer",
        reply,
    )
