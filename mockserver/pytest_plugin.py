"""pytest plugin: `npq_mock`, a running NPQ mock for a Python integrator's test session.

Installed with the kit (entry point `pytest11: npq_mock`). Nothing happens unless a test asks for the
`npq_mock` fixture: then a mock over a fresh world (the default demonstration world, seeded in about 0.2 s)
is served on a free loopback port from a thread, for the whole session, and removed afterwards.

    def test_my_client_lists_applications(npq_mock):
        client = MyNpqClient(npq_mock.base_url, npq_mock.token)
        npq_mock.reset()
        created = npq_mock.create_application(status="pending", cohort=2024)
        assert created["id"] in {a.id for a in client.applications()}

Override `npq_mock_settings` (session scope) to shape the world, e.g. `{"applications": 20, "seed": 7}`
(any field of mockserver.config.Settings). The session's mock acts in a world of its own (POST
/__mock__/worlds); a test that wants a world nobody else touches asks for `npq_mock_world` instead: a fresh
world (its own tokens, records, clock and settings) made for that test and deleted after it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


class NpqMock:
    """A running mock: its URL, the providers' tokens, and helpers over its testing API."""

    def __init__(self, base_url: str, providers: list[dict[str, str]], world: str | None = None) -> None:
        self.base_url = base_url
        self.providers = providers  # [{"id", "name", "token"}, ...]
        self.tokens = [p["token"] for p in providers]
        self.token = self.tokens[0] if self.tokens else ""
        self.world = world  # the id of the world these tokens and helpers act on (None: the default one)

    def new_world(self, **options: Any) -> NpqMock:
        """A fresh, isolated world on the same server (options: seed, applications, empty, ttl_seconds)."""
        made = self._ok("POST", "/__mock__/worlds", options)["data"]
        return NpqMock(self.base_url, made["lead_providers"], made["id"])

    def delete_world(self) -> None:
        """Delete this world (its tokens answer 401 afterwards)."""
        if self.world is not None:
            self._ok("DELETE", f"/__mock__/worlds/{self.world}")

    def request(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        """(status, parsed JSON body) of one request to the mock; `token` adds a bearer header."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if self.world is not None and "/__mock__/worlds" not in path:
            headers["X-NPQ-Mock-World"] = self.world
        data = None if body is None else json.dumps(body).encode()
        call = urllib.request.Request(self.base_url + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(call, timeout=30) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode("utf-8", "replace")

    def _ok(self, method: str, path: str, body: Any = None, token: str | None = None) -> Any:
        status, payload = self.request(method, path, body, token)
        if status >= 400:
            raise AssertionError(f"npq_mock: {method} {path} answered {status}: {payload}")
        return payload

    def reset(self, seed: int | None = None, empty: bool = False) -> dict[str, Any]:
        """The world back to its seeded state (another seed, or reference data only with empty=True)."""
        body: dict[str, Any] = {"empty": empty}
        if seed is not None:
            body["seed"] = seed
        return self._ok("POST", "/__mock__/reset", body)

    def freeze_clock(self, now: str | None) -> dict[str, Any]:
        """Freeze the server's "now" (RFC 3339), or None for real time again."""
        return self._ok("PUT", "/__mock__/clock", {"now": now})

    def create_application(self, token: str | None = None, **attributes: Any) -> dict[str, Any]:
        """Create an application owned by `token`'s provider (the first by default); returns it as v1
        shows it (`{"id", "type", "attributes"}`)."""
        body = {"data": {"attributes": attributes}}
        return self._ok("POST", "/__mock__/applications", body, token or self.token)["data"]

    def set_declaration_state(self, declaration_id: str, state: str) -> dict[str, Any]:
        """DfE's payment processing: `eligible`, `payable`, `paid`, `awaiting_clawback`, `clawed_back`."""
        return self._ok("PUT", f"/__mock__/declarations/{declaration_id}/state", {"state": state})["data"]

    def settings(self, **changes: Any) -> dict[str, Any]:
        """Change switches of the simulated service (none: just read them)."""
        if not changes:
            return self._ok("GET", "/__mock__/settings")
        return self._ok("PUT", "/__mock__/settings", changes)

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """The latest requests the mock answered (filters: provider, status, path, since, limit)."""
        from urllib.parse import urlencode

        query = urlencode({k: v for k, v in filters.items() if v is not None})
        return self._ok("GET", "/__mock__/journal" + (f"?{query}" if query else ""))["data"]


@pytest.fixture(scope="session")
def npq_mock_settings() -> dict[str, Any]:
    """Override (session scope) to shape the mock's world: any mockserver.config.Settings field."""
    return {}


@pytest.fixture(scope="session")
def npq_mock(npq_mock_settings: dict[str, Any]) -> Iterator[NpqMock]:
    """A running NPQ mock for the session: `.base_url`, `.token`, `.tokens`, and testing-API helpers."""
    from werkzeug.serving import make_server

    from mockserver.app import create_app
    from mockserver.config import Settings

    folder = Path(tempfile.mkdtemp(prefix="npq-mock-pytest-"))
    try:
        settings = Settings(**{"db_path": folder / "world.sqlite3", "host": "127.0.0.1",
                               **npq_mock_settings})
        app = create_app(settings)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="npq-mock", daemon=True)
        thread.start()
        try:
            base_url = f"http://127.0.0.1:{server.server_port}"
            session_world = NpqMock(base_url, []).new_world()
            yield session_world
        finally:
            server.shutdown()
            thread.join(timeout=10)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def npq_mock_world(npq_mock: NpqMock) -> Iterator[NpqMock]:
    """A world of this test's own on the session's mock, deleted after the test."""
    world = npq_mock.new_world()
    try:
        yield world
    finally:
        world.delete_world()
