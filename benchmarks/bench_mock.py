"""Figures for the mock server: seed time, in-process latency, startup time and req/s under granian.

Run: .venv/bin/python benchmarks/bench_mock.py [--quick] [--seconds 5] [--connections 16]
Loopback only; every loop is bounded by a count or a deadline. Uses wrk when installed, otherwise a
small keep-alive load generator (processes x threads with http.client).
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run from a checkout without installing the kit
    sys.path.insert(0, str(REPO))

from mockserver.config import Settings  # noqa: E402
from mockserver.seed import prepare_database  # noqa: E402

TOKEN = "ambition-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def seed_seconds(folder: Path, applications: int) -> tuple[Path, float]:
    """Seed a world file of the given size; returns (path, seconds)."""
    started = time.perf_counter()
    target = folder / f"world-{applications}.sqlite3"
    path = prepare_database(Settings(db_path=target, applications=applications))
    return path, time.perf_counter() - started


def targets(path: Path) -> dict[str, str]:
    """The three URLs measured: one application, the first page and the last page of 100."""
    from mockserver.store.db import connect

    conn = connect(path)
    provider = conn.execute("SELECT id FROM lead_providers WHERE token = ?", (TOKEN,)).fetchone()[0]
    count, app_id = conn.execute("SELECT COUNT(*), MAX(id) FROM applications WHERE lead_provider_id = ?",
                                 (provider,)).fetchone()
    conn.close()
    deep = max(1, count // 100)  # the last full page: as many rows as the first, the deepest offset
    return {"one application": f"/api/v1/npq-applications/{app_id}",
            "first page of 100": "/api/v1/npq-applications?page[per_page]=100&page[page]=1",
            f"last full page ({deep})": f"/api/v1/npq-applications?page[per_page]=100&page[page]={deep}"}


def in_process(path: Path, calls: int) -> dict[str, tuple[float, float]]:
    """Median and p99 (ms) of direct WSGI calls on the app, per target."""
    from werkzeug.test import EnvironBuilder

    from mockserver.app import create_app

    app = create_app(Settings(db_path=path))
    figures = {}
    for name, url in targets(path).items():
        base_path, _, query = url.partition("?")
        environ = EnvironBuilder(path=base_path, query_string=query, headers=HEADERS).get_environ()
        statuses: list[str] = []
        body = app(dict(environ), lambda status, headers, exc_info=None, seen=statuses: seen.append(status))
        assert statuses == ["200 OK"] and b"".join(body).count(b'"type"') in (1, 100), (name, statuses)
        times = []
        for _ in range(calls):
            started = time.perf_counter()
            body = app(dict(environ), lambda status, headers, exc_info=None: None)
            b"".join(body)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[name] = (statistics.median(times), times[int(len(times) * 0.99) - 1])
    return figures


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(path: Path | None) -> tuple[subprocess.Popen, int, float]:
    """npq-mock serve on a free port; returns (process, port, seconds until the first answer)."""
    port = free_port()
    world = ["--db", str(path)] if path else []
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", *world, "--port", str(port)],
                               cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(400):  # bounded: 400 x 25 ms
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/__mock__/lead-providers")
            if connection.getresponse().status == 200:
                return process, port, time.perf_counter() - started
        except OSError:
            time.sleep(0.025)
    process.terminate()
    raise RuntimeError("the server did not answer within 10 s")


def _worker(port: int, url: str, threads: int, seconds: float, out: multiprocessing.Queue) -> None:
    deadline = time.perf_counter() + seconds
    counts = [0] * threads

    def loop(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            connection.request("GET", url, headers=HEADERS)
            response = connection.getresponse()
            response.read()
            counts[index] += response.status == 200

    pool = [threading.Thread(target=loop, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    out.put(sum(counts))


def python_load(port: int, url: str, connections: int, seconds: float) -> float:
    """Requests per second from a keep-alive load generator (processes x threads)."""
    processes = max(1, min(4, os.cpu_count() or 1))
    queue: multiprocessing.Queue = multiprocessing.Queue()
    pool = [multiprocessing.Process(target=_worker, args=(port, url, max(1, connections // processes),
                                                          seconds, queue)) for _ in range(processes)]
    for process in pool:
        process.start()
    total = sum(queue.get(timeout=seconds + 30) for _ in pool)
    for process in pool:
        process.join()
    return total / seconds


def wrk_load(port: int, url: str, connections: int, seconds: float) -> float:
    """Requests per second measured by wrk."""
    result = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "-H",
                             f"Authorization: Bearer {TOKEN}", f"http://127.0.0.1:{port}{url}"],
                            capture_output=True, text=True, check=True)
    line = next(x for x in result.stdout.splitlines() if x.startswith("Requests/sec"))
    return float(line.split()[1])


def main() -> None:
    """Print every figure."""
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--quick", action="store_true", help="skip the 100,000-application world")
    options.add_argument("--seconds", type=float, default=5.0, help="load duration per target")
    options.add_argument("--connections", type=int, default=16)
    options.add_argument("--calls", type=int, default=300, help="in-process calls per target")
    args = options.parse_args()
    load = wrk_load if shutil.which("wrk") else python_load
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    with tempfile.TemporaryDirectory(prefix="npq-bench-") as folder:
        worlds = {}
        for size in sizes:
            worlds[size], seconds = seed_seconds(Path(folder), size)
            print(f"seed {size:>7,} applications: {seconds:6.2f} s", flush=True)
        for size in (1_000, sizes[-1]):
            for name, (median, p99) in in_process(worlds[size], args.calls).items():
                print(f"in-process, {size:>7,} apps, {name:<22} median {median:6.2f} ms  p99 {p99:6.2f} ms",
                      flush=True)
        process, port, startup = start_server(None)
        process.terminate()
        process.wait(timeout=30)
        print(f"serve, default world (seeded at start): first answer after {startup:.2f} s", flush=True)
        process, port, startup = start_server(worlds[sizes[-1]])
        print(f"serve --db (granian, 2 workers): first answer after {startup:.2f} s", flush=True)
        try:
            for name, url in targets(worlds[sizes[-1]]).items():
                rate = load(port, url, args.connections, args.seconds)
                print(f"granian, {sizes[-1]:>7,} apps, {name:<22} {rate:8.0f} req/s ({load.__name__})",
                      flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
