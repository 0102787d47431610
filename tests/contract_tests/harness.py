"""Serve a WSGI app on 127.0.0.1 over real HTTP and run the contract suite against it in a subprocess."""

from __future__ import annotations

import importlib
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[2]
TOKEN = "ambition-token"


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
        marker = "NPQ lead provider API v1 contract:"
        return self.output[self.output.find(marker) :] if marker in self.output else self.output[-4000:]


def run_suite(base_url: str, *extra: str, timeout: int = 300) -> SuiteRun:
    """Run `python -m pytest contract_tests` against base_url; the suite imports nothing of the mock."""
    cmd = [sys.executable, "-m", "pytest", "contract_tests", "--base-url", base_url, "--token", TOKEN, *extra]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for name in ("NPQ_BASE_URL", "NPQ_TOKEN", "NPQ_OTHER_TOKEN"):
        env.pop(name, None)
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env)
    return SuiteRun(proc.returncode, proc.stdout + proc.stderr)


def mock_app() -> Callable:
    # Imported late: the mock is only needed here, never by the suite itself.
    create_app = importlib.import_module("mockserver.app").create_app
    settings = importlib.import_module("mockserver.config").Settings

    return create_app(settings(seed=1))


def without_testing_api(app: Callable) -> Callable:
    """The mock as a real sandbox looks: no /__mock__/ endpoints."""

    def hidden(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/__mock__"):
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error":"Resource not found"}']
        return app(environ, start_response)

    return hidden
