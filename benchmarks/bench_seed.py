"""Seeding time, time to the first answer, and the RSS of every server process, idle and after a load.

Run: .venv/bin/python benchmarks/bench_seed.py [--sizes 100000 1000000] [--keep DIR] [--repo PATH]

For each size: `npq-mock seed --db` into a new file (wall time, file size), then `npq-mock serve --db` on
that file: seconds from process start to the first 200 on /api/v3/npq-applications, RSS of the parent and
its granian workers once idle, and again after a load (wrk when installed, else a small Python client) over
first and deep pages, single records and a CSV export. `--repo` runs another checkout's code (e.g. an
export of an older commit) with this interpreter, so two versions are measured side by side in one run.
The machine may be shared: repeat runs and compare ratios, not absolute figures.
"""

from __future__ import annotations

import argparse
import http.client
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOKEN = "ambition-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


# The servers and seeders run with bytecode caching on (as an installed kit has it), whatever this shell
# says: compiling every module on each start would otherwise be most of the start time measured.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def seed(repo: Path, path: Path, applications: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of every process) of `npq-mock seed` building a world file. On a shared
    machine the CPU seconds say more: wall time there is mostly waiting for a core."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mockserver.cli", "seed", "--db", str(path), "--applications",
                    str(applications)], cwd=repo, env=ENV, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(repo: Path, path: Path) -> tuple[subprocess.Popen, int, float, float]:
    """npq-mock serve --db; returns (process, port, seconds from start to the first 200 on a v3 list, CPU
    seconds the server's processes had used by then)."""
    port = free_port()
    started = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", "--db", str(path), "--port",
                                str(port)], cwd=repo, env=ENV, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = started + 60
    while time.perf_counter() < deadline:  # bounded by the deadline
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/v3/npq-applications", headers=HEADERS)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return process, port, time.perf_counter() - started, cpu_seconds(process.pid)
        except OSError:
            time.sleep(0.005)
    process.terminate()
    raise SystemExit("the server did not answer within 60 s")


def tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            todo.extend(int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process tree so far (/proc/<pid>/stat, clock ticks)."""
    ticks = 0
    for current in tree(pid):
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> tuple[float, list[float]]:
    """(total, each process's) resident memory of a process tree, MiB."""
    each = []
    for current in tree(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
        except OSError:
            continue
        each.append(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
                    / 1024)
    return sum(each), each


def settle(pid: int, workers: int = 2) -> None:
    """Wait (bounded) until the parent has its workers and their memory stops changing."""
    previous, deadline = -1.0, time.perf_counter() + 20
    while time.perf_counter() < deadline:
        total, each = rss_mib(pid)
        if len(each) >= workers + 1 and abs(total - previous) < 0.5:
            return
        previous = total
        time.sleep(0.5)


def urls(path: Path) -> list[str]:
    """First and deep pages of the three big lists, one application, a participant and a CSV export."""
    conn = sqlite3.connect(path)
    provider = conn.execute("SELECT id FROM lead_providers WHERE token = ?", (TOKEN,)).fetchone()[0]
    count, app_id = conn.execute("SELECT COUNT(*), MAX(id) FROM applications WHERE lead_provider_id = ?",
                                 (provider,)).fetchone()
    conn.close()
    deep = max(1, count // 100)
    page = "page[per_page]=100&page[page]"
    return [f"/api/v3/npq-applications?{page}=1", f"/api/v3/npq-applications?{page}={deep}",
            f"/api/v3/npq-applications/{app_id}", f"/api/v3/participants/npq?{page}=1",
            f"/api/v3/participants/npq?{page}={deep // 2}", f"/api/v3/participant-declarations?{page}=1",
            f"/api/v1/npq-applications?{page}={deep}", f"/api/v2/npq-applications?{page}={deep // 3}"]


def load(port: int, targets: list[str], seconds: float) -> None:
    """Some seconds of load on each target (wrk, 2 threads, 16 connections), or a few hundred requests."""
    for url in targets:
        if shutil.which("wrk"):
            subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds:.0f}s", "-H", f"Authorization: Bearer {TOKEN}",
                            f"http://127.0.0.1:{port}{url}"], check=True, capture_output=True)
        else:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            for _ in range(300):
                connection.request("GET", url, headers=HEADERS)
                connection.getresponse().read()


def measure(repo: Path, folder: Path, size: int, seconds: float, reuse: bool, starts: int) -> None:
    path = folder / f"world-{size}.sqlite3"
    if reuse and path.exists():
        print(f"{size:>9,} applications: reusing {path}", flush=True)
    else:
        wall, cpu = seed(repo, path, size)
        print(f"{size:>9,} applications: seeded in {wall:7.1f} s, {cpu:7.1f} CPU-s "
              f"({path.stat().st_size / 2**20:,.0f} MiB)", flush=True)
    firsts, cpus = [], []
    for _ in range(starts - 1):  # the last start stays up for the memory figures
        process, _port, first, cpu = serve(repo, path)
        firsts.append(first)
        cpus.append(cpu)
        process.terminate()
        process.wait(timeout=30)
    process, port, first, cpu = serve(repo, path)
    firsts.append(first)
    cpus.append(cpu)
    try:
        print(f"{size:>9,} applications: first answer {min(firsts):5.2f} to {max(firsts):5.2f} s after "
              f"start, {min(cpus):.2f} to {max(cpus):.2f} CPU-s by then ({len(firsts)} starts)", flush=True)
        settle(process.pid)
        total, each = rss_mib(process.pid)
        print(f"{size:>9,} applications: RSS idle {total:6.1f} MiB ({' + '.join(f'{m:.0f}' for m in each)})",
              flush=True)
        load(port, urls(path), seconds)
        total, each = rss_mib(process.pid)
        print(f"{size:>9,} applications: RSS after load {total:6.1f} MiB "
              f"({' + '.join(f'{m:.0f}' for m in each)})", flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    options.add_argument("--seconds", type=float, default=3.0, help="load duration per URL")
    options.add_argument("--starts", type=int, default=3, help="server starts timed per world")
    options.add_argument("--keep", type=Path, help="keep the world files in this folder (and reuse them)")
    options.add_argument("--repo", type=Path, default=REPO, help="checkout whose code runs (default: this)")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="npq-bench-seed-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        print(f"code: {args.repo}", flush=True)
        for size in args.sizes:
            measure(args.repo.resolve(), folder, size, args.seconds, reuse=args.keep is not None,
                    starts=args.starts)


if __name__ == "__main__":
    main()
