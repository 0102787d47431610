"""The testing API (/__mock__/) keeps design/testing-api.md's names and shapes; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from mockserver.config import Settings

TOKEN = {"Authorization": "Bearer ambition-token"}
OTHER = {"Authorization": "Bearer ucl-token"}


def create(client: Any, headers: dict | None = None, **attributes: Any) -> Any:
    return client.post("/__mock__/applications", json={"data": {"attributes": attributes}},
                       headers=TOKEN if headers is None else headers)


def total(client: Any, headers: dict = TOKEN) -> int:
    return len(client.get("/api/v1/npq-applications?page[per_page]=3000", headers=headers).json["data"])


def test_lead_providers_lists_every_provider_with_a_working_token(ops_client: Any) -> None:
    reply = ops_client.get("/__mock__/lead-providers")
    assert reply.status_code == 200 and reply.content_type == "application/json"
    providers = reply.json["data"]
    assert len(providers) == 8 and all(set(p) == {"id", "name", "token"} for p in providers)
    for provider in providers:
        auth = {"Authorization": f"Bearer {provider['token']}"}
        assert ops_client.get("/api/v1/npq-applications", headers=auth).status_code == 200


def test_created_application_is_shown_exactly_as_the_v1_api_shows_it(ops_client: Any) -> None:
    reply = create(ops_client)
    assert reply.status_code == 201
    shown = ops_client.get(f"/api/v1/npq-applications/{reply.json['data']['id']}", headers=TOKEN)
    assert reply.data == shown.data
    attributes = reply.json["data"]["attributes"]
    assert attributes["status"] == "pending" and attributes["teacher_catchment"] is True
    assert ops_client.get(f"/api/v1/npq-applications/{reply.json['data']['id']}",
                          headers=OTHER).status_code == 404


def test_given_attributes_are_kept(ops_client: Any) -> None:
    reply = create(ops_client, full_name="Isabelle MacDonald", email="isabelle@example.com",
                   teacher_reference_number="1234567", teacher_reference_number_validated=True,
                   course_identifier="npq-headship", cohort="2023", status="accepted",
                   schedule_identifier="npq-leadership-autumn", training_status="withdrawn",
                   teacher_catchment="another", funding_choice="school", school_urn="106286",
                   eligible_for_funding=False, created_at="2023-09-01T10:00:00+01:00")
    assert reply.status_code == 201, reply.json
    a = reply.json["data"]["attributes"]
    assert (a["full_name"], a["email"], a["teacher_reference_number"], a["course_identifier"], a["cohort"],
            a["status"], a["teacher_catchment"], a["funding_choice"], a["school_urn"], a["created_at"],
            a["eligible_for_funding"], a["ineligible_for_funding_reason"]) == (
        "Isabelle MacDonald", "isabelle@example.com", "1234567", "npq-headship", "2023", "accepted", False,
        "school", "106286", "2023-09-01T09:00:00Z", False, "establishment-ineligible")
    assert a["teacher_catchment_country"] and a["teacher_catchment_iso_country_code"]
    participant = ops_client.get(f"/api/v1/participants/npq/{a['participant_id']}", headers=TOKEN)
    assert participant.status_code == 200 and participant.json["data"]["attributes"]["npq_courses"] == [
        "npq-headship"]


def test_a_new_person_never_gets_a_trn_someone_in_the_world_has(
    ops_client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R-53 would refuse accepting the new person's application if another person with an accepted one
    for the course held the same (drawn) TRN; a TRN given in the request is kept as given."""
    first = create(ops_client, teacher_reference_number="7654321", teacher_reference_number_validated=True)
    assert first.json["data"]["attributes"]["teacher_reference_number"] == "7654321"
    monkeypatch.setattr("mockserver.seeding.builder.trn", lambda rng: 7654321)
    made = [create(ops_client).json["data"]["attributes"]["teacher_reference_number"] for _ in range(4)]
    drawn = [trn for trn in made if trn is not None]  # (a drawn person may have no TRN)
    assert drawn == ["7654322", "7654323", "7654324", "7654325"][: len(drawn)] and drawn  # the next free
    again = create(ops_client, teacher_reference_number="7654321")
    assert again.json["data"]["attributes"]["teacher_reference_number"] == "7654321"


