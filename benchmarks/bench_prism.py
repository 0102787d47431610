"""Side by side with Stoplight Prism on one machine, in one run: the same wrk load on both, and the ratios.

Run: .venv/bin/python benchmarks/bench_prism.py [--db WORLD | --applications 100000] [--seconds 10]
     [--prism DIR] [--versions v1,v2,v3]

Prism is not a dependency: it is installed with npm into a temporary folder (or --prism DIR) when asked, and
serves DfE's published document of each version statically (`prism mock -v silent`), one version at a time.
The mock serves a world file: --db reuses one (seed it once: `npq-mock seed --db FILE --applications N`),
otherwise one of --applications is seeded into a temporary folder. wrk (apt-get install wrk) drives both:
2 threads, 16 connections, loopback only. Per version it prints req/s for one record, the first, a deep
(middle) and the last page of 100 of applications, participants and declarations, and writes (accept, a
declaration POST, void: each on records made for it through the testing API before it is timed, so that
nearly every timed request is accepted; the mix of answers is shown), with the ratio
to Prism's static answer to the same request; then CSV exports, each twice (the first renders and stores
the lines, the second reads them; rows/s, memory growth of the server while it sends one) and RSS. Writes
change the world file given with --db (a few thousand records).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_mock import seed_seconds  # noqa: E402
from mockserver.store.db import connect, create_schema  # noqa: E402

TOKEN = "ambition-token"
REFERENCE = REPO.parent / "shared" / "reference"
ZERO_ID = "00000000-0000-4000-8000-000000000000"
VERSIONS = ("v1", "v2", "v3")
LISTS = {"applications": "npq-applications", "participants": "participants/npq",
         "declarations": "participant-declarations"}
# wrk cycles through a list of requests, each thread from its own start, and counts answers by class.
LUA = """
local requests = dofile("%s")
local counts = {}
local threads = {}
function setup(thread) thread:set("id", #threads) table.insert(threads, thread) end
-- the two threads start half the list apart: a write list is then sent once over before any record twice
function init(args) counter = id * math.floor(#requests / 2) ok = 0 bad = 0 end
function request()
  counter = counter + 1
  local r = requests[(counter %% #requests) + 1]
  local headers = {["Authorization"] = "Bearer %s", ["Content-Type"] = "application/json"}
  return wrk.format(r[1], r[2], headers, r[3])
end
function response(status) if status < 300 then ok = ok + 1 else bad = bad + 1 end end
function done()
  local good, other = 0, 0
  for _, t in ipairs(threads) do good = good + t:get("ok") other = other + t:get("bad") end
  io.write(string.format("ANSWERS 2xx=%%d other=%%d\\n", good, other))
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prism(folder: Path | None) -> Path:
    """The prism executable: in --prism DIR, or installed now into a temporary folder with npm."""
    if folder is not None and (folder / "node_modules" / ".bin" / "prism").exists():
        return folder / "node_modules" / ".bin" / "prism"
    target = Path(tempfile.mkdtemp(prefix="npq-prism-"))
    subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "@stoplight/prism-cli@5"],
                   cwd=target, check=True, timeout=600)
    return target / "node_modules" / ".bin" / "prism"


@contextmanager
def _prism_serving(prism: Path, spec: Path, version: str) -> Iterator[int]:
    port = _free_port()
    process = subprocess.Popen([str(prism), "mock", "-p", str(port), "-v", "silent", str(spec)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300  # node starts slowly on a busy machine
        while True:
            try:
                request = urllib.request.Request(f"http://127.0.0.1:{port}/api/{version}/npq-applications",
                                                 headers={"Authorization": f"Bearer {TOKEN}"})
                with urllib.request.urlopen(request, timeout=2):
                    break
            except OSError:
                if process.poll() is not None:
                    raise SystemExit(f"Prism stopped: is {spec} there?") from None
                if time.monotonic() > deadline:
                    raise SystemExit("Prism did not answer within 300 s") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def _start_mock(world: Path, checkout: Path = REPO,
                extra: Sequence[str] = ()) -> tuple[subprocess.Popen, int, float]:
    """npq-mock serve --db world (with `extra` arguments) of a checkout, its source first on the path, on a
    free port; (process, port, seconds until its first answer)."""
    _written_out(world)
    port, started = _free_port(), time.perf_counter()
    command = ["-m", "mockserver.cli", "serve", "--db", str(world), "--port", str(port), *extra]
    process = subprocess.Popen([sys.executable, *command], cwd=checkout,
                               env={**os.environ, "PYTHONPATH": str(checkout)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - started < 300:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process, port, time.perf_counter() - started
        except OSError:
            time.sleep(0.05)
    process.terminate()
    raise SystemExit("the mock did not answer within 300 s")


def _written_out(world: Path) -> None:
    """Wait until the kernel has written the world file (and a WAL beside it) to disk. A copy made just
    before (as benchmarks are given) is gigabytes of dirty pages, and the mock's first checkpoint (a WAL left
    by an earlier run is checkpointed when the file is reopened) syncs the file: the start-up time measured
    was then the disk's, ~1 s at a million applications, not the mock's."""
    for path in (world, Path(f"{world}-wal")):
        if path.exists():
            with path.open("rb") as file:
                os.fsync(file.fileno())


def _rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, MiB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
            todo.extend(int(c) for c in children)
        except (OSError, StopIteration):
            continue
    return total / 1024


def _wrk(port: int, requests: list[tuple[str, str, str]], connections: int, seconds: float,
         folder: Path) -> tuple[float, str]:
    """req/s of wrk cycling through (method, path, body) requests, and the mix of answers."""
    table = folder / f"requests-{port}.lua"
    rows = ("{" + ",".join(json.dumps(part) for part in r) + "}" for r in requests)
    table.write_text("return {" + ",".join(rows) + "}")
    script = folder / f"script-{port}.lua"
    script.write_text(LUA % (table, TOKEN))
    result = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "-s", str(script),
                             f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True)
    rate = float(next(x for x in result.stdout.splitlines() if x.startswith("Requests/sec")).split()[1])
    answers = next((x for x in result.stdout.splitlines() if x.startswith("ANSWERS")), "ANSWERS ?")
    return rate, answers.removeprefix("ANSWERS ")


class World:
    """What the benchmark reads from the world file: the provider, its ids and counts."""

    def __init__(self, path: Path) -> None:
        conn = connect(path)
        create_schema(conn)  # a file from an older version is migrated here, not while being timed
        self.provider = conn.execute("SELECT id FROM lead_providers WHERE token = ?", (TOKEN,)).fetchone()[0]
        one = "SELECT COUNT(*), MAX({c}) FROM {t} WHERE lead_provider_id = ?"
        self.count, self.ids = {}, {}
        for name, table, column in (("applications", "applications", "id"),
                                    ("participants", "provider_participants", "user_id"),
                                    ("declarations", "declarations", "id")):
            self.count[name], self.ids[name] = conn.execute(one.format(c=column, t=table),
                                                            (self.provider,)).fetchone()
        with suppress(sqlite3.OperationalError):  # v3 also lists these; a checkout from before has none
            self.count["declarations"] += conn.execute(
                "SELECT COUNT(*) FROM foreign_declarations WHERE owner_id = ?", (self.provider,)
            ).fetchone()[0]
        conn.close()

    def reads(self, version: str) -> dict[str, str]:
        urls = {}
        for name, path in LISTS.items():
            pages = max(1, self.count[name] // 100)
            urls[f"{name}: one record"] = f"/api/{version}/{path}/{self.ids[name]}"
            for label, page in (("first", 1), ("deep", max(1, pages // 2)), ("last", pages)):
                urls[f"{name}: page of 100, {label} ({page})"] = (
                    f"/api/{version}/{path}?page[per_page]=100&page[page]={page}")
        return urls


def _prism_reads(version: str) -> dict[str, list[tuple[str, str, str]]]:
    """The reads as Prism sees them: its static example for any id, its one example list."""
    reads: dict[str, list[tuple[str, str, str]]] = {}
    for name, path in LISTS.items():
        reads[f"{name}: one record"] = [("GET", f"/api/{version}/{path}/{ZERO_ID}", "")]
        reads[f"{name}: list"] = [("GET", f"/api/{version}/{path}", "")]
    return reads


def _for_prism(requests: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The same writes as Prism sees them: any record id is its example's."""
    return [(m, p.replace(p.split("/")[4], ZERO_ID) if p.count("/") > 4 else p, b)
            for m, p, b in requests[:50]]


def _create(port: int, records: int, attributes: dict[str, object]) -> list[str]:
    """Application ids of `records` new applications of the benchmark's provider (the testing API's batch
    call, 5,000 at a time)."""
    made: list[str] = []
    while len(made) < records:
        batch = [{"attributes": attributes}] * min(5000, records - len(made))
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/__mock__/applications/batch", method="POST",
            data=json.dumps({"data": batch}).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        with urllib.request.urlopen(request, timeout=600) as answer:
            made += [item["id"] for item in json.load(answer)["data"]]
    return made


def _send(port: int, requests: list[tuple[str, str, str]]) -> None:
    """Send requests one by one on a kept-alive connection (setting the world up, not timed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    for method, path, body in requests:
        connection.request(method, path, body=body or None, headers=headers)
        connection.getresponse().read()
    connection.close()


class Writes:
    """Fresh records for each write, made through the testing API before it is timed, so that (nearly)
    every timed request is one the mock accepts: each record can be written once, and wrk sends as many
    requests as it can."""

    def __init__(self, port: int, world: Path, version: str, records: int) -> None:
        self.port, self.world, self.version, self.records = port, world, version, records
        self.partner: str | None = None

    def accept(self) -> list[tuple[str, str, str]]:
        ids = _create(self.port, self.records, {"cohort": 2025, "eligible_for_funding": True})
        body = json.dumps({"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}})
        return [("POST", f"/api/{self.version}/npq-applications/{i}/accept", body) for i in ids]

    def declare(self) -> list[tuple[str, str, str]]:
        ids = _create(self.port, self.records, {"cohort": 2025, "status": "accepted"})
        conn = connect(self.world)
        try:
            marks = ",".join("?" * len(ids))
            rows = conn.execute(
                "SELECT a.user_id, a.course_identifier, s.applies_from FROM applications a "
                f"JOIN schedules s ON s.id = a.schedule_id WHERE a.id IN ({marks})", ids).fetchall()
            partner = conn.execute(
                "SELECT delivery_partner_id FROM delivery_partnerships d JOIN lead_providers p "
                "ON p.id = d.lead_provider_id WHERE p.token = ? AND d.cohort = 2025 LIMIT 1", (TOKEN,)
            ).fetchone()
        finally:
            conn.close()
        self.ids, self.partner = ids, partner[0] if partner else None
        self.declared = [("POST", f"/api/{self.version}/participant-declarations", json.dumps({"data": {
            "type": "participant-declaration", "attributes": {
                "participant_id": user, "declaration_type": "started", "course_identifier": course,
                "declaration_date": f"{start}T10:00:00Z", "delivery_partner_id": self.partner}}}))
            for user, course, start in rows]
        return self.declared

    def void(self) -> list[tuple[str, str, str]]:
        """Declarations to void: those the declare run made, and the rest of its records declared now (run
        it first; these untimed)."""
        _send(self.port, self.declared)
        conn = connect(self.world)
        try:
            marks = ",".join("?" * len(self.ids))
            found = [r[0] for r in conn.execute(
                f"SELECT id FROM declarations WHERE application_id IN ({marks}) "
                "AND state IN ('submitted', 'eligible')", self.ids)]
        finally:
            conn.close()
        return [("PUT", f"/api/{self.version}/participant-declarations/{i}/void", "") for i in found]


def _csv(port: int, url: str, pid: int) -> tuple[int, float, float]:
    """Rows, rows/s and the server's RSS growth (peak while sending, MiB) for one CSV download."""
    before, peak, running = _rss_mib(pid), [0.0], [True]

    def sample() -> None:
        while running[0]:
            peak[0] = max(peak[0], _rss_mib(pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", url, headers={"Authorization": f"Bearer {TOKEN}"})
    response, lines = connection.getresponse(), 0
    while chunk := response.read(1 << 16):
        lines += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    running[0] = False
    sampler.join()
    return max(0, lines - 1), max(0, lines - 1) / seconds, peak[0] - before


def _testing_api(port: int, path: str, body: dict[str, object]) -> None:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/__mock__/{path}", method="PUT",
                                     data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=30).close()


@contextmanager
def _writable(port: int, version: str) -> Iterator[None]:
    """A clock at which the 2025 schedules have started; for v1/v2 the delivery partner rule (D4) off, as
    those versions never read a partner (on by default, their declarations would all be refused)."""
    _testing_api(port, "clock", {"now": "2026-03-02T10:00:00Z"})
    if version != "v3":
        _testing_api(port, "settings", {"delivery_partner_rule": False})
    try:
        yield
    finally:
        _testing_api(port, "clock", {"now": None})
        _testing_api(port, "settings", {"delivery_partner_rule": True})


def _compare(version: str, world: World, path: Path, prism_port: int, mock_port: int,
             load: Callable[..., tuple[float, str]],
             args: argparse.Namespace) -> None:
    """One version's figures. Each request runs on Prism, then on the mock, back to back: a neighbour's load
    on the shared machine then weighs on both figures of a ratio alike."""
    load(prism_port, [("GET", f"/api/{version}/npq-applications", "")], 3)  # node compiles hot paths first
    theirs = _prism_reads(version)
    print(f"\n{version}: {'request':<44} {'mock req/s':>10} {'Prism':>8} {'ratio':>6}  answers", flush=True)
    for name, url in world.reads(version).items():
        peer, _ = load(prism_port, theirs[name if "one record" in name else name.split(":")[0] + ": list"])
        load(mock_port, [("GET", url, "")], 1)  # the first read of a page stores its bodies: not timed
        rate, answers = load(mock_port, [("GET", url, "")])
        print(f"{version}: {name:<44} {rate:10.0f} {peer:8.0f} {rate / peer:5.2f}x  {answers}", flush=True)
    if args.no_writes:
        return
    with _writable(mock_port, version):
        writes = Writes(mock_port, path, version, args.write_records)
        for name, make in (("accept", writes.accept), ("declaration POST", writes.declare),
                           ("void", writes.void)):
            requests = make()
            peer, theirs_answers = load(prism_port, _for_prism(requests))
            rate, answers = load(mock_port, requests)
            print(f"{version}: {name:<44} {rate:10.0f} {peer:8.0f} {rate / peer:5.2f}x  {answers} "
                  f"(Prism {theirs_answers})", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="a world file to serve (reused, not seeded)")
    parser.add_argument("--applications", type=int, default=100_000, help="without --db: seed this many")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--prism", type=Path, default=None, help="a folder where prism is installed")
    parser.add_argument("--versions", default="v1,v2,v3")
    parser.add_argument("--reference", type=Path, default=REFERENCE, help="where DfE's documents are")
    parser.add_argument("--no-writes", action="store_true")
    parser.add_argument("--write-records", type=int, default=None,
                        help="records made for each write (default: 4,000 per second of --seconds)")
    args = parser.parse_args()
    args.write_records = args.write_records or int(4000 * args.seconds)  # voids answer ~2,300/s
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="npq-vs-prism-") as folder_name:
        folder = Path(folder_name)
        if args.db is None:
            path, seeded = seed_seconds(folder, args.applications)
            print(f"seeded {args.applications:,} applications in {seeded:.1f} s", flush=True)
        else:
            path = args.db
        world, prism = World(path), _prism(args.prism)
        print(f"world {path}: {world.count}", flush=True)
        mock_process, mock_port, startup = _start_mock(path)
        print(f"mock: first answer {startup:.2f} s after start; RSS {_rss_mib(mock_process.pid):.0f} MiB",
              flush=True)

        def load(port: int, requests: list[tuple[str, str, str]], seconds: float = args.seconds
                 ) -> tuple[float, str]:
            return _wrk(port, requests, args.connections, seconds, folder)

        try:
            for version in args.versions.split(","):
                spec = args.reference / f"upstream-npq-{version}-swagger.yaml"
                with _prism_serving(prism, spec, version) as prism_port:
                    _compare(version, world, path, prism_port, mock_port, load, args)
            print(flush=True)
            for url in ("/api/v1/npq-applications.csv", "/api/v1/participant-declarations.csv",
                        "/api/v2/npq-enrolments.csv"):
                # the first export of a list renders its lines and stores them (store/rendered.py); the
                # next reads them: both are shown, as a user meets both
                for export in ("first", "again"):
                    rows, per_second, growth = _csv(mock_port, url, mock_process.pid)
                    print(f"CSV {url:<40} {export:<5} {rows:9,} rows {per_second:9,.0f} rows/s  "
                          f"RSS growth {growth:5.1f} MiB", flush=True)
            print(f"RSS after the load: mock {_rss_mib(mock_process.pid):.0f} MiB (all processes)",
                  flush=True)
        finally:
            mock_process.terminate()
            mock_process.wait(timeout=30)


if __name__ == "__main__":
    main()
