"""Serve WSGI apps on 127.0.0.1 over real HTTP and run the contract suite against them.

The suite runs in this process (`pytest.main`, its run state on its own config), except where the CLI's
exit code is the point (`run_cli`, a real `npq-contract` subprocess). Many faults share one server: each is
mounted under its own path prefix (`FaultServer`), with its own fresh mock behind it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import io
import json
import logging
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock
from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[2]
SUITE = REPO / "contract_tests"
TOKEN = "ambition-token"
SUITE_ENV = ("NPQ_BASE_URL", "NPQ_TOKEN", "NPQ_OTHER_TOKEN", "NPQ_API_VERSION")


@contextmanager
def serve(app: Callable) -> Iterator[str]:
    """Yield the base URL of `app` served in a background thread on an ephemeral port."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request would drown the report
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@dataclass
class SuiteRun:
    returncode: int
    output: str

    def summary(self) -> str:
        found = re.search(r"NPQ lead provider API v\d contract:", self.output)
        return self.output[found.start() :] if found else self.output[-4000:]


@contextmanager
def _without_suite_env() -> Iterator[None]:
    saved = {name: os.environ.pop(name) for name in SUITE_ENV if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


class _NoCollectHarder:
    """What pytester does for runs inside a test process: no forced garbage collections when the run ends
    (pytest's hunt for unraisable exceptions), which cost ~0.3 s each in a process holding many mocks."""

    @staticmethod
    def pytest_configure(config: pytest.Config) -> None:
        try:  # the key pytester itself sets (pytest's internals: without it, runs just collect garbage)
            from _pytest.unraisableexception import gc_collect_iterations_key
        except ImportError:
            return
        config.stash[gc_collect_iterations_key] = 0


def run_suite(base_url: str, *extra: str, plugins: Iterable[object] = ()) -> SuiteRun:
    """Run the contract suite against base_url in this process, as `npq-contract` would run it
    (`plugins`: objects with pytest hooks that watch the run, for the self-tests).

    Its options, counters and results live on its own pytest config, so runs are independent; its
    Schemathesis and Hypothesis runs are seeded and use no example database, so they are repeatable.
    """
    args = [str(SUITE), "-c", str(SUITE / "pytest.ini"), "--rootdir", str(SUITE), "-q", "--tb=short"]
    args += ["--base-url", base_url, "--token", TOKEN, "-p", "no:cacheprovider", *extra]
    out = io.StringIO()
    with _without_suite_env(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = pytest.main(args, plugins=[_NoCollectHarder(), *plugins])
    return SuiteRun(int(code), out.getvalue())


def run_once_per_session(name: str, tmp_path_factory: pytest.TempPathFactory,
                         run: Callable[[], SuiteRun]) -> SuiteRun:
    """`run()` once in the whole test session, however many pytest-xdist workers ask for it.

    A module fixture is made once per worker that runs one of its tests, and worksteal spreads a module's
    tests over workers: the first to ask runs the suite, the others wait on the lock and read its result
    (pytest-xdist's recipe for work done once per session)."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return run()  # one process: a module fixture already runs once
    result = tmp_path_factory.getbasetemp().parent / f"{name}.json"  # the session's, shared by its workers
    with FileLock(f"{result}.lock"):
        if result.is_file():
            return SuiteRun(**json.loads(result.read_text()))
        made = run()
        result.write_text(json.dumps(dataclasses.asdict(made)))
        return made


def run_cli(*args: str, timeout: int = 300) -> SuiteRun:
    """Run the real `npq-contract` in a subprocess (for what only the CLI decides: its exit code)."""
    script = Path(sys.executable).with_name("npq-contract")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "contract_tests.cli"]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for name in SUITE_ENV:
        env.pop(name, None)
    proc = subprocess.run([*cmd, *args], cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env)
    return SuiteRun(proc.returncode, proc.stdout + proc.stderr)


def _mock_module(name: str) -> Any:
    # Imported late: the mock is only needed here, never by the suite itself.
    return importlib.import_module(f"mockserver.{name}")


_TEMPLATE: dict[str, Path] = {}


def _template_world() -> Path:
    """A world file as `mock_app` serves it, made once per process: seeded, funding kept open, and the
    template the suite's own world is copied from (made by one `POST /__mock__/worlds`) beside it."""
    if "path" not in _TEMPLATE:
        path = Path(tempfile.mkdtemp(prefix="npq-suite-template-")) / "world.sqlite3"
        app = _mock_module("app").create_app(_mock_module("config").Settings(seed=1, db_path=path))
        _keep_funding_open(app)
        client = app.test_client()  # type: ignore[attr-defined]
        made = client.post("/__mock__/worlds", json={})
        assert made.status_code == 201, made.get_json()
        assert client.delete(f"/__mock__/worlds/{made.get_json()['data']['id']}").status_code == 200
        _TEMPLATE["path"] = path
    return _TEMPLATE["path"]


def mock_app() -> Callable:
    """A fresh mock over a private copy of the template world (a copy takes milliseconds; seeding a world
    and the suite's world template for each of the many faults took seconds each)."""
    source = _template_world()
    target = Path(tempfile.mkdtemp(prefix="npq-suite-mock-")) / "world.sqlite3"
    src, copy = sqlite3.connect(source), sqlite3.connect(target)
    with contextlib.closing(src), contextlib.closing(copy):
        src.backup(copy)  # the committed state, whatever is still in the source's WAL
    worlds_dir = _mock_module("worlds").worlds_dir
    worlds_dir(target).mkdir()
    for template in worlds_dir(source).glob("template-*.sqlite3"):
        shutil.copyfile(template, worlds_dir(target) / template.name)
    return _mock_module("app").create_app(_mock_module("config").Settings(seed=1, db_path=target))


def _keep_funding_open(app: Callable) -> None:
    """An open output-fee statement far ahead for every provider and cohort 2021-2024.

    The seeded statements of a cohort run for two years from its registration (V-93), so at today's date
    the older cohorts' funding contracts have ended (R-100 by statements, V-71) and no declaration can be
    made for them. A real sandbox keeps its test cohorts open; so does this mock for the suite's runs that
    use the real clock (sandbox mode dates a declaration from the server's Date header)."""
    client = app.test_client()  # type: ignore[attr-defined]
    for provider in client.get("/__mock__/lead-providers").get_json()["data"]:
        for cohort in (2021, 2022, 2023, 2024):
            made = client.post("/__mock__/statements", json={
                "lead_provider_id": provider["id"], "cohort": cohort, "year": 2099, "month": 12,
                "deadline_date": "2099-12-01", "payment_date": "2100-01-01", "output_fee": True,
            })
            assert made.status_code == 201, made.get_json()


def without_testing_api(app: Callable) -> Callable:
    """The mock as a real sandbox looks: no /__mock__/ endpoints."""

    def hidden(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/__mock__"):
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error":"Resource not found"}']
        return app(environ, start_response)

    return hidden


class FaultServer:
    """One HTTP server for many apps: `/<name>/...` goes to the app registered as `name` (path moved to
    SCRIPT_NAME, so each app sees its own `/api/v1/...`). The suite's base URL for it is `url(name)`."""

    def __init__(self) -> None:
        self.apps: dict[str, Callable] = {}
        self.root = ""

    def mount(self, name: str, app: Callable) -> str:
        self.apps[name] = app
        return f"{self.root}/{name}"

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        name, _, rest = path.lstrip("/").partition("/")
        app = self.apps.get(name)
        if app is None:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error":"Resource not found"}']
        env = dict(environ)
        env["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/" + name
        env["PATH_INFO"] = "/" + rest
        return app(env, start_response)


@contextmanager
def fault_server() -> Iterator[FaultServer]:
    router = FaultServer()
    with serve(router) as root:
        router.root = root
        yield router