def test_a_second_application_for_an_existing_person_rejects_the_pending_sibling(ops_client: Any) -> None:
    first = create(ops_client, cohort=2024, course_identifier="npq-senco").json["data"]
    person = first["attributes"]["participant_id"]
    second = create(ops_client, OTHER, participant_id=person, cohort=2024, course_identifier="npq-senco",
                    status="accepted", funded_place=True, eligible_for_funding=True)
    assert second.status_code == 201, second.json
    assert second.json["data"]["attributes"]["funded_place"] is True
    again = ops_client.get(f"/api/v1/npq-applications/{first['id']}", headers=TOKEN).json["data"]
    assert again["attributes"]["status"] == "rejected"
    refused = create(ops_client, participant_id=person, cohort=2024, course_identifier="npq-senco",
                     status="accepted", funded_place=False)
    assert refused.status_code == 422 and refused.json["errors"][0]["title"] == "status"


@pytest.mark.parametrize(("attributes", "title"), [
    ({"course_identifier": "npq-juggling"}, "course_identifier"),
    ({"cohort": 1999}, "cohort"),
    ({"cohort": "twenty"}, "cohort"),
    ({"status": "deferred"}, "status"),
    ({"eligible_for_funding": "yes"}, "eligible_for_funding"),
    ({"teacher_catchment": "mars"}, "teacher_catchment"),
    ({"funding_choice": "lottery"}, "funding_choice"),
    ({"school_urn": 12}, "school_urn"),
    ({"created_at": "yesterday"}, "created_at"),
    ({"email": "not-an-email"}, "email"),
    ({"teacher_reference_number_validated": 1}, "teacher_reference_number_validated"),
    ({"participant_id": "4b1e7c1e-0000-4000-8000-000000000000"}, "participant_id"),
    ({"schedule_identifier": "npq-leadership-autumn"}, "schedule_identifier"),
    ({"status": "accepted", "course_identifier": "npq-headship", "cohort": 2023,
      "schedule_identifier": "npq-specialist-autumn"}, "schedule_identifier"),
    ({"status": "accepted", "training_status": "paused"}, "training_status"),
    ({"status": "accepted", "cohort": 2024, "funded_place": "yes"}, "funded_place"),
])
def test_invalid_attributes_get_a_422_naming_them_and_change_nothing(
        ops_client: Any, attributes: dict, title: str) -> None:
    before = total(ops_client)
    reply = create(ops_client, **attributes)
    assert reply.status_code == 422
    assert reply.json == {"errors": [{"title": title, "detail": reply.json["errors"][0]["detail"]}]}
    assert total(ops_client) == before
    # Rendered by the API's own error catalogue: the rule is named as every API refusal names its rule.
    assert reply.headers["X-NPQ-Mock-Rule"] == "testing_api.invalid_attribute"
    assert reply.headers["Cache-Control"] == "no-store"


def test_a_body_that_is_not_a_json_object_gets_the_api_s_400(ops_client: Any) -> None:
    reply = ops_client.put("/__mock__/clock", data=b"[1, 2]", content_type="application/json")
    assert reply.status_code == 400
    assert reply.json == {"errors": [{"title": "Bad request", "detail": "correct json data structure "
                                      "required. See API docs for reference"}]}
    assert reply.headers["X-NPQ-Mock-Rule"] == "request.bad_json_structure"


