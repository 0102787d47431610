"""--db: a world file keeps every change across restarts and is never reseeded; no --db: a fresh world."""

from __future__ import annotations

from pathlib import Path

from mockserver.app import create_app
from mockserver.config import Settings

TOKEN = {"Authorization": "Bearer ambition-token"}


def test_changes_made_through_the_api_survive_a_restart_on_the_same_file(ops_world: Path) -> None:
    client = create_app(Settings(db_path=ops_world)).test_client()
    pending = next(a for a in client.get("/api/v1/npq-applications?page[per_page]=3000", headers=TOKEN).json[
        "data"] if a["attributes"]["status"] == "pending" and a["attributes"]["cohort"] == "2023")
    assert client.post(f"/api/v1/npq-applications/{pending['id']}/accept", headers=TOKEN).status_code == 200
    created = client.post("/__mock__/applications", headers=TOKEN).json["data"]
    client.put("/__mock__/clock", json={"now": "2025-01-02T03:04:05Z"})
    client.put("/__mock__/settings", json={"closed_cohorts": [2021]})
    before = client.get("/api/v1/npq-applications.csv", headers=TOKEN).data

    # A restart: a new app (as a new process would build) on the same file, even with another seed.
    again = create_app(Settings(db_path=ops_world, seed=42)).test_client()
    assert again.get("/api/v1/npq-applications.csv", headers=TOKEN).data == before
    shown = again.get(f"/api/v1/npq-applications/{pending['id']}", headers=TOKEN).json["data"]
    assert shown["attributes"]["status"] == "accepted"
    assert again.get(f"/api/v1/npq-applications/{created['id']}", headers=TOKEN).status_code == 200
    assert again.get("/__mock__/clock").json == {"now": "2025-01-02T03:04:05Z"}
    assert again.get("/__mock__/settings").json["closed_cohorts"] == [2021]
    assert again.get("/__mock__/world").json["seed"] == 1


def test_without_a_file_each_start_gets_a_fresh_temporary_world() -> None:
    first = create_app(Settings(applications=24)).test_client()
    first.post("/__mock__/applications", headers=TOKEN)
    second = create_app(Settings(applications=24)).test_client()
    url = "/api/v1/npq-applications.csv"
    assert len(first.get(url, headers=TOKEN).data) > len(second.get(url, headers=TOKEN).data)
