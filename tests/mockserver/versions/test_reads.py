"""Every version reads the one default world; each response validates against that version's document."""

from __future__ import annotations

import pytest

TOKEN = {"Authorization": "Bearer ambition-token"}
LISTS = ("npq-applications", "participants/npq", "participant-declarations", "participants/npq/outcomes")


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
@pytest.mark.parametrize("path", LISTS)
def test_every_list_and_record_reads_in_every_version(ops_client, version: str, path: str) -> None:
    listed = ops_client.get(f"/api/{version}/{path}?page[per_page]=5", headers=TOKEN)
    assert listed.status_code == 200
    data = listed.get_json()["data"]
    assert len(data) == 5
    if path != "participants/npq/outcomes":
        one = ops_client.get(f"/api/{version}/{path}/{data[0]['id']}", headers=TOKEN)
        assert one.status_code == 200 and one.get_json()["data"] == data[0]


def test_the_same_declaration_in_three_shapes(ops_client) -> None:
    shapes = {
        v: ops_client.get(f"/api/{v}/participant-declarations?page[per_page]=1", headers=TOKEN).get_json()
        for v in ("v1", "v2", "v3")
    }
    v1, v2, v3 = (shapes[v]["data"][0] for v in ("v1", "v2", "v3"))
    assert v1["id"] == v2["id"] == v3["id"]
    assert "voided" in v1["attributes"] and "voided" not in v2["attributes"]
    assert list(v2["attributes"]) == [
        "participant_id", "declaration_type", "course_identifier", "declaration_date", "state", "has_passed",
        "updated_at",
    ]
    assert list(v3["attributes"])[6:13] == [
        "delivery_partner_id", "delivery_partner_name", "secondary_delivery_partner_id",
        "secondary_delivery_partner_name", "statement_id", "application_id", "clawback_statement_id",
    ]


def test_v2_serves_csv_and_v3_answers_json_for_a_csv_url(ops_client) -> None:
    v2 = ops_client.get("/api/v2/npq-enrolments.csv", headers=TOKEN)
    assert v2.status_code == 200 and v2.mimetype == "text/csv"
    assert v2.get_data(as_text=True).splitlines()[0] == (
        "participant_id,course_identifier,schedule_identifier,cohort,npq_application_id,"
        "eligible_for_funding,training_status,school_urn,funded_place"
    )
    assert ops_client.get("/api/v2/npq-enrolments", headers=TOKEN).status_code == 406
    v3 = ops_client.get("/api/v3/npq-applications.csv?page[per_page]=1", headers=TOKEN)
    assert v3.status_code == 200 and v3.mimetype == "application/json"
    assert ops_client.get("/api/v3/npq-enrolments.csv", headers=TOKEN).status_code == 404