@pytest.mark.parametrize(("attributes", "stored"), [
    ({"cohort": 2024, "funded_place": True}, True),  # pending
    ({"cohort": 2024, "status": "rejected", "funded_place": False}, False),
    ({"cohort": 2023, "status": "accepted", "funded_place": True}, True),  # uncapped cohort
    ({"cohort": 2023, "status": "accepted", "funded_place": False}, False),
    ({"cohort": 2024, "status": "accepted", "funded_place": True, "eligible_for_funding": False}, True),
    ({"cohort": 2024, "status": "accepted", "funded_place": None, "eligible_for_funding": True}, None),
])
def test_funded_place_is_stored_as_given_on_any_status_and_cohort(
        ops_client: Any, attributes: dict, stored: bool | None) -> None:
    reply = create(ops_client, course_identifier="npq-headship", **attributes)
    assert reply.status_code == 201, reply.json
    assert reply.json["data"]["attributes"]["funded_place"] is stored


@pytest.mark.parametrize(("now", "course", "cohort", "schedule"), [
    ("2026-01-15T12:00:00Z", "npq-headship", 2024, "npq-leadership-autumn"),  # spring not in 2024
    ("2025-04-01T12:00:00Z", "npq-early-headship-coaching-offer", 2024, "npq-ehco-june"),  # no march
    ("2024-05-01T12:00:00Z", "npq-headship", 2023, "npq-leadership-autumn"),  # accept's own choice
])
def test_accepted_without_a_schedule_falls_back_to_one_of_the_course_group(
        ops_client: Any, now: str, course: str, cohort: int, schedule: str) -> None:
    ops_client.put("/__mock__/clock", json={"now": now})
    reply = create(ops_client, course_identifier=course, cohort=cohort, status="accepted")
    assert reply.status_code == 201, reply.json
    pid = reply.json["data"]["attributes"]["participant_id"]
    same = ops_client.put(f"/api/v1/participants/npq/{pid}/change-schedule", headers=TOKEN, json={"data": {
        "attributes": {"course_identifier": course, "schedule_identifier": schedule}}})
    assert same.json == {"errors": [{"title": "schedule_identifier",
                                     "detail": "The participant already has the specified schedule"}]}


def test_accepted_in_a_cohort_without_a_schedule_of_the_group_has_none(ops_client: Any) -> None:
    ops_client.put("/__mock__/clock", json={"now": "2024-05-01T12:00:00Z"})
    aso = "npq-additional-support-offer"
    reply = create(ops_client, course_identifier=aso, cohort=2023, status="accepted")
    assert reply.status_code == 201, reply.json
    pid = reply.json["data"]["attributes"]["participant_id"]
    declared = ops_client.post("/api/v1/participant-declarations", headers=TOKEN, json={"data": {
        "attributes": {"participant_id": pid, "declaration_type": "started",
                       "declaration_date": "2024-01-02T10:00:00Z", "course_identifier": aso}}})
    assert declared.status_code == 422
    missing = {"title": "application", "detail": "The application is missing a schedule."}
    assert missing in declared.json["errors"]
    explicit = create(ops_client, course_identifier=aso, cohort=2023,
                      status="accepted", schedule_identifier="npq-aso-december")
    assert explicit.status_code == 422 and explicit.json["errors"][0]["title"] == "schedule_identifier"


def test_creating_needs_a_valid_token_and_a_json_object(ops_client: Any) -> None:
    assert create(ops_client, {}).json == {"error": "HTTP Token: Access denied"}
    assert create(ops_client, {"Authorization": "Bearer nope"}).status_code == 401
    bad = ops_client.post("/__mock__/applications", data="[1]", headers=TOKEN,
                          content_type="application/json")
    assert bad.status_code == 400 and bad.json["errors"][0]["title"] == "Bad request"
    assert ops_client.post("/__mock__/applications", headers=TOKEN).status_code == 201  # no body at all
    assert create(ops_client, now="x", ref=1, colour="red").status_code == 201  # unknown attributes ignored


