"""Real concurrency against served instances: racing writes are serialised, never doubled.

Two servers: granian as `npq-mock serve` runs it (two worker processes on one SQLite file), and werkzeug's
threaded server (many threads in one process). Threads line up on a barrier, no sleeps.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest
from werkzeug.serving import make_server

from mockserver.config import Settings
from tests.mockserver.serving import REPO, free_port, wait_for_answer

TOKEN = "ambition-token"
Send = Callable[[str, str, dict | None], tuple[int, dict]]


def sender(port: int) -> Send:
    def send(method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
            connection.request(method, path, body=json.dumps(body) if body is not None else None,
                               headers=headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"{}")
        finally:
            connection.close()
    return send


@pytest.fixture(scope="module", params=["granian", "werkzeug-threads"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Send]:
    world = tmp_path_factory.mktemp("served") / "world.sqlite3"
    port = free_port()
    if request.param == "granian":
        command = [sys.executable, "-m", "mockserver.cli", "serve", "--db", str(world), "--port", str(port),
                   "--applications", "80"]
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            wait_for_answer(process, port)
            yield sender(port)
        finally:
            os.killpg(process.pid, signal.SIGINT)
            process.wait(timeout=30)
        return
    from mockserver.app import create_app

    app = create_app(Settings(db_path=world, applications=80))
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sender(port)
    finally:
        server.shutdown()
        thread.join(timeout=30)


def race(calls: list[Callable[[], tuple[int, dict]]]) -> list[tuple[int, dict]]:
    """Run the calls at the same instant, one thread each, and return their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[tuple[int, dict] | None] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait(timeout=30)
        answers[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(answers), "every racer answered"
    return answers  # type: ignore[return-value]


def new_application(send: Send, **attributes: object) -> dict:
    status, body = send("POST", "/__mock__/applications", {"data": {"attributes": {
        "cohort": 2023, "course_identifier": "npq-headship", "eligible_for_funding": True, **attributes}}})
    assert status == 201, body
    return body["data"]


@pytest.mark.parametrize("attempt", range(5))
def test_two_simultaneous_accepts_of_one_application_give_one_200_and_one_422(served: Send,
                                                                              attempt: int) -> None:
    app = new_application(served)
    url = f"/api/v1/npq-applications/{app['id']}/accept"
    answers = race([lambda: served("POST", url, None)] * 2)
    assert sorted(status for status, _ in answers) == [200, 422]
    refused = next(body for status, body in answers if status == 422)
    assert refused == {"errors": [{"title": "application",
                                   "detail": "This NPQ application has already been accepted"}]}


@pytest.mark.parametrize("attempt", range(5))
def test_two_simultaneous_identical_declarations_create_exactly_one(served: Send, attempt: int) -> None:
    # The seeded 2023 statements end in January 2025 (V-93): declare while the cohort's funding is open.
    assert served("PUT", "/__mock__/clock", {"now": "2024-06-01T12:00:00Z"})[0] == 200
    try:
        _race_declarations(served)
    finally:
        served("PUT", "/__mock__/clock", {"now": None})


def _race_declarations(served: Send) -> None:
    app = new_application(served, status="accepted", schedule_identifier="npq-leadership-autumn",
                          created_at="2023-09-01T10:00:00Z")
    person = app["attributes"]["participant_id"]
    body = {"data": {"type": "participant-declaration", "attributes": {
        "participant_id": person, "declaration_type": "started", "declaration_date": "2023-11-01T10:00:00Z",
        "course_identifier": "npq-headship"}}}
    answers = race([lambda: served("POST", "/api/v1/participant-declarations", body)] * 2)
    assert sorted(status for status, _ in answers) == [200, 422], answers
    status, listed = served("GET", f"/api/v1/participant-declarations?filter[participant_id]={person}", None)
    assert status == 200 and len(listed["data"]) == 1


def test_racing_testing_api_creations_all_succeed_with_distinct_records(served: Send) -> None:
    answers = race([lambda: served("POST", "/__mock__/applications", None)] * 6)
    assert [status for status, _ in answers] == [201] * 6
    assert len({body["data"]["id"] for _, body in answers}) == 6
