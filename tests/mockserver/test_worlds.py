"""Worlds: isolated copies of the mock on one server, reached by their own tokens (issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from mockserver import world as world_module
from mockserver import worlds as worlds_module
from mockserver.app import create_app
from mockserver.config import Settings
from tests.mockserver.spec_validation import validating

DEFAULT = {"Authorization": "Bearer ambition-token"}


@pytest.fixture
def client(ops_world: Path):
    return validating(create_app(Settings(db_path=ops_world))).test_client()


def _world(client, **body) -> dict:
    answer = client.post("/__mock__/worlds", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["data"]


def _token(world: dict, name: str = "Ambition Institute") -> dict[str, str]:
    token = next(p["token"] for p in world["lead_providers"] if p["name"] == name)
    return {"Authorization": f"Bearer {token}"}


def test_a_world_has_a_fresh_token_per_provider_that_reads_its_own_copy(client) -> None:
    world = _world(client)
    assert len(world["lead_providers"]) == 8
    assert all(p["token"] != "ambition-token" for p in world["lead_providers"])
    for version in ("v1", "v2", "v3"):
        mine = client.get(f"/api/{version}/npq-applications", headers=_token(world))
        default = client.get(f"/api/{version}/npq-applications", headers=DEFAULT)
        assert mine.status_code == 200 and mine.get_json() == default.get_json()  # same seed, same copy


def test_two_worlds_diverge_under_writes(client) -> None:
    a, b = _world(client), _world(client)
    created = client.post("/__mock__/applications", json={}, headers=_token(a))
    assert created.status_code == 201
    new_id = created.get_json()["data"]["id"]
    assert client.get(f"/api/v3/npq-applications/{new_id}", headers=_token(a)).status_code == 200
    assert client.get(f"/api/v3/npq-applications/{new_id}", headers=_token(b)).status_code == 404
    assert client.get(f"/api/v3/npq-applications/{new_id}", headers=DEFAULT).status_code == 404
    listed = client.get("/api/v1/npq-applications?page[per_page]=100", headers=_token(b)).get_json()["data"]
    pending = next(
        x for x in listed
        if x["attributes"]["status"] == "pending" and x["attributes"]["cohort"] in ("2021", "2022", "2023")
    )
    accepted = client.post(f"/api/v1/npq-applications/{pending['id']}/accept", headers=_token(b))
    assert accepted.status_code == 200
    still = client.get(f"/api/v1/npq-applications/{pending['id']}", headers=_token(a)).get_json()["data"]
    assert still["attributes"]["status"] == "pending"


def test_reset_clock_and_settings_of_one_world_leave_the_others_alone(client) -> None:
    a, b = _world(client), _world(client)
    in_a = {"X-NPQ-Mock-World": a["id"]}
    assert client.post("/__mock__/reset", json={"empty": True}, headers=in_a).status_code == 200
    frozen = client.put("/__mock__/clock", json={"now": "2030-01-01T00:00:00Z"}, headers=in_a)
    switched = client.put("/__mock__/settings", json={"delivery_partner_rule": False}, headers=in_a)
    assert frozen.status_code == switched.status_code == 200
    assert client.get("/api/v1/npq-applications", headers=_token(a)).get_json()["data"] == []
    assert client.get("/api/v1/npq-applications", headers=_token(b)).get_json()["data"] != []
    assert client.get("/__mock__/clock", headers=in_a).get_json() == {"now": "2030-01-01T00:00:00Z"}
    assert client.get("/__mock__/clock", headers={"X-NPQ-Mock-World": b["id"]}).get_json() == {"now": None}
    assert client.get("/__mock__/clock").get_json() == {"now": None}
    assert client.get("/__mock__/settings").get_json()["delivery_partner_rule"] is True
    # A reset keeps the world's own tokens working.
    assert client.get("/api/v1/npq-applications", headers=_token(a)).status_code == 200
    providers = client.get("/__mock__/lead-providers", headers=in_a).get_json()["data"]
    assert {p["token"] for p in providers} == {p["token"] for p in a["lead_providers"]}


def test_a_deleted_world_s_tokens_get_401_and_its_id_404(client) -> None:
    world = _world(client)
    assert client.delete(f"/__mock__/worlds/{world['id']}").status_code == 200
    assert client.get("/api/v3/npq-applications", headers=_token(world)).status_code == 401
    gone = client.get(f"/__mock__/worlds/{world['id']}")
    assert (gone.status_code, gone.json) == (404, {"error": "Resource not found"})
    assert gone.headers["X-NPQ-Mock-Rule"] == "testing_api.world_not_found"
    # Any testing-API call naming a world that is gone (a header the documents describe in prose).
    raw = FlaskClient(client.application)
    assert raw.get("/__mock__/clock", headers={"X-NPQ-Mock-World": world["id"]}).status_code == 404
    assert client.delete(f"/__mock__/worlds/{world['id']}").status_code == 404


def test_worlds_expire_after_their_ttl(client, monkeypatch) -> None:
    world = _world(client, ttl_seconds=5)
    listed = client.get("/__mock__/worlds").get_json()["data"]
    assert [w["id"] for w in listed] == [world["id"]]
    later = worlds_module.time.time() + 6
    monkeypatch.setattr(worlds_module.time, "time", lambda: later)
    monkeypatch.setattr(world_module.time, "time", lambda: later)
    assert client.get("/api/v1/npq-applications", headers=_token(world)).status_code == 401
    assert client.get("/__mock__/worlds").get_json()["data"] == []


def test_the_number_of_worlds_is_bounded_with_a_clear_422(ops_world: Path) -> None:
    app = create_app(Settings(db_path=ops_world, max_worlds=2))
    client = app.test_client()
    _world(client)
    _world(client)
    refused = client.post("/__mock__/worlds", json={})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0]["title"] == "worlds"


@pytest.mark.parametrize(
    ("body", "attribute"),
    [({"seed": "x"}, "seed"), ({"seed": -1}, "seed"), ({"applications": 10**9}, "applications"),
     ({"empty": "yes"}, "empty"), ({"ttl_seconds": 0}, "ttl_seconds"), ({"fixtures": "/etc"}, "fixtures")],
)
def test_bad_world_requests_are_422_naming_the_attribute(client, body: dict, attribute: str) -> None:
    refused = client.post("/__mock__/worlds", json=body)
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["title"] == attribute


def test_an_empty_world_and_a_seeded_world(client) -> None:
    empty = _world(client, empty=True)
    assert client.get("/api/v2/npq-applications", headers=_token(empty)).get_json()["data"] == []
    other = _world(client, seed=7, applications=20)
    page = "/api/v1/npq-applications?page[per_page]=100"
    listed = client.get(page, headers=_token(other)).get_json()["data"]
    default = client.get(page, headers=DEFAULT).get_json()["data"]
    assert listed and {a["id"] for a in listed}.isdisjoint({a["id"] for a in default})


def test_worlds_persist_across_a_restart(ops_world: Path) -> None:
    first = create_app(Settings(db_path=ops_world)).test_client()
    world = _world(first)
    first.post("/__mock__/reset", json={"empty": True}, headers={"X-NPQ-Mock-World": world["id"]})
    again = create_app(Settings(db_path=ops_world)).test_client()
    answer = again.get("/api/v1/npq-applications", headers=_token(world))
    assert answer.status_code == 200 and answer.get_json()["data"] == []
    assert [w["id"] for w in again.get("/__mock__/worlds").get_json()["data"]] == [world["id"]]


def test_each_world_has_its_own_request_journal(client) -> None:
    world = _world(client)
    client.get("/api/v3/participants/npq", headers=_token(world))
    client.get("/api/v1/participant-declarations", headers=DEFAULT)
    client.application.extensions["npq_journal"].flush()
    mine = client.get("/__mock__/journal", headers={"X-NPQ-Mock-World": world["id"]}).get_json()["data"]
    default = client.get("/__mock__/journal").get_json()["data"]
    assert [e["path"] for e in mine] == ["/api/v3/participants/npq"]
    assert "/api/v3/participants/npq" not in [e["path"] for e in default]
    assert "/api/v1/participant-declarations" in [e["path"] for e in default]


def test_fault_profiles_and_the_rate_limit_are_per_world(client) -> None:
    world = _world(client)
    in_world = {"X-NPQ-Mock-World": world["id"]}
    profile = {"rules": [{"status": 503, "rate": 1.0}]}
    assert client.put("/__mock__/faults", json=profile, headers=in_world).status_code == 200
    assert client.get("/__mock__/faults").get_json() == {"faults": None}
    raw = FlaskClient(client.application)  # an injected 503 is, on purpose, in no API document
    assert raw.get("/api/v3/npq-applications", headers=_token(world)).status_code == 503
    assert client.get("/api/v3/npq-applications", headers=DEFAULT).status_code == 200
    limited = {"rate_limit": True, "rate_limit_requests": 1, "rate_limit_period": 300}
    assert client.put("/__mock__/settings", json=limited).status_code == 200
    assert raw.get("/api/v1/npq-applications", headers=DEFAULT).status_code == 200
    assert raw.get("/api/v1/npq-applications", headers=DEFAULT).status_code == 429
    assert client.get("/__mock__/settings", headers=in_world).get_json()["rate_limit"] is False


def test_the_disk_the_worlds_use_is_bounded_with_a_clear_422(ops_world: Path) -> None:
    client = create_app(Settings(db_path=ops_world, max_worlds_bytes=1)).test_client()
    _world(client)  # the first fits (nothing used yet); from then on the bound is reached
    refused = client.post("/__mock__/worlds", json={})
    assert refused.status_code == 422
    assert refused.get_json()["errors"][0] == {
        "title": "worlds", "detail": "the worlds of this server use all the disk they may: delete one"}
