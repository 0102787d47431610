"""Behaviour reference §3: headers, envelope, types, timestamps, field order, derived values and CSV."""

from __future__ import annotations

import re

from tests.mockserver.v1_shapes import APPLICATION_FIELDS

from .conftest import (
    APP,
    DECLARATIONS,
    OUTCOMES,
    PARTICIPANTS,
    UNKNOWN_ID,
    Api,
    csv_rows,
    expect,
)

TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")

PARTICIPANT_FIELDS = [
    "participant_id",
    "full_name",
    "email",
    "npq_courses",
    "funded_places",
    "teacher_reference_number",
    "updated_at",
]
DECLARATION_FIELDS = [
    "participant_id",
    "declaration_type",
    "course_identifier",
    "declaration_date",
    "state",
    "has_passed",
    "voided",
    "eligible_for_payment",
    "updated_at",
]
OUTCOME_FIELDS = ["state", "completion_date", "course_identifier", "participant_id", "created_at"]

APPLICATIONS_CSV_HEADER = [
    "id",
    "participant_id",
    "full_name",
    "email",
    "email_validated",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "school_urn",
    "school_ukprn",
    "private_childcare_provider_urn",
    "headteacher_status",
    "eligible_for_funding",
    "funded_place",
    "funding_choice",
    "course_identifier",
    "status",
    "works_in_school",
    "employer_name",
    "employment_role",
    "created_at",
    "updated_at",
    "cohort",
    "ineligible_for_funding_reason",
    "targeted_delivery_funding_eligibility",
    "teacher_catchment",
    "teacher_catchment_country",
    "teacher_catchment_iso_country_code",
    "itt_provider",
    "lead_mentor",
]
DECLARATIONS_CSV_HEADER = [
    "id",
    "participant_id",
    "declaration_type",
    "course_identifier",
    "declaration_date",
    "state",
    "has_passed",
    "voided",
    "eligible_for_payment",
    "updated_at",
]


def _world_with_everything(api: Api) -> tuple[str, dict, dict]:
    """One participant (2023 headship) with a completed declaration (and so an outcome)."""
    pid, app = api.make_participant()
    decl = api.declared(pid, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=True)
    return pid, app, decl


# --- R-20 headers ------------------------------------------------------------------------------------------


def test_r20_every_json_response_has_plain_json_type_and_no_store(api: Api) -> None:
    pid, app, decl = _world_with_everything(api)
    responses = [
        api.get(APP),
        api.get(f"{APP}/{app['id']}"),
        api.get(PARTICIPANTS),
        api.get(f"{PARTICIPANTS}/{pid}"),
        api.get(DECLARATIONS),
        api.get(f"{DECLARATIONS}/{decl['id']}"),
        api.get(OUTCOMES),
        api.get(f"{PARTICIPANTS}/{pid}/outcomes"),
        api.get(f"{APP}/{UNKNOWN_ID}"),  # 404
        api.get(APP, query={"page[page]": "abc"}),  # 400
        api.accept(app["id"]),  # 422
        api.as_("nope").get(APP),  # 401
    ]
    for resp in responses:
        assert resp.headers["Content-Type"] == "application/json", resp.status_code
        assert resp.headers["Cache-Control"] == "no-store", resp.status_code
    assert [r.status_code for r in responses[-4:]] == [404, 400, 422, 401]


# --- envelope and types ------------------------------------------------------------------------


def test_r21_r22_envelope_has_only_data_and_typed_resources(api: Api) -> None:
    pid, app, decl = _world_with_everything(api)
    expected_types = {
        APP: "npq_application",
        PARTICIPANTS: "npq-participant",
        DECLARATIONS: "participant-declaration",
        OUTCOMES: "participant-outcome",
        f"{PARTICIPANTS}/{pid}/outcomes": "participant-outcome",
    }
    for path, type_ in expected_types.items():
        body = expect(api.get(path), 200)
        assert list(body) == ["data"], path
        assert len(body["data"]) == 1
        for item in body["data"]:
            assert list(item) == ["id", "type", "attributes"]
            assert item["type"] == type_
    for path, type_ in (
        (f"{APP}/{app['id']}", "npq_application"),
        (f"{PARTICIPANTS}/{pid}", "npq-participant"),
        (f"{DECLARATIONS}/{decl['id']}", "participant-declaration"),
    ):
        body = expect(api.get(path), 200)
        assert list(body) == ["data"]
        assert list(body["data"]) == ["id", "type", "attributes"]
        assert body["data"]["type"] == type_


