"""R-17's rate limit, fault profiles and the testing-API gate (mockserver/resilience), in-process.

No test waits on the wall clock: R-17's windows follow `hooks.clock`, latency calls `hooks.sleep`, and both
are replaced here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.resilience import hooks
from mockserver.serve import access_lines, exposure_warning

TOKEN = "ambition-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
LIST = "/api/v1/npq-applications"


@pytest.fixture
def world(tmp_path: Path, ops_world: Path) -> Path:
    return ops_world


@pytest.fixture
def now(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    moment = [1_800_000_000.0]  # the start of a 300 s window
    monkeypatch.setattr(hooks, "clock", lambda: moment[0])
    yield moment


@pytest.fixture
def slept(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    calls: list[float] = []
    monkeypatch.setattr(hooks, "sleep", calls.append)
    return calls


def _client(world: Path, **settings: Any) -> Any:
    return create_app(Settings(db_path=world, **settings)).test_client()


# --- R-17 ---


def test_rate_limit_is_off_by_default(world: Path, now: list[float]) -> None:
    client = _client(world)
    assert client.get("/__mock__/settings").get_json()["rate_limit"] is False
    client.put("/__mock__/settings", json={"rate_limit_requests": 2})
    assert {client.get(LIST, headers=AUTH).status_code for _ in range(5)} == {200}


def test_rate_limit_answers_rack_attacks_429_after_the_budget(world: Path, now: list[float]) -> None:
    client = _client(world)
    answer = client.put("/__mock__/settings", json={"rate_limit": True, "rate_limit_requests": 3})
    assert answer.get_json()["rate_limit"] is True and answer.get_json()["rate_limit_period"] == 300
    assert [client.get(LIST, headers=AUTH).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(LIST, headers=AUTH)
    assert (refused.status_code, refused.data, refused.mimetype) == (429, b"Retry later\n", "text/plain")
    assert "Retry-After" not in refused.headers
    # Per Authorization value: another provider (or the same token spelt differently) has its own budget.
    assert client.get(LIST, headers={"Authorization": "Bearer coe-token"}).status_code == 200
    assert client.get(LIST, headers={"Authorization": f"Token {TOKEN}"}).status_code == 200
    # An unknown token is counted too (Rack::Attack runs before authentication) and gets its 401 first.
    assert client.get(LIST, headers={"Authorization": "Bearer nobody"}).status_code == 401
    # Not the testing API, and not a request without Authorization (its 401 is the API's own).
    assert client.get("/__mock__/settings", headers=AUTH).status_code == 200
    assert client.get(LIST).status_code == 401
    now[0] += 300  # the next window
    assert client.get(LIST, headers=AUTH).status_code == 200


def test_rate_limit_is_shared_by_every_process_on_the_world(world: Path, now: list[float]) -> None:
    first, second = _client(world, rate_limit=True), _client(world, rate_limit=True)
    first.put("/__mock__/settings", json={"rate_limit_requests": 4})
    statuses = [(first if i % 2 else second).get(LIST, headers=AUTH).status_code for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_rate_limit_switch_from_the_command_line_and_the_settings(world: Path, now: list[float]) -> None:
    client = _client(world, rate_limit=True)
    assert client.get("/__mock__/settings").get_json()["rate_limit"] is True
    client.put("/__mock__/settings", json={"rate_limit": False})
    assert client.get("/__mock__/settings").get_json()["rate_limit"] is False
    client.post("/__mock__/reset")  # the switches describe the server, not the world: kept
    assert client.get("/__mock__/settings").get_json()["rate_limit"] is False


@pytest.mark.parametrize(
    "body, attribute",
    [
        ({"rate_limit": "yes"}, "rate_limit"),
        ({"rate_limit_requests": 0}, "rate_limit_requests"),
        ({"rate_limit_period": 1.5}, "rate_limit_period"),
    ],
)
def test_rate_limit_settings_are_validated(world: Path, body: dict, attribute: str) -> None:
    client = _client(world)
    answer = client.put("/__mock__/settings", json={"delivery_partner_rule": False, **body})
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["title"] == attribute
    assert client.get("/__mock__/settings").get_json()["delivery_partner_rule"] is True  # nothing stored


def test_rate_limit_keeps_no_token(world: Path, now: list[float]) -> None:
    client = _client(world, rate_limit=True)
    client.get(LIST, headers=AUTH)
    limits = Path(f"{world}.limits.sqlite3")
    stored = b"".join(p.read_bytes() for p in limits.parent.glob(limits.name + "*"))
    assert stored and TOKEN.encode() not in stored


# --- fault profiles ---

PROFILE = {
    "seed": 11,
    "rules": [
        {"path": "/api/v1/participant-declarations*", "methods": ["POST"], "status": 500},
        {"path": "/api/v*/npq-applications*", "status": 503, "rate": 0.4, "retry_after": 2, "latency_ms": 5},
    ],
}


def test_faults_are_off_by_default(world: Path) -> None:
    client = _client(world)
    assert client.get("/__mock__/faults").get_json() == {"faults": None}


def test_a_seeded_profile_gives_the_same_faults_each_time(world: Path, slept: list[float]) -> None:
    client = _client(world)
    runs = []
    for _ in range(2):
        assert client.put("/__mock__/faults", json=PROFILE).status_code == 200
        runs.append([client.get(LIST, headers=AUTH).status_code for _ in range(30)])
    assert runs[0] == runs[1]
    assert 3 <= runs[0].count(503) <= 20 and runs[0].count(200) >= 8  # about 40 %
    assert slept == [0.005] * 60  # every matching request is delayed, failed or not
    failed = next(r for r in [client.get(LIST, headers=AUTH) for _ in range(20)] if r.status_code == 503)
    assert failed.get_json() == {"error": "Service unavailable"} and failed.headers["Retry-After"] == "2"
    assert failed.headers["X-NPQ-Mock-Fault-Applied"] == "latency=5ms, status=503"


def test_profile_rules_match_path_and_method_and_never_the_testing_api(world: Path) -> None:
    client = _client(world)
    client.put("/__mock__/faults", json=PROFILE)
    post = client.post("/api/v1/participant-declarations", json={}, headers=AUTH)
    assert (post.status_code, post.get_json()) == (500, {"error": "Internal server error"})
    assert client.get("/api/v1/participant-declarations", headers=AUTH).status_code == 200  # GET: no rule
    assert client.post("/api/v2/participant-declarations", json={}, headers=AUTH).status_code != 500
    client.put("/__mock__/faults", json={"rules": [{"path": "*", "status": 503}]})
    assert client.get("/__mock__/settings").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.delete("/__mock__/faults").get_json() == {"faults": None}
    assert client.get(LIST, headers=AUTH).status_code == 200


def test_profiles_are_shared_by_every_process(world: Path) -> None:
    first, second = _client(world), _client(world)
    first.put("/__mock__/faults", json={"rules": [{"status": 503}]})
    assert second.get(LIST, headers=AUTH).status_code == 503


def test_a_process_that_already_read_the_switches_sees_another_ones_change_at_once(world: Path) -> None:
    """Each process keeps the switches it decoded until the counters file changes: the next request after
    another process's change must see it (and the change back)."""
    first, second = _client(world), _client(world)
    assert second.get(LIST, headers=AUTH).status_code == 200  # second has read (and kept) the switches
    first.put("/__mock__/faults", json={"rules": [{"status": 503}]})
    assert second.get(LIST, headers=AUTH).status_code == 503
    first.delete("/__mock__/faults")
    assert second.get(LIST, headers=AUTH).status_code == 200


