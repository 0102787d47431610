"""The request journal: what it records, its filters, its bounds, tokens never kept, one journal per world."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.store.journal import PRUNE_EVERY
from tests.mockserver.spec_validation import validating

AUTH = {"Authorization": "Bearer ambition-token"}
TOKENS = ("ambition-token", "best-practice-token", "coe-token", "llse-token", "niot-token",
          "school-led-token", "teach-first-token", "ucl-token")


@pytest.fixture
def client(pages_world: Path):
    # Every response (the journal's own included) is checked against the OpenAPI documents.
    return validating(create_app(Settings(db_path=pages_world))).test_client()


def _journal(client, query: str = "") -> list[dict]:
    answer = client.get("/__mock__/journal" + query)
    assert answer.status_code == 200, answer.json
    return answer.json["data"]


def test_an_entry_has_time_method_path_version_provider_status_duration_rules_bodies(client) -> None:
    first = client.get("/api/v1/npq-applications?page[per_page]=1", headers=AUTH).json["data"][0]
    client.get("/api/v1/npq-applications", headers={"Authorization": "Bearer wrong"})
    entries = _journal(client)
    refused, listed = entries[0], entries[1]
    assert listed["method"] == "GET" and listed["path"] == "/api/v1/npq-applications"
    assert listed["query"] == "page[per_page]=1" and listed["version"] == "v1" and listed["status"] == 200
    assert listed["provider"]["name"] == "Ambition Institute" and listed["rules"] == []
    assert listed["duration_ms"] > 0 and listed["at"].endswith("Z")
    assert first["id"] in listed["response"]["body"]
    assert listed["conformance"] == {"conforms": True, "document": "npq-lead-provider-v1.yaml",
                                     "operation": "listApplications", "issues": []}
    assert refused["status"] == 401 and refused["rules"] == ["auth.access_denied"]
    assert refused["provider"] is None and refused["authorised"] is True
    assert '"Authorization: Bearer $NPQ_TOKEN"' in refused["curl"]


def test_a_refused_write_keeps_its_rule_codes_body_and_a_replaying_curl(client) -> None:
    app_id = client.get("/api/v1/npq-applications", headers=AUTH).json["data"][0]["id"]
    body = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": "maybe", "colour": 1}}}
    answer = client.post(f"/api/v1/npq-applications/{app_id}/accept", headers=AUTH, json=body)
    entry = _journal(client, "?limit=1")[0]
    assert entry["status"] == answer.status_code
    assert entry["rules"] == answer.headers["X-NPQ-Mock-Rule"].split(",")
    assert json.loads(entry["request"]["body"]) == body
    assert entry["response"]["body"] == answer.get_data(as_text=True)
    assert "/data/attributes/colour: unknown member (the real service ignores it)" in \
        entry["conformance"]["issues"]
    assert entry["conformance"]["conforms"] is False
    assert entry["curl"].startswith(f"curl -sS -X POST http://localhost/api/v1/npq-applications/{app_id}/accept")
    assert "--data-raw" in entry["curl"] and "Content-Type: application/json" in entry["curl"]
    assert client.get(f"/__mock__/journal/{entry['id']}").json["data"] == entry


def test_several_rule_codes_are_split(pages_world: Path) -> None:
    from flask import Response

    app = create_app(Settings(db_path=pages_world))
    client = app.test_client()

    @app.get("/api/v1/__several")
    def _several() -> Response:
        return Response("{}", 422, headers={"X-NPQ-Mock-Rule": "rule.one,rule.two"})

    client.get("/api/v1/__several", headers=AUTH)
    assert _journal(client, "?limit=1")[0]["rules"] == ["rule.one", "rule.two"]


def test_unknown_query_parameters_are_reported_not_refused(client) -> None:
    client.get("/api/v1/npq-applications?filter[colour]=red&sort=name", headers=AUTH)
    issues = _journal(client, "?limit=1")[0]["conformance"]["issues"]
    assert any("filter[colour]" in issue for issue in issues) and any("'sort'" in issue for issue in issues)


def test_tokens_never_appear_in_the_journal(client) -> None:
    client.get("/__mock__/lead-providers")  # answers with every token
    client.get("/api/v1/npq-applications?token=ucl-token", headers=AUTH)
    client.get("/api/v1/npq-applications", headers={"Authorization": "Bearer not-a-real-one"})
    text = json.dumps(_journal(client))
    assert not [token for token in (*TOKENS,) if token in text]
    assert "[token]" in text


def test_filters_provider_status_path_since_after_id_limit(client) -> None:
    client.get("/api/v1/npq-applications", headers=AUTH)
    client.get("/api/v1/participants/npq", headers={"Authorization": "Bearer ucl-token"})
    client.get("/api/v1/npq-applications", headers={"Authorization": "Bearer wrong"})
    client.get("/__mock__/clock")
    assert [e["path"] for e in _journal(client, "?provider=Ambition%20Institute")] == \
        ["/api/v1/npq-applications"]
    ucl = _journal(client, "?limit=1&path=participants")[0]["provider"]["id"]
    assert len(_journal(client, f"?provider={ucl}")) == 1
    assert [e["status"] for e in _journal(client, "?status=4xx")] == [401]
    assert len(_journal(client, "?status=200")) == 3
    assert [e["path"] for e in _journal(client, "?path=__mock__")] == ["/__mock__/clock"]
    assert len(_journal(client, "?since=2000-01-01T00:00:00Z")) == 4
    assert _journal(client, "?since=2999-01-01T00:00:00%2B01:00") == []
    newest = _journal(client, "?limit=1")
    assert len(newest) == 1 and _journal(client, f"?after_id={newest[0]['id']}") == []


@pytest.mark.parametrize("query", ["limit=0", "limit=1001", "limit=ten", "limit=-1", "since=yesterday",
                                   "since=2025-13-01T00:00:00Z", "status=200x", "status=9xx",
                                   "after_id=x"])
def test_bad_parameters_are_400_in_the_errors_envelope(client, query: str) -> None:
    answer = client.get("/__mock__/journal?" + query)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["title"] == "Bad request" and answer.json["errors"][0]["detail"]


@pytest.mark.parametrize("entry", ["0", "abc", "99999999999999999999999", "-1"])
def test_unknown_entries_are_404(client, entry: str) -> None:
    assert client.get(f"/__mock__/journal/{entry}").status_code == 404


def test_delete_forgets_every_entry(client) -> None:
    client.get("/api/v1/npq-applications", headers=AUTH)
    client.get("/api/v1/npq-applications", headers=AUTH)
    assert client.delete("/__mock__/journal").json == {"deleted": 2}
    assert _journal(client) == []


def test_pages_and_the_journal_itself_are_not_journalled(client) -> None:
    from flask.testing import FlaskClient

    pages = FlaskClient(client.application)  # no validation: the pages are outside the documents
    for path in ("/", "/healthz", "/journal", "/docs/v1", "/docs/v1/openapi.json", "/__mock__/journal"):
        pages.get(path)
    assert _journal(client) == []


def test_the_journal_is_a_ring_of_the_latest_n(pages_world: Path) -> None:
    client = create_app(Settings(db_path=pages_world, journal_size=5)).test_client()
    for page in range(1, PRUNE_EVERY * 2 + 3):
        client.get(f"/__mock__/clock?n={page}")
    entries = client.get("/__mock__/journal?limit=1000").json["data"]
    last = PRUNE_EVERY * 2 + 2
    assert [e["query"] for e in entries] == [f"n={page}" for page in range(last, last - 5, -1)]
    from mockserver.pages.journal import journal

    stored = journal(client.application).conn().execute("SELECT COUNT(*) FROM journal").fetchone()[0]
    assert stored <= 5 + PRUNE_EVERY


def test_every_worker_writes_to_one_journal(pages_world: Path) -> None:
    # Two apps over one world file stand for two granian worker processes.
    first = create_app(Settings(db_path=pages_world)).test_client()
    second = create_app(Settings(db_path=pages_world)).test_client()
    first.get("/api/v1/npq-applications", headers=AUTH)
    second.get("/api/v1/participants/npq", headers=AUTH)
    # Each process's writer thread stores its requests within FLUSH_SECONDS; a reader flushes its own.
    deadline = time.monotonic() + 30  # only stops a hang: a loaded machine may be slow to flush
    for client in (second, first):
        while True:
            paths = [e["path"] for e in client.get("/__mock__/journal").json["data"]]
            if len(paths) == 2 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        assert sorted(paths) == ["/api/v1/npq-applications", "/api/v1/participants/npq"]


def test_journal_size_zero_turns_it_off(pages_world: Path) -> None:
    client = create_app(Settings(db_path=pages_world, journal_size=0)).test_client()
    client.get("/api/v1/npq-applications", headers=AUTH)
    answer = client.get("/__mock__/journal")
    assert answer.status_code == 404 and answer.json["errors"][0]["title"] == "Journal off"
    assert not Path(f"{pages_world}.requests.sqlite3").exists()


def test_journal_size_from_the_command_line_and_environment() -> None:
    from mockserver.cli import parser

    args = parser().parse_args(["serve", "--journal-size", "50"])
    assert args.journal_size == 50
    assert Settings.from_env({"NPQ_MOCK_JOURNAL_SIZE": "7"}).journal_size == 7
    assert Settings(journal_size=9).to_env()["NPQ_MOCK_JOURNAL_SIZE"] == "9"


def test_a_long_response_is_kept_to_its_first_16_kib_and_marked_cut(client) -> None:
    answer = client.get("/api/v1/npq-applications?page[per_page]=100", headers=AUTH)
    assert len(answer.data) > 16 * 1024
    kept = _journal(client, "?limit=1")[0]["response"]
    assert kept["truncated"] is True
    assert kept["body"].encode() == answer.data[:16 * 1024]


def test_a_response_of_exactly_16_kib_is_kept_whole() -> None:
    from mockserver.pages.journal import BODY_LIMIT, Journal

    book = Journal(Path("unused.sqlite3"), 10)
    book._tokens = ()
    assert book._text(b"x" * BODY_LIMIT) == (b"x" * BODY_LIMIT, 0)
    assert book._text(b"x" * (BODY_LIMIT + 1)) == (b"x" * BODY_LIMIT, 1)


def test_a_new_journal_file_has_pages_an_entry_fits_in(tmp_path: Path) -> None:
    """16 KiB of each body per entry: in 64 KiB pages an entry needs no overflow chain (cheaper to write
    and to prune); an existing file keeps the page size it was made with."""
    import sqlite3

    from mockserver.store.journal import PAGE_SIZE, JournalStore

    JournalStore(tmp_path / "new.sqlite3", 10).conn()
    assert sqlite3.connect(tmp_path / "new.sqlite3").execute("PRAGMA page_size").fetchone()[0] == PAGE_SIZE
    sqlite3.connect(tmp_path / "old.sqlite3").execute("CREATE TABLE t (x)")
    JournalStore(tmp_path / "old.sqlite3", 10).record_many([])
    assert sqlite3.connect(tmp_path / "old.sqlite3").execute("PRAGMA page_size").fetchone()[0] == 4096


def test_requests_still_queued_when_the_process_exits_are_stored(tmp_path: Path) -> None:
    """The writer stores every 50 ms; a process that exits sooner (a script, a test run) still leaves its
    requests in the journal (the flush at exit runs before anything stops the writer)."""
    import sqlite3
    import subprocess
    import sys

    world = tmp_path / "w.sqlite3"
    script = (
        "from mockserver.app import create_app\n"
        "from mockserver.config import Settings\n"
        f"client = create_app(Settings(db_path={str(world)!r}, applications=5)).test_client()\n"
        "for _ in range(3):\n"
        "    client.get('/api/v1/npq-applications', headers={'Authorization': 'Bearer ambition-token'})\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    journal = sqlite3.connect(f"{world}.requests.sqlite3")
    assert journal.execute("SELECT COUNT(*) FROM journal").fetchone()[0] == 3