def test_clock_freezes_now_for_new_records_and_the_header_overrides_it(ops_client: Any) -> None:
    reply = ops_client.put("/__mock__/clock", json={"now": "2024-06-01T13:00:00+01:00"})
    assert reply.status_code == 200 and reply.json == {"now": "2024-06-01T12:00:00Z"}
    assert ops_client.get("/__mock__/clock").json == {"now": "2024-06-01T12:00:00Z"}
    assert create(ops_client).json["data"]["attributes"]["created_at"] == "2024-06-01T12:00:00Z"
    headed = ops_client.post("/__mock__/applications", headers={**TOKEN, "X-With-Server-Date":
                                                                "2024-07-01T08:00:00Z"})
    assert headed.json["data"]["attributes"]["created_at"] == "2024-07-01T08:00:00Z"
    bad = ops_client.put("/__mock__/clock", json={"now": "1 June"})
    assert bad.status_code == 422 and bad.json["errors"][0]["title"] == "now"
    assert ops_client.put("/__mock__/clock", json={}).status_code == 422
    assert ops_client.get("/__mock__/clock").json == {"now": "2024-06-01T12:00:00Z"}
    assert ops_client.put("/__mock__/clock", json={"now": None}).json == {"now": None}


BASELINE = {"delivery_partner_rule": True, "drift_reject_requires_reason": False,
            "drift_accept_ignores_withdrawn": False, "drift_outcome_invalid_date_400": False,
            "v3_epoch": "head",
            # R-17 (mockserver/resilience), off by default with the live service's budget.
            "rate_limit": False, "rate_limit_requests": 1000, "rate_limit_period": 300}


def test_settings_change_only_what_is_sent_and_answer_with_all(ops_client: Any) -> None:
    assert ops_client.get("/__mock__/settings").json == {**BASELINE, "closed_cohorts": []}
    reply = ops_client.put("/__mock__/settings", json={"closed_cohorts": [2022, 2021]})
    assert reply.status_code == 200 and reply.json == {**BASELINE, "closed_cohorts": [2021, 2022]}
    reply = ops_client.put("/__mock__/settings", json={"delivery_partner_rule": False})
    assert reply.json == {**BASELINE, "delivery_partner_rule": False, "closed_cohorts": [2021, 2022]}
    for bad in ({"delivery_partner_rule": "no"}, {"closed_cohorts": [1800]}, {"closed_cohorts": "2021"},
                {"delivery_partner_rule": True, "closed_cohorts": ["2021"]},
                {"drift_reject_requires_reason": 1}, {"v3_epoch": "HEAD"}):
        reply = ops_client.put("/__mock__/settings", json=bad)
        assert reply.status_code == 422 and reply.json["errors"][0]["title"] in bad
    assert ops_client.get("/__mock__/settings").json == {
        **BASELINE, "delivery_partner_rule": False, "closed_cohorts": [2021, 2022]}


def test_drift_switch_d1_makes_every_v1_reject_need_a_reason(ops_client: Any) -> None:
    pending = ops_client.post("/__mock__/applications", headers=TOKEN, json={}).json["data"]["id"]
    ops_client.put("/__mock__/settings", json={"drift_reject_requires_reason": True})
    reply = ops_client.post(f"/api/v1/npq-applications/{pending}/reject", headers=TOKEN)
    assert reply.status_code == 422
    assert reply.json == {"errors": [{"title": "reason_for_rejection",
                                      "detail": "The reason_for_rejection cannot be blank."}]}
    ops_client.put("/__mock__/settings", json={"drift_reject_requires_reason": False})
    assert ops_client.post(f"/api/v1/npq-applications/{pending}/reject", headers=TOKEN).status_code == 200


def declaration_in(client: Any, state: str, completed: bool = False) -> dict:
    found = client.get("/api/v1/participant-declarations?page[per_page]=3000", headers=TOKEN).json["data"]
    return next(d for d in found if d["attributes"]["state"] == state
                and (not completed or d["attributes"]["declaration_type"] == "completed"))


