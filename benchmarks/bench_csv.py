"""CSV exports over HTTP, as users run the mock: rows/s, bytes/s, time to first byte and the serving
processes' RSS growth, per CSV the mock serves, for this checkout and optionally another one.

Run: .venv/bin/python benchmarks/bench_csv.py WORLD_COPY [--repo OTHER_CHECKOUT] [--rounds 3]

WORLD_COPY is served with `python -m mockserver.cli serve --db WORLD_COPY` (granian, 2 workers): serving
writes into it (stored bodies), so give it a copy, never a world you keep. The provider is the one with the
most applications (ties: the most accepted ones, which the enrolments CSV lists). Each round streams every
CSV once from each checkout, alternating (both servers run throughout, one export at a time), so
neighbours' load falls on both alike. A checkout's first round of an export may render and store what
later rounds read (store/rendered.py): it is printed as a round of its own, not averaged away.

The other checkout (--repo, e.g. `git worktree add /tmp/csv-base main`) is run with this interpreter and
its own source first on the path. Sharing WORLD_COPY, it is served with stored bodies off: its build stamp
would otherwise clear the bodies this checkout stored (store/rendered.py), and its exports never read them
before this change. Give it a copy of its own with --repo-world to serve it with bodies on.

RSS: every process of the server (granian's master and workers) is sampled from /proc every 10 ms while an
export streams; the growth is the highest sample of a process minus its RSS just before the request, the
largest over the processes. The body's SHA-256 is printed, so two checkouts' bytes can be compared.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXPORTS = ("/api/v1/npq-applications.csv", "/api/v2/npq-applications.csv", "/api/v2/npq-enrolments.csv")
CHUNK = 256 * 1024
MIB = 1024 * 1024


def biggest_provider_token(world: Path) -> str:
    """The token of the provider with the most applications (then the most accepted ones)."""
    conn = sqlite3.connect(f"file:{world}?mode=ro", uri=True)
    try:
        return conn.execute(
            "SELECT p.token FROM applications a JOIN lead_providers p ON p.id = a.lead_provider_id "
            "GROUP BY p.id ORDER BY COUNT(*) DESC, SUM(a.status = 'accepted') DESC LIMIT 1"
        ).fetchone()[0]
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """One checkout's `npq-mock serve` on a world file."""

    checkout: Path
    world: Path
    stored_bodies: bool
    process: subprocess.Popen | None = None
    port: int = 0

    def start(self) -> None:
        self.port = free_port()
        env = {**os.environ, "PYTHONPATH": str(self.checkout)}
        env["NPQ_MOCK_STORED_BODIES"] = str(self.stored_bodies)
        command = ["-m", "mockserver.cli", "serve", "--db", str(self.world), "--port", str(self.port)]
        self.process = subprocess.Popen(
            [sys.executable, *command],
            cwd=self.checkout, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for _ in range(2400):  # bounded: 2400 x 50 ms (a big world's first open migrates it)
            if self.process.poll() is not None:
                raise RuntimeError(f"the server of {self.checkout} exited with {self.process.returncode}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the server did not answer within 120 s")

    def settle(self, token: str, patience: float = 60.0) -> None:
        """A few one-record pages (each worker opens its connection: a file stored under another build has
        its bodies cleared then, not in the first export), then wait until the server's processes stop
        growing (a worker builds the testing API's Faker pools in the background after it starts), so that
        neither is counted against the first export."""
        for _ in range(8):
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            connection.request("GET", "/api/v1/npq-applications?page[per_page]=1",
                               headers={"Authorization": f"Bearer {token}"})
            connection.getresponse().read()
            connection.close()
        deadline = time.perf_counter() + patience
        sizes = [rss_kib(pid) for pid in self.pids()]
        while time.perf_counter() < deadline:
            time.sleep(1.0)
            now = [rss_kib(pid) for pid in self.pids()]
            if len(now) == len(sizes) and all(abs(a - b) < 1024 for a, b in zip(now, sizes, strict=True)):
                return
            sizes = now

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.process = None

    def pids(self) -> list[int]:
        """The server process and every process under it (granian's master and workers)."""
        assert self.process is not None
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found, frontier = [self.process.pid], [self.process.pid]
        while frontier:
            children = [pid for pid, parent in parents.items() if parent in frontier]
            found += children
            frontier = children
        return found


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


@dataclass
class RssWatch:
    """Samples the RSS of some processes in a thread until stopped; the largest growth of one of them."""

    pids: list[int]
    before: dict[int, int] = field(default_factory=dict)
    peak: dict[int, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> RssWatch:
        self.before = {pid: rss_kib(pid) for pid in self.pids}
        self.peak = dict(self.before)
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            for pid in self.pids:
                self.peak[pid] = max(self.peak[pid], rss_kib(pid))

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        assert self._thread is not None
        self._thread.join()

    def growth_mib(self) -> float:
        return max(self.peak[pid] - self.before[pid] for pid in self.pids) / 1024


@dataclass(frozen=True)
class Export:
    rows: int
    size: int
    seconds: float
    first_byte: float
    rss_growth_mib: float
    digest: str


def export(server: Server, url: str, token: str) -> Export:
    """Stream one CSV, reading it as it comes."""
    digest, size, lines = hashlib.sha256(), 0, 0
    with RssWatch(server.pids()) as watch:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
        connection.request("GET", url, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        first_byte = None
        while chunk := response.read1(CHUNK):
            if first_byte is None:
                first_byte = time.perf_counter() - started
            digest.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
        seconds = time.perf_counter() - started
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"{url}: {response.status}")
    # rows: lines less the header (a newline quoted inside a cell counts twice; generated worlds have none)
    growth, short_digest = watch.growth_mib(), digest.hexdigest()[:16]
    return Export(lines - 1, size, seconds, first_byte or seconds, growth, short_digest)


def line(label: str, url: str, round_label: str, figures: Export) -> str:
    rate = figures.rows / figures.seconds
    return (
        f"{label:<7} {url:<30} {round_label:<7} {figures.rows:>9,} rows {rate:>10,.0f} rows/s "
        f"{figures.size / figures.seconds / MIB:7.1f} MiB/s  first byte {figures.first_byte * 1000:7.1f} ms  "
        f"RSS +{figures.rss_growth_mib:6.1f} MiB  sha256 {figures.digest}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path, help="a COPY of a world file (serving writes into it)")
    parser.add_argument("--repo", type=Path, help="another checkout to compare (e.g. the base branch)")
    parser.add_argument("--repo-world", type=Path, help="the other checkout's own copy (default: WORLD)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--exports", default=",".join(EXPORTS), help="comma-separated URLs")
    args = parser.parse_args()
    token = biggest_provider_token(args.world)
    servers = {"this": Server(REPO, args.world, stored_bodies=True)}
    if args.repo is not None:
        own = args.repo_world is not None and args.repo_world.resolve() != args.world.resolve()
        world = args.repo_world if own else args.world
        servers["other"] = Server(args.repo.resolve(), world, stored_bodies=own)
    print(f"world {args.world} ({args.world.stat().st_size / MIB:,.0f} MiB), provider token {token}; "
          + "; ".join(f"{name}: {s.checkout} (stored bodies {'on' if s.stored_bodies else 'off'})"
                      for name, s in servers.items()), flush=True)
    rates: dict[tuple[str, str], list[float]] = {}
    try:
        for server in servers.values():
            server.start()
            server.settle(token)
        for number in range(1, args.rounds + 1):
            for name, server in servers.items():
                for url in args.exports.split(","):
                    figures = export(server, url, token)
                    print(line(name, url, f"round {number}", figures), flush=True)
                    if number > 1:
                        rates.setdefault((name, url), []).append(figures.rows / figures.seconds)
    finally:
        for server in servers.values():
            server.stop()
    for (name, url), found in rates.items():
        print(f"{name:<7} {url:<30} rounds 2..{args.rounds}: median {statistics.median(found):,.0f} rows/s "
              f"(range {min(found):,.0f}-{max(found):,.0f})")


if __name__ == "__main__":
    main()