@pytest.mark.parametrize(
    "profile, attribute",
    [
        ({}, "rules"),
        ({"rules": []}, "rules"),
        ({"rules": [{"path": "/api/*"}]}, "rules[0]"),
        ({"rules": [{"status": 404}]}, "rules[0].status"),
        ({"rules": [{"status": 503, "reset": True}]}, "rules[0]"),
        ({"rules": [{"latency_ms": 10**9}]}, "rules[0].latency_ms"),
        ({"rules": [{"status": 500, "rate": 2}]}, "rules[0].rate"),
        ({"rules": [{"status": 500, "path": "api"}]}, "rules[0].path"),
        ({"rules": [{"status": 500, "methods": "GET"}]}, "rules[0].methods"),
        ({"seed": -1, "rules": [{"status": 500}]}, "seed"),
    ],
)
def test_profiles_are_validated(world: Path, profile: dict, attribute: str) -> None:
    answer = _client(world).put("/__mock__/faults", json=profile)
    assert answer.status_code == 422 and answer.get_json()["errors"][0]["title"] == attribute


def test_one_request_asks_for_its_own_fault(world: Path, slept: list[float]) -> None:
    client = _client(world)
    answer = client.get(LIST, headers={**AUTH, "X-NPQ-Mock-Fault": "status=502, latency=1s"})
    assert answer.status_code == 502 and answer.mimetype == "text/html" and slept == [1.0]
    answer = client.get("/api/v3/npq-applications", headers={**AUTH, "X-NPQ-Mock-Fault": "latency=250ms"})
    assert answer.status_code == 200 and slept == [1.0, 0.25]
    cut = client.get(LIST, headers={**AUTH, "X-NPQ-Mock-Fault": "reset"}, buffered=False)
    assert int(cut.headers["Content-Length"]) > len(b"".join(cut.response))  # promised more than sent
    bad = client.get(LIST, headers={**AUTH, "X-NPQ-Mock-Fault": "status=418"})
    assert bad.status_code == 400 and bad.get_json()["errors"][0]["title"] == "X-NPQ-Mock-Fault"
    assert client.get("/__mock__/clock", headers={"X-NPQ-Mock-Fault": "status=500"}).status_code == 200


