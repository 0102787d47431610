"""The participant object (§3.4): who is visible (R-70/R-71), what it lists, what it hides (R-25)."""

from __future__ import annotations

import pytest

from contract_tests import expect
from contract_tests.capabilities import COHORT, COURSE, SCHEDULE, World, action_body, declaration_body
from contract_tests.client import Client
from contract_tests.records import (
    ENROLMENT,
    LISTS,
    PARTICIPANT_ID_CHANGE,
    all_records,
    courses_of,
    enrolment,
    fields,
    funded_places_of,
    ids,
    judge_fields,
)

pytestmark = [pytest.mark.writes, pytest.mark.quick]
PARTS = LISTS["participants"][0]
ENROLMENT_KEYS = ENROLMENT


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
def test_participant_courses(world: World, api: Client, other: Client, version: str) -> None:
    person, ours = world.accepted()
    world.application(participant_id=person, course_identifier="npq-leading-teaching")  # pending with us
    world.application(participant_id=person, course_identifier="npq-senco", status="rejected", cohort=2024)
    world.accepted(token=other.token, participant_id=person, course_identifier="npq-senior-leadership")
    reply = api.get(f"{PARTS}/{person}")
    attrs = expect.ok(reply, "R-71 participant show")["attributes"]
    expect.equal(
        courses_of(attrs, version), [COURSE], "§3.4 npq_courses (v2/v3 enrolments)", "courses", reply
    )
    expect.equal(
        funded_places_of(attrs, version),
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


@pytest.mark.versions(
    "v1", reason="v2/v3 show training status, V-13/V-14: test_v13_v14_enrolment_after_defer"
)
@pytest.mark.rule("R-25", "v1 participants expose no training status, schedule or cohort")
def test_r25_no_training_status(world: World, api: Client) -> None:
    person, _ = world.accepted()
    expect.ok(api.post(LISTS["declarations"][0], declaration_body(person)), "R-104 declaration")
    before = expect.ok(api.get(f"{PARTS}/{person}"), "R-71 participant show")
    reply = api.put(f"{PARTS}/{person}/defer", action_body(reason="other"))
    after = expect.ok(reply, "R-75 defer answers the participant")
    expect.equal(
        sorted(after["attributes"]),
        sorted(fields("participants", "v1")),
        "R-25 v1 participant attributes",
        "attribute names",
        reply,
    )
    unchanged = {k: v for k, v in after["attributes"].items() if k != "updated_at"}
    expect.equal(
        unchanged,
        {k: v for k, v in before["attributes"].items() if k != "updated_at"},
        "R-25 defer changes nothing visible but updated_at",
        "participant attributes after defer",
        reply,
    )


@pytest.mark.versions("v2", "v3", reason="v1 hides training status, R-25")
@pytest.mark.rule(
    "V-13", "v2/v3 participant shape; enrolment shows schedule, cohort, training status (V-14 deferral)"
)
def test_v13_v14_enrolment_after_defer(world: World, api: Client, version: str) -> None:
    person, app_id = world.accepted()
    expect.ok(api.post(LISTS["declarations"][0], declaration_body(person)), "R-104 declaration")
    reply = api.put(f"{PARTS}/{person}/defer", action_body(reason="career-break"))
    attrs = expect.ok(reply, "R-75 defer answers the participant")["attributes"]
    judge_fields(attrs, "participants", version, f"V-13/V-14 {version} participant attributes", reply)
    item = enrolment(attrs, app_id)
    if item is None:
        expect.fail(
            "V-13 one enrolment per accepted application", f"an enrolment of {app_id}", str(attrs), reply
        )
    want = ENROLMENT_KEYS[version]
    expect.equal(sorted(item), sorted(want), f"V-13/V-14 {version} enrolment keys", "enrolment keys", reply)  # type: ignore[arg-type]
    expect.equal(
        (item["course_identifier"], item["schedule_identifier"], item["cohort"], item["training_status"]),  # type: ignore[index]
        (COURSE, SCHEDULE, str(COHORT), "deferred"),
        "V-59 the enrolment shows course, schedule, cohort and the new training status",
        "(course, schedule, cohort, training_status)",
        reply,
    )
    if version == "v3":
        deferral = item.get("deferral")  # type: ignore[union-attr]
        expect.true(
            isinstance(deferral, dict)
            and deferral.get("reason") == "career-break"
            and bool(deferral.get("date")),
            "V-14 deferral object: latest deferral by this provider",
            '{"reason": "career-break", "date": ...}',
            repr(deferral),
            reply,
        )
        expect.equal(
            item.get("withdrawal"), None, "V-14 no withdrawal object when deferred", "withdrawal", reply
        )  # type: ignore[union-attr]
        changes = attrs.get("participant_id_changes")
        expect.true(
            isinstance(changes, list) and all(sorted(c) == sorted(PARTICIPANT_ID_CHANGE) for c in changes),
            "V-14 participant_id_changes list",
            "a list of {from_participant_id, to_participant_id, changed_at}",
            repr(changes),
            reply,
        )
    shown = api.get(f"{PARTS}/{person}")
    expect.equal(
        expect.ok(shown, "R-71 participant show")["attributes"],
        attrs,
        "V-58 show agrees",
        "attributes",
        shown,
    )
