"""One world, three views (behaviour reference §0.3, §6): what one version or DfE writes, every version sees
as it shows it. Over the default seeded world; every response validates against its version's document."""

from __future__ import annotations

from typing import Any

import pytest

from tests.mockserver.v1_shapes import APPLICATION_FIELDS

AMBITION = {"Authorization": "Bearer ambition-token"}
BPN = {"Authorization": "Bearer best-practice-token"}
BPN_ID = "57ba9e86-559f-4ff4-a6d2-4610c7259b67"
NOW = {"X-With-Server-Date": "2025-06-01T12:00:00Z"}
# The seeded 2023 output-fee statements run to early 2025 (V-93): declare for 2023 while one is open.
WHILE_2023_IS_FUNDED = {"X-With-Server-Date": "2024-07-02T12:00:00Z"}
V1_APPLICATION_KEYS = APPLICATION_FIELDS  # the v1 shape, kept once for the tests (v1_shapes.py)
V2_ENROLMENT_KEYS = [
    "course_identifier",
    "schedule_identifier",
    "cohort",
    "npq_application_id",
    "eligible_for_funding",
    "training_status",
    "school_urn",
    "targeted_delivery_funding_eligibility",
    "funded_place",
]


def _make(client: Any, headers: dict[str, str] = AMBITION, **attributes: Any) -> dict[str, Any]:
    resp = client.post("/__mock__/applications", json={"data": {"attributes": attributes}}, headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    return resp.get_json()["data"]


def _get(client: Any, path: str, headers: dict[str, str] = AMBITION, status: int = 200) -> Any:
    resp = client.get(path, headers=headers)
    assert resp.status_code == status, resp.get_data(as_text=True)
    return resp.get_json()


def _ids(client: Any, version: str, headers: dict[str, str] = AMBITION) -> set[str]:
    return {
        p["id"] for p in _get(client, f"/api/{version}/participants/npq?page[per_page]=3000", headers)["data"]
    }


def test_an_application_rejected_through_v3_is_rejected_everywhere_and_its_participant_vanishes(
    ops_client: Any,
) -> None:
    app = _make(ops_client, course_identifier="npq-headship", cohort=2023, status="accepted")
    pid = app["attributes"]["participant_id"]
    assert all(pid in _ids(ops_client, v) for v in ("v1", "v2", "v3"))
    resp = ops_client.post(f"/api/v3/npq-applications/{app['id']}/reject", headers=AMBITION)
    assert resp.status_code == 200
    for version in ("v1", "v2", "v3"):
        shown = _get(ops_client, f"/api/{version}/npq-applications/{app['id']}")["data"]["attributes"]
        assert shown["status"] == "rejected"
        assert ("reason_for_rejection" in shown) is (version == "v3")
        assert pid not in _ids(ops_client, version)
        _get(ops_client, f"/api/{version}/participants/npq/{pid}", status=404)


def test_a_schedule_chosen_by_a_v3_accept_is_the_v2_enrolment_schedule(ops_client: Any) -> None:
    app = _make(ops_client, course_identifier="npq-headship", cohort=2023)
    body = {"data": {"attributes": {"schedule_identifier": "npq-leadership-spring"}}}
    resp = ops_client.post(f"/api/v3/npq-applications/{app['id']}/accept", json=body, headers=AMBITION)
    assert resp.status_code == 200
    pid = app["attributes"]["participant_id"]
    enrolments = _get(ops_client, f"/api/v2/participants/npq/{pid}")["data"]["attributes"]["npq_enrolments"]
    assert [(e["npq_application_id"], e["schedule_identifier"]) for e in enrolments] == [
        (app["id"], "npq-leadership-spring")
    ]
    csv = ops_client.get("/api/v2/npq-enrolments.csv", headers=AMBITION).get_data(as_text=True)
    assert f"{pid},npq-headship,npq-leadership-spring,2023,{app['id']}," in csv
    assert (
        "schedule_identifier"
        not in _get(ops_client, f"/api/v1/npq-applications/{app['id']}")["data"]["attributes"]
    )


def test_a_retired_id_is_410_in_v3_and_404_in_v1_and_v2(ops_client: Any) -> None:
    old = _make(ops_client, course_identifier="npq-headship", cohort=2023, status="accepted")
    new = _make(ops_client, course_identifier="npq-senco", cohort=2024, status="accepted", funded_place=False)
    from_id, to_id = old["attributes"]["participant_id"], new["attributes"]["participant_id"]
    change = {
        "from_participant_id": from_id,
        "to_participant_id": to_id,
        "changed_at": "2025-01-02T03:04:05Z",
    }
    assert ops_client.post("/__mock__/participant-id-changes", json=change).status_code == 201
    gone = _get(ops_client, f"/api/v3/participants/npq/{from_id}", status=410)
    assert gone["errors"][0]["participant_id_changes"] == [change]
    _get(ops_client, f"/api/v3/participants/npq/{from_id}/outcomes", status=410)
    for version in ("v1", "v2"):
        _get(ops_client, f"/api/{version}/participants/npq/{from_id}", status=404)
        _get(ops_client, f"/api/{version}/participants/npq/{from_id}/outcomes", status=404)
    # the merged person: both applications, and the change shown by v3 only
    merged = _get(ops_client, f"/api/v3/participants/npq/{to_id}")["data"]["attributes"]
    assert {e["npq_application_id"] for e in merged["npq_enrolments"]} == {old["id"], new["id"]}
    assert merged["participant_id_changes"] == [change]
    assert (
        "participant_id_changes"
        not in _get(ops_client, f"/api/v2/participants/npq/{to_id}")["data"]["attributes"]
    )


def test_v2_representations_are_exact(ops_client: Any) -> None:
    v1 = _get(ops_client, "/api/v1/npq-applications?page[per_page]=3")["data"]
    v2 = _get(ops_client, "/api/v2/npq-applications?page[per_page]=3")["data"]
    assert v1 == v2 and list(v2[0]["attributes"]) == V1_APPLICATION_KEYS  # V-10
    participants = _get(ops_client, "/api/v2/participants/npq?page[per_page]=50")["data"]
    for participant in participants:  # V-13
        attributes = participant["attributes"]
        assert list(attributes) == [
            "email",
            "full_name",
            "teacher_reference_number",
            "updated_at",
            "npq_enrolments",
        ]
        assert all(list(e) == V2_ENROLMENT_KEYS for e in attributes["npq_enrolments"])
    v1_outcomes = _get(ops_client, "/api/v1/participants/npq/outcomes?page[per_page]=5")["data"]
    v2_outcomes = _get(ops_client, "/api/v2/participants/npq/outcomes?page[per_page]=5")["data"]
    v3_outcomes = _get(ops_client, "/api/v3/participants/npq/outcomes?page[per_page]=5")["data"]
    assert v1_outcomes == v2_outcomes and v2_outcomes  # V-20
    assert [list(o["attributes"])[-1] for o in v3_outcomes] == ["updated_at"] * len(v3_outcomes)  # V-21


def test_a_transfer_moves_the_application_and_declarations_keep_their_creator(ops_client: Any) -> None:
    headers = {**AMBITION, **WHILE_2023_IS_FUNDED}
    app = _make(
        ops_client,
        course_identifier="npq-headship",
        cohort=2023,
        status="accepted",
        schedule_identifier="npq-leadership-autumn",
        created_at="2023-09-01T10:00:00Z",
    )
    pid = app["attributes"]["participant_id"]
    body = {
        "data": {
            "attributes": {
                "participant_id": pid,
                "course_identifier": "npq-headship",
                "declaration_type": "completed",
                "declaration_date": "2024-06-02T10:00:00Z",
                "has_passed": True,
            }
        }
    }
    declared = ops_client.post("/api/v1/participant-declarations", json=body, headers=headers)
    assert declared.status_code == 200, declared.get_data(as_text=True)
    declaration = declared.get_json()["data"]["id"]
    moved = ops_client.post(f"/__mock__/applications/{app['id']}/transfer", json={"lead_provider_id": BPN_ID})
    assert moved.status_code == 200 and moved.get_json()["data"]["attributes"]["status"] == "accepted"
    _get(ops_client, f"/api/v1/npq-applications/{app['id']}", status=404)
    assert _get(ops_client, f"/api/v2/npq-applications/{app['id']}", BPN)["data"]["id"] == app["id"]
    assert pid in _ids(ops_client, "v3", BPN) and pid not in _ids(ops_client, "v3")
    # the old provider still sees its declaration (any version); v1 hides it from the new one (V-99)
    _get(ops_client, f"/api/v1/participant-declarations/{declaration}")
    _get(ops_client, f"/api/v1/participant-declarations/{declaration}", BPN, status=404)
    # VD15: the new provider records an outcome on the old provider's completed declaration (v3 only)
    outcome = {
        "data": {
            "attributes": {
                "course_identifier": "npq-headship",
                "state": "passed",
                "completion_date": "2024-07-01",
            }
        }
    }
    bpn = {**BPN, **WHILE_2023_IS_FUNDED}
    v2 = ops_client.post(f"/api/v2/participants/npq/{pid}/outcomes", json=outcome, headers=bpn)
    assert v2.status_code == 422
    v3 = ops_client.post(f"/api/v3/participants/npq/{pid}/outcomes", json=outcome, headers=bpn)
    assert v3.status_code == 200, v3.get_data(as_text=True)
    created = v3.get_json()["data"]["id"]
    # it hangs off the old provider's declaration, so it is listed for the old provider only (V-60, VD15)
    listed = "/api/v3/participants/npq/outcomes?page[per_page]=3000"
    assert created in {o["id"] for o in _get(ops_client, listed)["data"]}
    assert created not in {o["id"] for o in _get(ops_client, listed, BPN)["data"]}


def test_cohorts_made_through_one_worker_are_seen_by_another(ops_world: Any) -> None:
    from mockserver.app import create_app
    from mockserver.config import Settings

    first = create_app(Settings(db_path=ops_world)).test_client()
    second = create_app(Settings(db_path=ops_world)).test_client()
    _make(second, course_identifier="npq-headship", cohort=2023)  # second has read its catalog
    made = first.post("/__mock__/cohorts", json={"start_year": 2031, "suffix": "b", "funding": "zero"})
    assert made.status_code == 201
    assert made.get_json()["identifier"] == "2031b" and made.get_json()["schedules"]
    app = _make(second, course_identifier="npq-headship", cohort="2031b", status="accepted")
    shown = _get(second, f"/api/v3/npq-applications/{app['id']}")["data"]["attributes"]
    assert (shown["cohort"], shown["cohort_suffix"], shown["funded_place"]) == ("2031", "b", False)
    removed = first.delete(
        "/__mock__/contracts", json={"cohort": "2031b", "course_identifier": "npq-headship"}, headers=AMBITION
    )
    assert removed.get_json() == {"removed": 1}
    pid = app["attributes"]["participant_id"]
    body = {
        "data": {
            "attributes": {
                "course_identifier": "npq-headship",
                "schedule_identifier": "npq-leadership-spring",
            }
        }
    }
    resp = second.put(f"/api/v3/participants/npq/{pid}/change-schedule", json=body, headers=AMBITION)
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["title"] == "cohort"  # no contract


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_the_testing_api_v3_attributes_are_shown_by_v3_only(ops_client: Any, version: str) -> None:
    app = _make(
        ops_client,
        course_identifier="npq-senco",
        cohort="2024a",
        status="accepted",
        funded_place=True,
        accepted_at="2024-09-01T10:00:00Z",
        works_as_senco="yes",
        senco_start_date="2022-09-01",
        targeted_delivery_funding_eligibility=True,
        teacher_catchment_country="United Kingdom",
        teacher_catchment_iso_country_code="GBR",
    )
    shown = _get(ops_client, f"/api/{version}/npq-applications/{app['id']}")["data"]["attributes"]
    assert shown["targeted_delivery_funding_eligibility"] is True
    assert shown["teacher_catchment_iso_country_code"] == "GBR"
    if version == "v3":
        assert (shown["works_as_senco"], shown["senco_start_date"], shown["cohort_suffix"]) == (
            "yes",
            "2022-09-01",
            "a",
        )
        pid = shown["participant_id"]
        enrolment = _get(ops_client, f"/api/v3/participants/npq/{pid}")["data"]["attributes"][
            "npq_enrolments"
        ][0]
        assert enrolment["created_at"] == "2024-09-01T10:00:00Z"
    else:
        assert "works_as_senco" not in shown