def test_declarations_move_through_payment_processing(ops_client: Any) -> None:
    declaration = declaration_in(ops_client, "submitted")
    url = f"/__mock__/declarations/{declaration['id']}/state"
    later = {"X-With-Server-Date": "2026-05-01T00:00:00Z"}
    reply = ops_client.put(url, json={"state": "paid"}, headers=later)
    assert reply.status_code == 200
    assert reply.json["data"]["attributes"]["state"] == "paid"
    assert reply.json["data"]["attributes"]["updated_at"] == "2026-05-01T00:00:00Z"
    shown = ops_client.get(f"/api/v1/participant-declarations/{declaration['id']}", headers=TOKEN)
    assert shown.data == reply.data
    moved = ops_client.put(url, json={"state": "awaiting_clawback"}).json["data"]["attributes"]
    assert moved["state"] == "awaiting-clawback" and moved["eligible_for_payment"] is False
    clawed = ops_client.put(url, json={"state": "clawed_back"}).json["data"]["attributes"]
    assert clawed["state"] == "clawed-back"
    back = ops_client.put(url, json={"state": "eligible"})
    assert back.status_code == 422 and back.json["errors"][0]["title"] == "state"


def test_clawing_back_a_completed_declaration_voids_its_outcome(ops_client: Any) -> None:
    declaration = declaration_in(ops_client, "paid", completed=True)
    assert declaration["attributes"]["has_passed"] is not None
    reply = ops_client.put(f"/__mock__/declarations/{declaration['id']}/state", json={"state": "clawed_back"})
    assert reply.status_code == 200 and reply.json["data"]["attributes"]["has_passed"] is None


def test_declaration_state_errors(ops_client: Any) -> None:
    missing = ops_client.put("/__mock__/declarations/4b1e7c1e-0000-4000-8000-000000000000/state",
                             json={"state": "paid"})
    assert missing.status_code == 404 and missing.json == {"error": "Resource not found"}
    declaration = declaration_in(ops_client, "voided")
    url = f"/__mock__/declarations/{declaration['id']}/state"
    for body in ({"state": "voided"}, {"state": "paid"}, {}):
        reply = ops_client.put(url, json=body)
        assert reply.status_code == 422 and reply.json["errors"][0]["title"] == "state"
    assert declaration_in(ops_client, "voided")["id"] == declaration["id"]


def test_reset_restores_the_seeded_world_or_an_empty_one(ops_client: Any) -> None:
    seeded = ops_client.get("/api/v1/npq-applications", headers=TOKEN).data
    create(ops_client)
    ops_client.put("/__mock__/settings", json={"closed_cohorts": [2021]})
    ops_client.put("/__mock__/clock", json={"now": "2024-06-01T12:00:00Z"})
    reply = ops_client.post("/__mock__/reset")
    assert reply.status_code == 200 and reply.json["seed"] == 1
    assert ops_client.get("/api/v1/npq-applications", headers=TOKEN).data == seeded
    assert ops_client.get("/__mock__/settings").json["closed_cohorts"] == []
    assert ops_client.get("/__mock__/clock").json == {"now": None}
    assert ops_client.post("/__mock__/reset", json={"seed": 2}).status_code == 200
    assert ops_client.get("/api/v1/npq-applications", headers=TOKEN).data != seeded
    assert ops_client.post("/__mock__/reset", json={"empty": True}).json["applications"] == 0
    assert total(ops_client) == 0 and len(ops_client.get("/__mock__/lead-providers").json["data"]) == 8
    for bad, title in (({"seed": "x"}, "seed"), ({"seed": -1}, "seed"), ({"empty": "yes"}, "empty")):
        reply = ops_client.post("/__mock__/reset", json=bad)
        assert reply.status_code == 422 and reply.json["errors"][0]["title"] == title


def test_reset_without_a_seed_returns_to_the_configured_seed(ops_client: Any) -> None:
    seeded = ops_client.get("/api/v1/npq-applications", headers=TOKEN).data
    assert ops_client.post("/__mock__/reset", json={"seed": 2}).json["seed"] == 2
    reply = ops_client.post("/__mock__/reset", json={})
    assert reply.status_code == 200 and reply.json["seed"] == 1
    assert ops_client.get("/api/v1/npq-applications", headers=TOKEN).data == seeded
    assert ops_client.get("/__mock__/world").json["seed"] == 1