def test_r01_participant_id_is_the_user_id(api: Api) -> None:
    pid, app = api.make_participant()
    assert api.participant(pid)["id"] == pid
    assert api.participant(pid)["attributes"]["participant_id"] == pid
    assert app["attributes"]["participant_id"] == pid


# --- timestamps and cohorts -------------------------------------------------------------------


def test_r23_timestamps_are_utc_z_without_fraction(api: Api) -> None:
    api.clock("2024-05-01T12:34:56Z")
    pid, app, decl = _world_with_everything(api)
    assert app["attributes"]["created_at"] == "2024-05-01T12:34:56Z"
    assert app["attributes"]["updated_at"] == "2024-05-01T12:34:56Z"
    assert decl["attributes"]["updated_at"] == "2024-05-01T12:34:56Z"
    assert decl["attributes"]["declaration_date"] == "2023-11-01T10:00:00Z"
    outcome = api.data(OUTCOMES)[0]["attributes"]
    assert outcome["created_at"] == "2024-05-01T12:34:56Z"
    assert outcome["completion_date"] == "2023-11-01T00:00:00+00:00"
    assert TIMESTAMP.match(api.participant(pid)["attributes"]["updated_at"])


def test_r23_declaration_date_with_offset_is_returned_in_utc(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid, date="2023-10-01T10:00:00+01:00")
    assert decl["attributes"]["declaration_date"] == "2023-10-01T09:00:00Z"
    assert api.declaration(decl["id"])["attributes"]["declaration_date"] == "2023-10-01T09:00:00Z"


def test_r23_declaration_date_fraction_is_dropped(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid, date="2023-10-02T10:00:00.123Z")
    assert decl["attributes"]["declaration_date"] == "2023-10-02T10:00:00Z"


def test_r24_cohort_is_a_string(api: Api) -> None:
    app = api.make_application(cohort=2024)
    assert app["attributes"]["cohort"] == "2024"
    assert api.data(APP)[0]["attributes"]["cohort"] == "2024"


# --- §3.3 application object -------------------------------------------------------------------------------


def test_application_fields_in_reference_order(api: Api) -> None:
    app = api.make_application(cohort=2024)
    assert list(app["attributes"]) == APPLICATION_FIELDS
    assert list(api.application(app["id"])["attributes"]) == APPLICATION_FIELDS
    assert app["attributes"]["email_validated"] is True


def test_application_shows_trn_as_stored_and_its_verification(api: Api) -> None:
    app = api.make_application(teacher_reference_number="1234567", teacher_reference_number_validated=False)
    assert app["attributes"]["teacher_reference_number"] == "1234567"
    assert app["attributes"]["teacher_reference_number_validated"] is False


def test_ineligible_for_funding_reason_establishment_ineligible_when_stored_flag_false(api: Api) -> None:
    no = api.make_application(cohort=2023, eligible_for_funding=False)["attributes"]
    yes = api.make_application(cohort=2023, eligible_for_funding=True)["attributes"]
    assert (no["ineligible_for_funding_reason"], no["eligible_for_funding"]) == (
        "establishment-ineligible",
        False,
    )
    assert (yes["ineligible_for_funding_reason"], yes["eligible_for_funding"]) == (None, True)


def test_r40_previously_funded_is_symmetric_between_two_accepted_applications(api: Api, bpn: Api) -> None:
    pid, first = api.make_participant(course="npq-headship", cohort=2022)
    second = bpn.make_application(
        participant_id=pid,
        course_identifier="npq-headship",
        cohort=2023,
        status="accepted",
        eligible_for_funding=True,
    )
    for client, app_id in ((api, first["id"]), (bpn, second["id"])):
        attributes = client.application(app_id)["attributes"]
        assert attributes["ineligible_for_funding_reason"] == "previously-funded"
        assert attributes["eligible_for_funding"] is False


