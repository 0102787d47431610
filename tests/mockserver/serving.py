"""Helpers for tests that start a real server: a free port, a plain GET, a bounded wait for an answer."""

from __future__ import annotations

import http.client
import socket
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, token: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
    response = connection.getresponse()
    return response.status, response.read()


def wait_for_answer(process: subprocess.Popen, port: int, budget: float = 90.0) -> float:
    """Poll the port until the testing API answers; returns the seconds it took.

    The budget only stops a hang (a loaded CI machine with parallel tests can take many seconds to seed
    and start workers); how fast a server starts is measured in benchmarks/, never asserted here."""
    started = time.perf_counter()
    while time.perf_counter() - started < budget:
        assert process.poll() is None, "the server exited early"
        try:
            if get(port, "/__mock__/lead-providers")[0] == 200:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)  # polling interval only: the answer itself is the synchronisation
    raise AssertionError("no answer within the polling budget")
