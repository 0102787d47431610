"""npq-mock: help a newcomer can follow, `seed` builds a file, `serve` starts granian, answers, stops cleanly."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mockserver.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_help_explains_what_it_is_how_to_run_it_and_the_tokens(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    text = capsys.readouterr().out
    for expected in ("NPQ lead provider API v1", "npq-mock serve", "--db", "/__mock__/", "ambition-token",
                     "NPQ_MOCK_PORT", "curl"):
        assert expected in text


def test_serve_help_lists_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = capsys.readouterr().out
    for option in ("--host", "--port", "--seed", "--db", "--fixtures", "--applications", "--workers"):
        assert option in text


def test_seed_builds_a_world_file_and_keeps_it_unless_forced(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "world.sqlite3"
    assert main(["seed", "--db", str(target), "--applications", "40"]) == 0
    assert "npq-mock serve --db" in capsys.readouterr().out
    first = target.stat().st_mtime_ns
    assert main(["seed", "--db", str(target), "--seed", "5"]) == 0
    assert target.stat().st_mtime_ns == first  # an existing world is reopened, not rebuilt
    assert main(["seed", "--db", str(target), "--force", "--seed", "5"]) == 0
    assert main(["seed"]) == 2  # no file named


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, token: str | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", path, headers={"Authorization": f"Bearer {token}"} if token else {})
    response = connection.getresponse()
    return response.status, response.read()


def wait_for_answer(process: subprocess.Popen, port: int, attempts: int = 300) -> float:
    """Poll the port (bounded) until the testing API answers; returns the seconds it took."""
    started = time.perf_counter()
    for _ in range(attempts):
        assert process.poll() is None, "the server exited early"
        try:
            if get(port, "/__mock__/lead-providers")[0] == 200:
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.02)  # polling interval only: the answer itself is the synchronisation
    raise AssertionError("no answer within the polling budget")


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is simulated with SIGINT")
def test_serve_answers_quickly_then_stops_on_ctrl_c_and_removes_its_temporary_world() -> None:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        startup = wait_for_answer(process, port)
        status, body = get(port, "/api/v1/npq-applications?page[per_page]=5", "ambition-token")
        assert status == 200 and len(json.loads(body)["data"]) == 5
        assert get(port, "/api/v1/npq-applications")[0] == 401
        process.send_signal(signal.SIGINT)
        out, _err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert startup < 3  # about 0.6 s on a 2-core machine; generous for CI
    assert f"http://127.0.0.1:{port}/api/v1/npq-applications" in out and "ambition-token" in out
    world = re.search(r"(\S+npq-mock-\S+\.sqlite3)", out)
    assert world and not Path(world.group(1)).exists(), "the temporary world is removed on exit"