# --- who may use the testing API ---


def test_a_testing_api_token_guards_every_testing_call(world: Path) -> None:
    client = _client(world, testing_api_token="s3cret-admin")
    for method, path in (
        ("GET", "/__mock__/lead-providers"),
        ("POST", "/__mock__/reset"),
        ("PUT", "/__mock__/faults"),
        ("GET", "/__mock__/journal"),
    ):
        refused = client.open(path, method=method, json={})
        assert refused.status_code == 403, path
        assert refused.headers["X-NPQ-Mock-Rule"] == "testing_api.admin_required"
        assert "X-NPQ-Mock-Admin" in refused.json["error"]
        assert (
            client.open(path, method=method, json={}, headers={"X-NPQ-Mock-Admin": "wrong"}).status_code
            == 403
        )
    admin = {"X-NPQ-Mock-Admin": "s3cret-admin"}
    assert client.get("/__mock__/lead-providers", headers=admin).status_code == 200
    created = client.post("/__mock__/applications", json={}, headers={**admin, **AUTH})
    assert created.status_code == 201  # the bearer token still names the owner
    assert client.get(LIST, headers=AUTH).status_code == 200  # the API itself is not guarded
    client.get(LIST + "?oops=s3cret-admin", headers=AUTH)  # sent where it does not belong: masked
    entries = client.get("/__mock__/journal?limit=100", headers=admin).get_json()["data"]
    assert entries and "s3cret-admin" not in str(entries)
    journal = b"".join(p.read_bytes() for p in world.parent.glob(world.name + ".requests.sqlite3*"))
    assert b"s3cret-admin" not in journal
    assert "s3cret-admin" not in repr(Settings(testing_api_token="s3cret-admin"))


def test_no_testing_api_answers_404_everywhere_under_mock(world: Path) -> None:
    client = _client(world, testing_api=False)
    for path in ("/__mock__/lead-providers", "/__mock__/journal", "/__mock__/faults", "/__mock__/"):
        answer = client.get(path)
        assert (answer.status_code, answer.get_json()) == (404, {"error": "Resource not found"}), path
    assert client.get(LIST, headers=AUTH).status_code == 200


def test_the_banner_says_who_may_use_the_testing_api() -> None:
    base = "http://127.0.0.1:8000"
    assert "open" in access_lines(Settings(), base)[0]
    guarded = access_lines(Settings(testing_api_token="t0k3n"), base)
    assert "X-NPQ-Mock-Admin" in guarded[0] and "t0k3n" not in "".join(guarded)
    assert "off" in access_lines(Settings(testing_api=False), base)[0]
    assert any("R-17" in line for line in access_lines(Settings(rate_limit=True), base))


@pytest.mark.parametrize(
    "settings, warned",
    [
        (Settings(), False),
        (Settings(host="localhost"), False),
        (Settings(host="0.0.0.0"), True),
        (Settings(host="192.168.1.4"), True),
        (Settings(host="0.0.0.0", testing_api_token="x"), False),
        (Settings(host="0.0.0.0", testing_api=False), False),
    ],
)
def test_a_public_address_with_an_open_testing_api_is_warned_about(settings: Settings, warned: bool) -> None:
    assert (exposure_warning(settings) is not None) is warned


def test_new_settings_travel_to_the_workers() -> None:
    settings = Settings(rate_limit=True, testing_api_token="abc", testing_api=False)
    assert Settings.from_env(settings.to_env()) == settings
    from mockserver.cli import parser

    args = parser().parse_args(["serve", "--rate-limit", "--testing-api-token", "abc", "--no-testing-api"])
    assert (args.rate_limit, args.testing_api_token, args.testing_api) == (True, "abc", False)
    args = parser().parse_args(["serve"])
    assert (args.rate_limit, args.testing_api_token, args.testing_api) == (None, None, None)
