"""Pages and records answered in front of Flask (mockserver/stored_reads.py) are exactly Flask's answers.

Each request is sent twice to one app: once as it comes (the stored-reads layer may answer it) and once with
the layer's record functions hidden (Flask answers). Status, headers, body and the journal entry must be
the same; for the plain cases the layer must really have answered (Flask's dispatch not called).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.pages.journal import journal
from mockserver.resilience import hooks
from mockserver.routes.common import READ_ROUTES
from tests.mockserver.spec_validation import validating

AUTH = {"Authorization": "Bearer ambition-token"}
OTHER = {"Authorization": "Bearer ucl-token"}
COLLECTIONS = {"applications": "npq-applications", "participants": "participants/npq",
               "declarations": "participant-declarations"}
_TIMING = ("id", "at", "duration_ms")


class Twin:
    """One app, asked each request with and without its stored-reads layer."""

    def __init__(self, world: Path) -> None:
        self.app = validating(create_app(Settings(db_path=world)))
        self.client = self.app.test_client()  # checks every response against the OpenAPI documents
        self.unchecked = FlaskClient(self.app)  # for injected faults, which no document describes
        self.dispatched = 0
        flask_dispatch = self.app.full_dispatch_request

        def counted() -> Any:
            self.dispatched += 1
            return flask_dispatch()

        self.app.full_dispatch_request = counted  # type: ignore[method-assign]

    def _answer(self, method: str, url: str, headers: dict[str, str]) -> tuple[Any, bool]:
        before = self.dispatched
        # Injected faults, HEAD and most `.csv` twins of JSON routes are not in the documents.
        undocumented = "X-NPQ-Mock-Fault" in headers or method == "HEAD" or ".csv" in url
        client = self.unchecked if undocumented else self.client
        answer = client.open(url, method=method, headers=headers)
        book = journal(self.app)
        book.flush()
        entry = book.entries(limit=1)[0]
        return (answer.status, list(answer.headers.items()), answer.get_data(),
                {k: v for k, v in entry.items() if k not in _TIMING}), self.dispatched == before

    def compare(self, url: str, headers: dict[str, str] | None = None, method: str = "GET") -> bool:
        """Assert both answers are the same; whether the layer answered."""
        headers = {**AUTH, **(headers or {})}
        layered, in_front = self._answer(method, url, headers)
        routes = self.app.extensions.pop(READ_ROUTES)
        try:
            plain, flask_only = self._answer(method, url, headers)
        finally:
            self.app.extensions[READ_ROUTES] = routes
        assert not flask_only
        assert layered == plain
        return in_front

    def first_id(self, kind: str, version: str = "v3", headers: dict[str, str] = AUTH) -> str:
        answer = self.client.get(f"/api/{version}/{COLLECTIONS[kind]}?page[per_page]=1", headers=headers)
        return answer.get_json()["data"][0]["id"]


@pytest.fixture
def twin(ops_world: Path, caplog: pytest.LogCaptureFixture) -> Iterator[Twin]:
    made = Twin(ops_world)
    made.client.get("/api/v1/npq-applications?page[per_page]=1", headers=AUTH)  # the journal reads the world
    yield made
    # A plain read that failed in front of Flask is answered by Flask, and logged: none may have failed.
    assert not [r for r in caplog.get_records("call") if r.name == "mockserver.stored_reads"]


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
@pytest.mark.parametrize("kind", list(COLLECTIONS))
def test_a_record_of_ones_own_is_answered_in_front_of_flask_exactly_as_flask_would(
    twin: Twin, version: str, kind: str
) -> None:
    record = twin.first_id(kind, version)
    url = f"/api/{version}/{COLLECTIONS[kind]}/{record}"
    assert twin.compare(url)
    assert twin.compare(url.upper().replace("/API/V", "/api/v").replace(COLLECTIONS[kind].upper(),
                                                                         COLLECTIONS[kind]))


@pytest.mark.parametrize("kind", list(COLLECTIONS))
def test_refusals_and_unusual_requests_go_to_flask(twin: Twin, kind: str) -> None:
    record = twin.first_id(kind)
    url = f"/api/v3/{COLLECTIONS[kind]}/{record}"
    theirs = twin.first_id(kind, headers=OTHER)
    for case, headers in [
        (f"/api/v3/{COLLECTIONS[kind]}/{theirs}", {}),  # another provider's: 404
        (f"/api/v3/{COLLECTIONS[kind]}/00000000-0000-4000-8000-000000000000", {}),  # no such record
        (f"/api/v3/{COLLECTIONS[kind]}/not-a-uuid", {}),
        (url + ".csv", {}), (url + "?x=1", {}),
        (url, {"X-With-Server-Date": "2025-01-01T00:00:00Z"}),
        (url, {"X-NPQ-Mock-Fault": "status=503"}),
        (url, {"X-NPQ-Mock-World": "nowhere"}),
        (url, {"Authorization": "Bearer wrong"}),
        (url, {"Authorization": ""}),
        (f"/api/v9/{COLLECTIONS[kind]}/{record}", {}),
    ]:
        assert not twin.compare(case, headers), case
    assert not twin.compare(url, method="HEAD")


def test_a_retired_participant_id_is_flask_s_410(twin: Twin) -> None:
    source, target = (p["id"] for p in twin.client.get(
        "/api/v3/participants/npq?page[per_page]=2", headers=AUTH).get_json()["data"])
    changed = twin.client.post("/__mock__/participant-id-changes",
                               json={"from_participant_id": source, "to_participant_id": target})
    assert changed.status_code == 201
    assert not twin.compare(f"/api/v3/participants/npq/{source}")
    assert twin.client.get(f"/api/v3/participants/npq/{source}", headers=AUTH).status_code == 410


def test_with_a_fault_profile_or_r17_on_flask_answers(twin: Twin, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "sleep", lambda _seconds: None)
    url = f"/api/v3/npq-applications/{twin.first_id('applications')}"
    profile = {"seed": 3, "rules": [{"path": "/api/v3/participants*", "status": 503}]}
    assert twin.client.put("/__mock__/faults", json=profile).status_code == 200
    assert not twin.compare(url)  # the profile has no rule for this path, but it counts every request
    assert twin.client.delete("/__mock__/faults").status_code == 200
    assert twin.compare(url)
    settings = twin.client.put("/__mock__/settings", json={"rate_limit": True, "rate_limit_requests": 1000})
    assert settings.status_code == 200
    assert not twin.compare(url)


def test_a_created_world_is_answered_in_front_too_and_its_own_faults_send_it_to_flask(
    twin: Twin, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hooks, "sleep", lambda _seconds: None)
    made = twin.client.post("/__mock__/worlds", json={})
    assert made.status_code == 201
    providers = made.get_json()["data"]["lead_providers"]
    token = next(p["token"] for p in providers if p["name"] == "Ambition Institute")
    headers = {"Authorization": f"Bearer {token}"}
    created = twin.client.post("/__mock__/applications", json={"data": {"attributes": {}}}, headers=headers)
    assert created.status_code == 201
    record = created.get_json()["data"]["id"]
    assert twin.client.post(f"/api/v3/npq-applications/{record}/reject", headers=headers).status_code == 200
    url = f"/api/v3/npq-applications/{record}"
    assert twin.compare(url, headers) and twin.compare("/api/v3/npq-applications?page[per_page]=3", headers)
    assert twin.client.get(url, headers=headers).get_json()["data"]["attributes"]["status"] == "rejected"
    assert twin.client.get(url, headers=AUTH).status_code == 404  # made in that world only
    world_id = made.get_json()["data"]["id"]
    profile = {"seed": 3, "rules": [{"path": "/api/v3/participants*", "status": 503}]}
    put = twin.client.put("/__mock__/faults", json=profile, headers={"X-NPQ-Mock-World": world_id})
    assert put.status_code == 200
    assert not twin.compare(url, headers)  # that world's profile counts its requests
    default_record = twin.first_id("applications")
    assert twin.compare(f"/api/v3/npq-applications/{default_record}")  # the default world has none


PAGES = [
    "", "?page[per_page]=3&page[page]=2", "?page[per_page]=2&page[page]=999", "?page[per_page]=3000",
    "?filter[updated_since]=2024-01-01T00:00:00Z&page[per_page]=5",
    "?filter[cohort]=2024,2025&page[per_page]=4", "?sort=-updated_at&page[per_page]=3",
    "?sort=created_at&page[per_page]=3", "?filter[training_status]=active",
    "?page[per_page]=2&unknown=1&filter[participant_id]=00000000-0000-4000-8000-000000000000",
    "?page%5Bper_page%5D=2", "?page[per_page]=1&page[per_page]=2",
]
REFUSED_PAGES = [
    "?filter=abc", "?filter[]=x", "?page[per_page]=0", "?page[page]=-1", "?page[per_page]=abc",
    "?filter[updated_since]=yesterday", "?filter[cohort]=1066", "?sort=colour", "?filter[training_status]=x",
]


@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
@pytest.mark.parametrize("kind", list(COLLECTIONS))
def test_pages_are_answered_exactly_as_flask_would(twin: Twin, version: str, kind: str) -> None:
    base = f"/api/{version}/{COLLECTIONS[kind]}"
    answered = [query for query in PAGES if twin.compare(base + query)]
    assert answered == PAGES  # every valid query is answered in front (none needs Flask's request object)
    for query in REFUSED_PAGES:
        twin.compare(base + query)  # the same answer, whoever gives it (some are no refusal in some versions)
    assert not twin.compare(base + ".csv?page[per_page]=2")
    assert not twin.compare(base, {"Authorization": "Bearer wrong"})


def test_a_refused_page_is_flask_s(twin: Twin) -> None:
    assert not twin.compare("/api/v3/npq-applications?filter=abc")  # V-31: 400
    assert not twin.compare("/api/v3/npq-applications?page[per_page]=abc")
    assert not twin.compare("/api/v3/participants/npq?filter[training_status]=x")  # V-35: 422
