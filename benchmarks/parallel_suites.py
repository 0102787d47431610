"""Several contract-suite runs at once against one mock: each in a world of its own, then all in one shared
world (what worlds are for, measured). Prints each run's verdict and time.

Run: .venv/bin/python benchmarks/parallel_suites.py [--runs 3] [--api-version v3] [--full]
Starts `npq-mock serve` on a free loopback port with a temporary world; every run is bounded by a timeout.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BIN = Path(sys.executable).parent
TOKENS = ("ambition-token", "best-practice-token", "coe-token", "llse-token", "niot-token", "ucl-token")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the mock did not answer {url} within {seconds} s")


def _run(base_url: str, token: str, extra: list[str]) -> tuple[str, int, float, str]:
    started = time.perf_counter()
    proc = subprocess.run(
        [str(BIN / "npq-contract"), "--base-url", base_url, "--token", token, *extra],
        capture_output=True, text=True, timeout=1800,
    )
    verdict = next((line for line in reversed(proc.stdout.splitlines()) if "COMPLIANT" in line), "?")
    return token, proc.returncode, time.perf_counter() - started, verdict


def _round(base_url: str, runs: int, extra: list[str], label: str) -> list[int]:
    print(f"\n{label}: {runs} runs at once", flush=True)
    with ThreadPoolExecutor(runs) as pool:
        results = list(pool.map(lambda t: _run(base_url, t, extra), TOKENS[:runs]))
    for token, code, seconds, verdict in results:
        print(f"  {token:22} exit {code}  {seconds:6.1f} s  {verdict}", flush=True)
    return [code for _, code, _, _ in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--api-version", default="v3")
    parser.add_argument("--full", action="store_true", help="full runs instead of --quick")
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "world.sqlite3"
        server = subprocess.Popen(
            [str(BIN / "npq-mock"), "serve", "--port", str(port), "--db", str(db)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait(f"{base_url}/healthz")
            extra = ["--api-version", args.api_version] + ([] if args.full else ["--quick"])
            own = _round(base_url, args.runs, extra, "each run in a world of its own")
            shared = _round(base_url, args.runs, [*extra, "--shared-world"], "all runs in one shared world")
            mine, ours = f"{own.count(0)}/{len(own)}", f"{shared.count(0)}/{len(shared)}"
            print(f"\nown worlds: {mine} passed; shared world: {ours} passed", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
