"""npq-mock: help a newcomer can follow; `seed` builds a file; `serve` runs granian and stops cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from mockserver.cli import main
from npq_lead_provider_kit.resources import fixtures_dir
from tests.mockserver.serving import REPO, free_port, get, wait_for_answer


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


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C is simulated with SIGINT to a process group")
def test_serve_answers_quickly_then_stops_on_ctrl_c_and_removes_its_temporary_world() -> None:
    port = free_port()
    # Its own session: Ctrl-C reaches the whole group (main and workers), as from a terminal.
    process = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        wait_for_answer(process, port)  # how fast is measured in benchmarks/bench_mock.py, not asserted here
        status, body = get(port, "/api/v1/npq-applications?page[per_page]=5", "ambition-token")
        assert status == 200 and len(json.loads(body)["data"]) == 5
        assert get(port, "/api/v1/npq-applications")[0] == 401
        os.killpg(process.pid, signal.SIGINT)
        out, _err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # only the group this test started
            process.communicate()
    assert process.returncode == 0, f"exit {process.returncode}: {_err[-2000:]}"
    assert f"http://127.0.0.1:{port}/api/v1/npq-applications" in out and "ambition-token" in out
    world = re.search(r"(\S+npq-mock-\S+\.sqlite3)", out)
    assert world and not Path(world.group(1)).exists(), "the temporary world is removed on exit"


def _stopped(pid: int) -> bool:
    """Whether a process has exited (gone, or a zombie its stopped parent has not reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def _serve_then(act: Callable[[subprocess.Popen, list[int]], None]) -> tuple[int, str]:
    """Start `npq-mock serve` (its own process group), call act(process, worker pids) once it answers,
    wait for it to end; (exit code, what it printed: granian logs to stdout, so both are kept, and a rare
    failure under load can be told apart)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port)],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        wait_for_answer(process, port)
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        # granian's workers, not multiprocessing's resource tracker (which ignores SIGINT)
        workers = [int(pid) for pid in children
                   if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()]
        assert len(workers) == 2
        act(process, workers)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)  # only the group this test started
            out, err = process.communicate()
    return process.returncode, f"{out[-2000:]}\n{err[-2000:]}"


def test_ctrl_c_that_reaches_the_workers_before_the_master_still_exits_0() -> None:
    """Ctrl-C reaches the whole group; under load a worker may stop on it before granian's master has
    handled it, and granian then counts the worker as failed (exit 1). Made certain here: the master is
    paused while the workers get the SIGINT and stop, then resumed."""

    def ctrl_c_with_the_master_paused(process: subprocess.Popen, workers: list[int]) -> None:
        os.kill(process.pid, signal.SIGSTOP)
        os.killpg(process.pid, signal.SIGINT)
        deadline = time.monotonic() + 60
        while not all(_stopped(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.02)  # polling interval: the workers' exit is the synchronisation
        os.kill(process.pid, signal.SIGCONT)

    code, printed = _serve_then(ctrl_c_with_the_master_paused)
    assert code == 0, f"exit {code}: {printed}"


def test_a_worker_that_dies_is_a_failure_not_a_stop() -> None:
    """A worker killed without being asked to stop ends the server with a non-zero exit: telling a Ctrl-C
    by the workers' clean exits (serve.py) must not pass a crash off as one."""
    code, printed = _serve_then(lambda _process, workers: os.kill(workers[0], signal.SIGKILL))
    assert code == 1, f"exit {code}: {printed}"


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["serve", "--fixtures", "/nonexistent-fixtures"], {}, "cannot read /nonexistent-fixtures/"),
        (["seed", "--db", "x.sqlite3", "--fixtures", "/nonexistent-fixtures"], {}, "cannot read"),
        (["serve"], {"NPQ_MOCK_PORT": "abc"}, "NPQ_MOCK_PORT='abc' is not a whole number"),
    ],
)
def test_bad_configuration_is_one_clear_line_and_exit_2(
    argv: list[str], env: dict[str, str], message: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("npq-mock: ") and message in err and "Traceback" not in err


def test_fixtures_missing_a_key_name_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for source in fixtures_dir().glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    (tmp_path / "lead_providers.yaml").write_text("lead_providers: [{id: x, token: t}]\n")
    assert main(["serve", "--fixtures", str(tmp_path)]) == 2
    assert "lacks the key 'name'" in capsys.readouterr().err