def test_r40_pending_application_is_previously_funded_by_an_accepted_one(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship", cohort=2022)
    pending = api.make_application(
        participant_id=pid, course_identifier="npq-headship", cohort=2023, eligible_for_funding=True
    )
    assert pending["attributes"]["ineligible_for_funding_reason"] == "previously-funded"
    assert pending["attributes"]["eligible_for_funding"] is False


def test_r40_aso_and_ehco_count_as_the_same_course(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-additional-support-offer", cohort=2021)
    ehco = api.make_application(
        participant_id=pid,
        course_identifier="npq-early-headship-coaching-offer",
        cohort=2023,
        eligible_for_funding=True,
    )
    assert ehco["attributes"]["ineligible_for_funding_reason"] == "previously-funded"


def test_r40_not_previously_funded_by_unfunded_ineligible_or_other_course(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship", cohort=2024, funded_place=False)
    api.make_application(
        participant_id=pid,
        course_identifier="npq-senior-leadership",
        cohort=2023,
        status="accepted",
        eligible_for_funding=True,
    )
    api.make_application(
        participant_id=pid,
        course_identifier="npq-leading-teaching",
        cohort=2022,
        status="accepted",
        eligible_for_funding=False,
    )
    probe = api.make_application(
        participant_id=pid, course_identifier="npq-headship", cohort=2025, eligible_for_funding=True
    )
    assert probe["attributes"]["ineligible_for_funding_reason"] is None
    assert probe["attributes"]["eligible_for_funding"] is True
    probe2 = api.make_application(
        participant_id=pid, course_identifier="npq-leading-teaching", cohort=2023, eligible_for_funding=True
    )
    assert probe2["attributes"]["ineligible_for_funding_reason"] is None


def test_teacher_catchment_is_a_boolean_of_the_stored_catchment(api: Api) -> None:
    expected = {
        "england": True,
        "scotland": True,
        "wales": True,
        "northern_ireland": True,
        "jersey_guernsey_isle_of_man": True,
        "another": False,
    }
    for stored, shown in expected.items():
        app = api.make_application(cohort=2023, teacher_catchment=stored)
        assert app["attributes"]["teacher_catchment"] is shown, stored


# --- §3.4 participant object -------------------------------------------------------------------------------


def test_participant_fields_and_only_this_providers_accepted_courses(api: Api, bpn: Api) -> None:
    pid, accepted = api.make_participant(
        course="npq-headship",
        cohort=2024,
        funded_place=True,
        teacher_reference_number="7654321",
        teacher_reference_number_validated=True,
    )
    api.make_application(participant_id=pid, course_identifier="npq-senior-leadership", cohort=2024)
    bpn.make_application(
        participant_id=pid,
        course_identifier="npq-leading-teaching",
        cohort=2024,
        status="accepted",
        eligible_for_funding=True,
        funded_place=False,
    )
    participant = api.participant(pid)
    a = participant["attributes"]
    assert list(a) == PARTICIPANT_FIELDS
    assert a["participant_id"] == pid
    assert a["npq_courses"] == ["npq-headship"]
    assert a["funded_places"] == [
        {"npq_course": "npq-headship", "funded_place": True, "npq_application_id": accepted["id"]}
    ]
    assert a["teacher_reference_number"] == "7654321"
    assert a["full_name"] == accepted["attributes"]["full_name"]
    assert a["email"] == accepted["attributes"]["email"]


def test_participant_trn_is_null_unless_verified(api: Api) -> None:
    pid, _ = api.make_participant(
        teacher_reference_number="7654321", teacher_reference_number_validated=False
    )
    assert api.participant(pid)["attributes"]["teacher_reference_number"] is None


def test_participant_updated_at_follows_any_application_of_the_user(api: Api, bpn: Api) -> None:
    api.clock("2024-05-01T12:00:00Z")
    pid, _ = api.make_participant()
    api.clock("2024-05-03T08:00:00Z")
    other = bpn.make_application(participant_id=pid, course_identifier="npq-senior-leadership", cohort=2023)
    api.clock("2024-05-04T09:00:00Z")
    expect(bpn.reject(other["id"]), 200)
    assert api.participant(pid)["attributes"]["updated_at"] == "2024-05-04T09:00:00Z"


# --- §3.5 declaration object -------------------------------------------------------------------------------


def test_declaration_fields_in_reference_order(api: Api) -> None:
    pid, app = api.make_participant()
    decl = api.declared(pid)
    assert list(decl["attributes"]) == DECLARATION_FIELDS
    assert decl["attributes"] == {
        "participant_id": pid,
        "declaration_type": "started",
        "course_identifier": "npq-headship",
        "declaration_date": "2023-10-02T10:00:00Z",
        "state": "eligible",
        "has_passed": None,
        "voided": False,
        "eligible_for_payment": True,
        "updated_at": "2024-05-01T12:00:00Z",
    }


def test_r26_states_are_hyphenated(api: Api) -> None:
    pid, _ = api.make_participant()
    d1 = api.declared(pid)["id"]
    api.set_state(d1, "paid")
    assert expect(api.void(d1), 200)["data"]["attributes"]["state"] == "awaiting-clawback"
    d2 = api.declared(pid, declaration_type="retained-1", date="2023-12-01T10:00:00Z")["id"]
    assert api.set_state(d2, "clawed_back")["attributes"]["state"] == "clawed-back"
    assert [d["attributes"]["state"] for d in api.data(DECLARATIONS)] == ["awaiting-clawback", "clawed-back"]


def test_r27_course_identifier_is_the_applications_course_for_aso_ehco(api: Api) -> None:
    pid, _ = api.make_participant(
        course="npq-early-headship-coaching-offer", cohort=2023, schedule_identifier="npq-ehco-november"
    )
    decl = api.declared(pid, course="npq-additional-support-offer", date="2023-11-02T10:00:00Z")
    assert decl["attributes"]["course_identifier"] == "npq-early-headship-coaching-offer"


def test_r28_has_passed_follows_the_latest_outcome(api: Api) -> None:
    pid, _ = api.make_participant()
    started = api.declared(pid)
    assert started["attributes"]["has_passed"] is None
    passed = api.declared(pid, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=True)
    assert passed["attributes"]["has_passed"] is True
    pid2, _ = api.make_participant()
    failed = api.declared(pid2, declaration_type="completed", date="2023-11-01T10:00:00Z", has_passed=False)
    assert failed["attributes"]["has_passed"] is False
    voided = expect(api.void(passed["id"]), 200)["data"]
    assert voided["attributes"]["has_passed"] is None


def test_r29_voided_and_eligible_for_payment_by_state(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)["id"]
    expected = {"eligible": (False, True), "payable": (False, True), "paid": (False, False)}
    for state, (voided, payable) in expected.items():
        a = api.set_state(decl, state)["attributes"]
        assert (a["voided"], a["eligible_for_payment"]) == (voided, payable), state
    pid2, _ = api.make_participant(eligible_for_funding=False)
    submitted = api.declared(pid2)
    assert (submitted["attributes"]["state"], submitted["attributes"]["eligible_for_payment"]) == (
        "submitted",
        False,
    )
    voided = expect(api.void(submitted["id"]), 200)["data"]["attributes"]
    assert (voided["state"], voided["voided"], voided["eligible_for_payment"]) == ("voided", True, False)


# --- §3.6 outcome object -----------------------------------------------------------------------------------


def test_outcome_fields_in_reference_order(api: Api) -> None:
    pid, _, _ = _world_with_everything(api)
    outcome = api.data(f"{PARTICIPANTS}/{pid}/outcomes")[0]
    assert list(outcome["attributes"]) == OUTCOME_FIELDS
    assert outcome["attributes"] == {
        "state": "passed",
        "completion_date": "2023-11-01T00:00:00+00:00",
        "course_identifier": "npq-headship",
        "participant_id": pid,
        "created_at": "2024-05-01T12:00:00Z",
    }


# --- CSV ---------------------------------------------------------------------------------------


def test_r30_applications_csv_has_exact_columns_and_header_when_empty(api: Api) -> None:
    resp = api.get(f"{APP}.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert csv_rows(resp) == [APPLICATIONS_CSV_HEADER]


def test_r30_applications_csv_row_values(api: Api) -> None:
    app = api.make_application(
        cohort=2024,
        eligible_for_funding=False,
        teacher_reference_number="1234567",
        teacher_reference_number_validated=False,
        teacher_catchment="another",
    )
    rows = csv_rows(api.get(f"{APP}.csv"))
    assert rows[0] == APPLICATIONS_CSV_HEADER
    row = dict(zip(rows[0], rows[1], strict=True))
    a = app["attributes"]
    assert row["id"] == app["id"]
    assert row["participant_id"] == a["participant_id"]
    assert row["email_validated"] == "true"
    assert row["teacher_reference_number"] == "1234567"
    assert row["teacher_reference_number_validated"] == "false"
    assert row["eligible_for_funding"] == "false"
    assert row["funded_place"] == ""
    assert row["status"] == "pending"
    assert row["cohort"] == "2024"
    assert row["created_at"] == "2024-05-01T12:00:00Z"
    assert row["updated_at"] == "2024-05-01T12:00:00Z"
    assert row["ineligible_for_funding_reason"] == "establishment-ineligible"
    assert row["teacher_catchment"] == "false"
    for name in APPLICATIONS_CSV_HEADER[1:]:
        value = a[name]
        shown = (
            "" if value is None else ("true" if value is True else "false" if value is False else str(value))
        )
        assert row[name] == shown, name


def test_r30_applications_csv_eligible_for_funding_is_the_stored_flag(api: Api) -> None:
    pid, first = api.make_participant(course="npq-headship", cohort=2022)
    api.make_application(
        participant_id=pid,
        course_identifier="npq-headship",
        cohort=2023,
        status="accepted",
        eligible_for_funding=True,
    )
    assert api.application(first["id"])["attributes"]["eligible_for_funding"] is False
    rows = csv_rows(api.get(f"{APP}.csv"))
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_id[first["id"]]["eligible_for_funding"] == "true"
    assert by_id[first["id"]]["ineligible_for_funding_reason"] == "previously-funded"


def test_r30_applications_csv_is_not_paginated(api: Api) -> None:
    for _ in range(3):
        api.make_application(cohort=2023)
    rows = csv_rows(api.get(f"{APP}.csv", query={"page[per_page]": "1", "page[page]": "2"}))
    assert len(rows) == 4


def test_r31_declarations_csv_columns_and_values(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    rows = csv_rows(api.get(f"{DECLARATIONS}.csv"))
    assert rows == [
        DECLARATIONS_CSV_HEADER,
        [
            decl["id"],
            pid,
            "started",
            "npq-headship",
            "2023-10-02T10:00:00Z",
            "eligible",
            "",
            "false",
            "true",
            "2024-05-01T12:00:00Z",
        ],
    ]


def test_r31_declarations_csv_state_is_hyphenated(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)["id"]
    api.set_state(decl, "awaiting_clawback")
    rows = csv_rows(api.get(f"{DECLARATIONS}.csv"))
    assert rows[1][5] == "awaiting-clawback"


def test_r31_declarations_csv_with_no_rows_is_an_empty_body(api: Api) -> None:
    api.make_participant()
    resp = api.get(f"{DECLARATIONS}.csv")
    assert resp.status_code == 200
    assert resp.mimetype == "text/csv"
    assert resp.get_data() == b""


def test_r32_no_csv_for_participants_or_outcomes(api: Api) -> None:
    """The participants/outcomes lists render JSON even with .csv (R-03: other actions render JSON)."""
    pid, _ = api.make_participant()
    for path in (f"{PARTICIPANTS}.csv", f"{PARTICIPANTS}/{pid}.csv"):
        resp = api.get(path)
        assert resp.headers["Content-Type"] == "application/json", path
        assert resp.status_code == 200, path
