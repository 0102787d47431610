"""What the request journal costs the hot path: the single-record GET with the journal on and off.

Run: .venv/bin/python benchmarks/bench_journal.py [--calls 3000] [--rounds 7] [--seconds 5] [--pairs 3]
                                                  [--no-wrk]

1. In-process: two apps over copies of one world, journal on (1000 entries) and off (size 0); the same
   request `GET /api/v1/npq-applications/{id}` called straight on each app's WSGI callable, in interleaved
   rounds (on, off, on, off, ...) so background load hits both alike. Printed: the median round's req/s,
   and the CPU time per request of the whole process (its journal writer thread included), which a
   machine shared with other work disturbs less than wall-clock rates; the cost is given per round pair
   as a range.
2. Over HTTP (when `wrk` is installed, e.g. `apt-get install wrk`): `npq-mock serve` with two granian
   workers, journal on and off, each loaded by wrk for --seconds, alternately, --pairs times.
The aim is a difference of at most 10 %.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing the kit
    sys.path.insert(0, str(REPO))

from mockserver.config import Settings  # noqa: E402
from mockserver.seed import prepare_database  # noqa: E402

TOKEN = "ambition-token"


def record_path(world: Path) -> str:
    """The URL of one of the token's applications."""
    from mockserver.store import bulk
    from mockserver.store.db import connect

    conn = connect(world)
    provider = next(i for i, _n, t in bulk.provider_tokens(conn) if t == TOKEN)
    conn.close()
    from mockserver.app import create_app

    client = create_app(Settings(db_path=world, journal_size=0)).test_client()
    listed = client.get("/api/v1/npq-applications?page[per_page]=1",
                        headers={"Authorization": f"Bearer {TOKEN}"}).json["data"]
    assert listed, f"no application for {provider}"
    return f"/api/v1/npq-applications/{listed[0]['id']}"


def in_process(folder: Path, template: Path, url: str, calls: int, rounds: int) -> dict[str, list[float]]:
    """Per round: req/s and CPU microseconds per request of direct WSGI calls, journal on and off."""
    from werkzeug.test import EnvironBuilder

    from mockserver.app import create_app

    apps = {}
    for label, size in (("on", 1000), ("off", 0)):
        world = folder / f"inproc-{label}.sqlite3"
        shutil.copyfile(template, world)
        apps[label] = create_app(Settings(db_path=world, journal_size=size))
    environ = EnvironBuilder(path=url, headers={"Authorization": f"Bearer {TOKEN}"}).get_environ()

    def start_response(status: str, _headers: list, _exc: object = None) -> None:
        assert status.startswith("200"), status

    results: dict[str, list[float]] = {"on": [], "off": [], "on_cpu": [], "off_cpu": []}
    for app in apps.values():  # warm up: connections, token index, caches
        for _ in range(200):
            b"".join(app.wsgi_app(dict(environ), start_response))
    for _ in range(rounds):
        for label, app in apps.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            for _ in range(calls):
                b"".join(app.wsgi_app(dict(environ), start_response))
            if label == "on":  # what is still queued is part of this round's cost
                apps["on"].extensions["npq_journal"].flush()
            results[f"{label}_cpu"].append((time.process_time() - cpu_started) / calls * 1e6)
            results[label].append(calls / (time.perf_counter() - started))
    return results


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def over_http(
    folder: Path, template: Path, url: str, seconds: int, pairs: int
) -> dict[str, list[float]] | None:
    """req/s from wrk against `npq-mock serve` (two workers), journal on and off, alternately."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    results: dict[str, list[float]] = {"on": [], "off": []}
    for _repeat in range(pairs):
        for label, size in (("on", 1000), ("off", 0)):
            world = folder / f"http-{label}.sqlite3"
            shutil.copyfile(template, world)
            port = _free_port()
            env = {**os.environ, "NPQ_MOCK_JOURNAL_SIZE": str(size)}
            server = subprocess.Popen(
                [sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port), "--db", str(world)],
                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO)
            try:
                deadline = time.monotonic() + 30
                while time.monotonic() < deadline:
                    try:
                        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                            break
                    except OSError:
                        time.sleep(0.1)
                base = f"http://127.0.0.1:{port}"
                auth = f"Authorization: Bearer {TOKEN}"
                subprocess.run([wrk, "-t1", "-c4", "-d1s", "-H", auth, base + url],
                               capture_output=True, check=True)  # warm-up
                out = subprocess.run([wrk, "-t2", "-c8", f"-d{seconds}s", "-H",
                                      f"Authorization: Bearer {TOKEN}", base + url],
                                     capture_output=True, text=True, check=True).stdout
                results[label].append(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)))
            finally:
                server.terminate()
                server.wait(timeout=15)
    return results


def _line(title: str, on: list[float], off: list[float], unit: str, higher_is_better: bool = True) -> str:
    """Medians, and the cost of the journal per on/off pair (median and range)."""
    costs = sorted((1 - a / b) if higher_is_better else (a / b - 1) for a, b in zip(on, off, strict=True))
    middle, low, high = (f"{c * 100:+.1f}" for c in (statistics.median(costs), costs[0], costs[-1]))
    return (f"{title:<34} journal on {statistics.median(on):>8,.1f} {unit}   "
            f"off {statistics.median(off):>8,.1f} {unit}   cost {middle} % (pairs {low} .. {high} %)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=3000, help="calls per in-process round")
    parser.add_argument("--rounds", type=int, default=7, help="interleaved in-process rounds")
    parser.add_argument("--seconds", type=int, default=5, help="wrk duration per run")
    parser.add_argument("--pairs", type=int, default=3, help="wrk runs with the journal on and off")
    parser.add_argument("--no-wrk", action="store_true", help="in-process figures only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="npq-bench-journal-") as name:
        folder = Path(name)
        template = prepare_database(Settings(db_path=folder / "template.sqlite3"))
        url = record_path(template)
        print(f"GET {url}  (default world, token {TOKEN})")
        rounds = in_process(folder, template, url, args.calls, args.rounds)
        print(_line("in-process WSGI, req/s", rounds["on"], rounds["off"], "req/s"), flush=True)
        print(_line("in-process WSGI, CPU per request", rounds["on_cpu"], rounds["off_cpu"], "us",
                    higher_is_better=False), flush=True)
        figures = None if args.no_wrk else over_http(folder, template, url, args.seconds, args.pairs)
        if figures is not None:
            print(_line("granian, 2 workers, wrk -t2 -c8", figures["on"], figures["off"], "req/s"))
        elif not args.no_wrk:
            print("wrk not installed (apt-get install wrk): HTTP figures skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
