"""Wall-clock of the contract suite against a local mock: the full run and --quick.

Usage: python benchmarks/contract_suite_timing.py [--runs N]
Starts the mock (seed 1) in a thread on 127.0.0.1, runs `npq-contract` in a subprocess for each mode,
prints seconds and the exit code. Targets (issue 4): full < 120 s, --quick < 20 s on two cores.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"full": 120.0, "quick": 20.0}


def _serve() -> tuple[str, object, threading.Thread]:
    sys.path.insert(0, str(REPO))
    # Imported late: the mock is only needed here, never by the suite itself.
    create_app = importlib.import_module("mockserver.app").create_app
    settings = importlib.import_module("mockserver.config").Settings

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, create_app(settings(seed=1)), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server, thread


def _run(base_url: str, extra: list[str]) -> tuple[float, int]:
    cmd = [sys.executable, "-c", "import sys; from contract_tests.cli import main; sys.exit(main())"]
    cmd += ["--base-url", base_url, "--token", "ambition-token", *extra]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=dict(os.environ))
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        print(proc.stdout[-3000:], proc.stderr[-2000:], sep="\n")
    return elapsed, proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per mode")
    args = parser.parse_args()
    failed = False
    for mode, extra in (("quick", ["--quick"]), ("full", [])):
        for i in range(args.runs):
            # A fresh mock per run so each run sees the same seeded world.
            base_url, server, thread = _serve()
            try:
                seconds, code = _run(base_url, extra)
            finally:
                server.shutdown()  # type: ignore[attr-defined]
                thread.join(timeout=10)
            verdict = "ok" if seconds < TARGETS[mode] and code == 0 else "OVER TARGET OR FAILED"
            failed |= verdict != "ok"
            target = f"target < {TARGETS[mode]:.0f} s"
            print(f"{mode:5s} run {i + 1}: {seconds:6.1f} s  exit {code}  ({target}) {verdict}")
    print(f"cpus: {os.cpu_count()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