def test_created_records_repeat_after_a_reset_with_the_same_seed(ops_client: Any) -> None:
    at = {**TOKEN, "X-With-Server-Date": "2025-05-05T05:05:05Z"}  # created_at defaults to "now"
    first = [create(ops_client, at).data for _ in range(3)]
    ops_client.post("/__mock__/reset")
    assert [create(ops_client, at).data for _ in range(3)] == first


def test_world_endpoint_counts_records(ops_client: Any) -> None:
    world = ops_client.get("/__mock__/world").json
    assert world["seed"] == 1 and world["counts"]["applications"]["accepted"] > 0


def test_settings_object_matches_the_configured_default(tmp_path: Any) -> None:
    from mockserver.app import create_app
    from mockserver.seed import prepare_database

    path = prepare_database(Settings(db_path=tmp_path / "w.sqlite3", applications=16,
                                     delivery_partner_rule=False))
    client = create_app(Settings(db_path=path)).test_client()
    assert client.get("/__mock__/settings").json["delivery_partner_rule"] is False


def test_openapi_documents_are_served(ops_client: Any) -> None:
    reply = ops_client.get("/__mock__/openapi/npq-lead-provider-v1.yaml")
    assert reply.status_code == 200 and b"openapi:" in reply.data
    assert ops_client.get("/__mock__/openapi/npq-mock-testing-api.yaml").status_code == 200
    assert ops_client.get("/__mock__/openapi/../pyproject.toml").status_code == 404
    assert ops_client.get("/__mock__/openapi/nothing.yaml").json == {"error": "Resource not found"}


# --- many applications at once ---


def test_a_batch_makes_every_application_in_one_go_in_the_order_given(ops_client: Any) -> None:
    before = total(ops_client)
    trns = [f"{7_000_000 + n}" for n in range(3)]
    reply = ops_client.post("/__mock__/applications/batch", headers=TOKEN, json={"data": [
        {"attributes": {"teacher_reference_number": trn, "cohort": 2024}} for trn in trns]})
    assert reply.status_code == 201
    made = reply.json["data"]
    assert [a["attributes"]["teacher_reference_number"] for a in made] == trns
    assert {a["attributes"]["cohort"] for a in made} == {"2024"}
    assert total(ops_client) == before + 3
    listed = {a["id"] for a in ops_client.get("/api/v1/npq-applications?page[per_page]=3000",
                                              headers=TOKEN).json["data"]}
    assert {a["id"] for a in made} <= listed


def test_a_batch_with_one_bad_member_makes_nothing_and_names_the_member(ops_client: Any) -> None:
    before = total(ops_client)
    reply = ops_client.post("/__mock__/applications/batch", headers=TOKEN, json={"data": [
        {"attributes": {"cohort": 2024}}, {"attributes": {"cohort": 1999}}]})
    assert reply.status_code == 422
    assert reply.json["errors"][0]["title"] == "data[1].cohort"
    assert reply.headers["X-NPQ-Mock-Rule"] == "testing_api.invalid_attribute"
    assert total(ops_client) == before


@pytest.mark.parametrize(("body", "status", "title"), [
    ({"data": []}, 422, "data"),
    ({"data": {"attributes": {}}}, 422, "data"),
    ({"data": [{"attributes": {}}] * 5001}, 422, "data"),
    ({"data": [{"attributes": []}]}, 422, "data[0]"),
    ({}, 422, "data"),
])
def test_a_batch_that_is_not_a_list_of_resources_is_refused(
        ops_client: Any, body: dict, status: int, title: str) -> None:
    before = total(ops_client)
    reply = ops_client.post("/__mock__/applications/batch", headers=TOKEN, json=body)
    assert (reply.status_code, reply.json["errors"][0]["title"]) == (status, title)
    assert total(ops_client) == before


def test_a_batch_needs_a_provider_s_token(ops_client: Any) -> None:
    reply = ops_client.post("/__mock__/applications/batch", json={"data": [{"attributes": {}}]})
    assert reply.status_code == 401
