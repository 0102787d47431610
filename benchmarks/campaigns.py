"""Campaigns against the production server (`npq-mock serve`, granian, several workers): races, crashes,
connections. Each prints its figures; `tests/mockserver/test_resilience_server.py` runs short seeded ones.

    python benchmarks/campaigns.py races --trials 50
    python benchmarks/campaigns.py crashes --crash-trials 20
    python benchmarks/campaigns.py connections --idle 300 --stalled 100
    python benchmarks/campaigns.py all

Races: 8 clients released by a barrier send the same write at once (accept, a declaration, void,
change-schedule, change-funded-place); each trial must have exactly one winner (change-funded-place to the
same value is idempotent: all 8 succeed and the record shows the value once). Crashes: writers send a burst
of creates and accepts, the server's whole process group is SIGKILLed at a seeded moment, then restarted on
the same --db: `PRAGMA integrity_check` must say ok and every write answered 2xx must be there.
Connections: idle connections, stalled half-sent headers and half-sent bodies are held open while another
client's requests are timed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TOKEN = "ambition-token"
RACERS = 8


# --- a served mock ---


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`npq-mock serve` in its own process group, on a free port, over a world file."""

    def __init__(
        self, db: Path, workers: int = 4, applications: int = 40, extra: tuple[str, ...] = ()
    ) -> None:
        self.db, self.workers, self.applications, self.extra = db, workers, applications, extra
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        command = [
            sys.executable,
            "-m",
            "mockserver.cli",
            "serve",
            "--db",
            str(self.db),
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--applications",
            str(self.applications),
            "--journal-size",
            "0",
            *self.extra,
        ]
        self.process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        for _ in range(600):  # bounded polling; the answer itself is the synchronisation
            if self.process.poll() is not None:
                raise RuntimeError("the server exited early")
            try:
                if call(self.port, "GET", "/__mock__/clock", timeout=2)[0] == 200:
                    return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("the server did not answer")

    def kill(self) -> None:
        """SIGKILL the whole process group (parent and workers): a crash, nothing flushed or closed."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@contextmanager
def served(db: Path | None = None, **kwargs: Any) -> Iterator[Server]:
    with tempfile.TemporaryDirectory(prefix="npq-campaign-") as folder:
        server = Server(db or Path(folder) / "world.sqlite3", **kwargs).start()
        try:
            yield server
        finally:
            server.stop()


def call(
    port: int,
    method: str,
    path: str,
    body: Any = None,
    timeout: float = 30,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=json.dumps(body) if body is not None else None, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        try:
            return response.status, json.loads(raw or b"{}")
        except ValueError:
            return response.status, raw
    finally:
        connection.close()


def race(calls: list[Callable[[], tuple[int, Any]]]) -> list[tuple[int, Any]]:
    """Run the calls at the same instant, one thread each (a barrier, no sleeps); their answers in order."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait(timeout=60)
        try:
            answers[index] = calls[index]()
        except OSError as error:
            answers[index] = (0, repr(error))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


# --- races ---


def _application(port: int, **attributes: Any) -> dict:
    status, body = call(
        port,
        "POST",
        "/__mock__/applications",
        {
            "data": {
                "attributes": {
                    "cohort": 2023,
                    "course_identifier": "npq-headship",
                    "eligible_for_funding": True,
                    **attributes,
                }
            }
        },
    )
    assert status == 201, body
    return body["data"]


def _accepted(port: int) -> dict:
    return _application(
        port,
        status="accepted",
        schedule_identifier="npq-leadership-autumn",
        created_at="2023-09-01T10:00:00Z",
    )


def _declaration_body(person: str) -> dict:
    return {
        "data": {
            "type": "participant-declaration",
            "attributes": {
                "participant_id": person,
                "declaration_type": "started",
                "declaration_date": "2023-11-01T10:00:00Z",
                "course_identifier": "npq-headship",
            },
        }
    }


def _declarations_of(port: int, person: str) -> int:
    status, listed = call(port, "GET", f"/api/v1/participant-declarations?filter[participant_id]={person}")
    assert status == 200, listed
    return len(listed["data"])


def race_accept(port: int, _rng: random.Random) -> tuple[list[int], bool]:
    app = _application(port)
    url = f"/api/v1/npq-applications/{app['id']}/accept"
    statuses = [s for s, _ in race([lambda: call(port, "POST", url)] * RACERS)]
    _, shown = call(port, "GET", f"/api/v1/npq-applications/{app['id']}")
    return statuses, statuses.count(200) == 1 and shown["data"]["attributes"]["status"] == "accepted"


def race_declaration(port: int, _rng: random.Random) -> tuple[list[int], bool]:
    person = _accepted(port)["attributes"]["participant_id"]
    body = _declaration_body(person)
    statuses = [
        s for s, _ in race([lambda: call(port, "POST", "/api/v1/participant-declarations", body)] * RACERS)
    ]
    return statuses, statuses.count(200) == 1 and _declarations_of(port, person) == 1


def race_void(port: int, _rng: random.Random) -> tuple[list[int], bool]:
    person = _accepted(port)["attributes"]["participant_id"]
    status, created = call(port, "POST", "/api/v1/participant-declarations", _declaration_body(person))
    assert status == 200, created
    url = f"/api/v1/participant-declarations/{created['data']['id']}/void"
    statuses = [s for s, _ in race([lambda: call(port, "PUT", url)] * RACERS)]
    _, shown = call(port, "GET", f"/api/v1/participant-declarations/{created['data']['id']}")
    return statuses, statuses.count(200) == 1 and shown["data"]["attributes"]["state"] == "voided"


def race_change_schedule(port: int, _rng: random.Random) -> tuple[list[int], bool]:
    person = _accepted(port)["attributes"]["participant_id"]
    url = f"/api/v1/participants/npq/{person}/change-schedule"
    body = {
        "data": {
            "type": "npq-participant-change-schedule",
            "attributes": {
                "schedule_identifier": "npq-leadership-spring",
                "course_identifier": "npq-headship",
                "cohort": "2023",
            },
        }
    }
    statuses = [s for s, _ in race([lambda: call(port, "PUT", url, body)] * RACERS)]
    # v1 does not show the schedule: sending it again must meet R-94 ("already has the specified schedule").
    _, again = call(port, "PUT", url, body)
    settled = "already has the specified schedule" in json.dumps(again)
    return statuses, statuses.count(200) == 1 and settled


def race_change_funded_place(port: int, _rng: random.Random) -> tuple[list[int], bool]:
    app = _application(
        port, cohort=2024, status="accepted", funded_place=False, created_at="2024-09-01T10:00:00Z"
    )
    url = f"/api/v1/npq-applications/{app['id']}/change-funded-place"
    body = {"data": {"type": "npq-application-change-funded-place", "attributes": {"funded_place": True}}}
    statuses = [s for s, _ in race([lambda: call(port, "PUT", url, body)] * RACERS)]
    _, shown = call(port, "GET", f"/api/v1/npq-applications/{app['id']}")
    # Setting the same value is idempotent in the real service (no "already set" rule): every racer wins,
    # and the record shows the value.
    return statuses, statuses == [200] * RACERS and shown["data"]["attributes"]["funded_place"] is True


RACES = {
    "accept": race_accept,
    "declaration": race_declaration,
    "void": race_void,
    "change-schedule": race_change_schedule,
    "change-funded-place": race_change_funded_place,
}


FUNDED_NOW = "2024-06-01T12:00:00Z"  # the seeded 2023 statements are open then (they end early 2025)


def races(trials: int, seed: int = 1, workers: int = 4) -> dict[str, Any]:
    """N trials of each race on one server; counts of requests, 5xx and trials with one winner."""
    rng = random.Random(seed)
    figures: dict[str, Any] = {"workers": workers, "racers": RACERS}
    with served(workers=workers) as server:
        # The races declare for 2023: run them while its output-fee statements are open (R-100, V-71).
        call(server.port, "PUT", "/__mock__/clock", {"now": FUNDED_NOW})
        for name, run in RACES.items():
            sent = fivexx = good = 0
            for _ in range(trials):
                statuses, ok = run(server.port, rng)
                sent += len(statuses)
                fivexx += sum(1 for s in statuses if s >= 500 or s == 0)
                good += ok
            figures[name] = {"trials": trials, "requests": sent, "5xx_or_dropped": fivexx, "one_winner": good}
    return figures


# --- crashes ---


def _writer(
    port: int,
    rng: random.Random,
    acknowledged: list[tuple[str, str]],
    stop: threading.Event,
    flowing: threading.Event,
) -> None:
    """Create applications and accept some, until the server dies; remember every 2xx."""
    while not stop.is_set():
        try:
            status, body = call(
                port,
                "POST",
                "/__mock__/applications",
                {
                    "data": {
                        "attributes": {
                            "cohort": 2023,
                            "course_identifier": "npq-headship",
                            "eligible_for_funding": True,
                        }
                    }
                },
                timeout=5,
            )
            if status != 201:
                continue
            app_id = body["data"]["id"]
            acknowledged.append(("created", app_id))
            flowing.set()
            if rng.random() < 0.5:
                status, _ = call(port, "POST", f"/api/v1/npq-applications/{app_id}/accept", timeout=5)
                if status == 200:
                    acknowledged.append(("accepted", app_id))
        except (OSError, http.client.HTTPException, ValueError):
            return  # the server is gone


def crashes(trials: int, seed: int = 1, writers: int = 4, workers: int = 4) -> dict[str, Any]:
    """Trials of: a burst of writes, SIGKILL at a seeded moment, restart on the same file, check it."""
    rng = random.Random(seed)
    totals = {
        "trials": trials,
        "intact": 0,
        "acknowledged_writes": 0,
        "lost_writes": 0,
        "integrity_errors": 0,
    }
    with tempfile.TemporaryDirectory(prefix="npq-crash-") as folder:
        db = Path(folder) / "world.sqlite3"
        for _ in range(trials):
            server = Server(db, workers=workers).start()
            call(server.port, "PUT", "/__mock__/clock", {"now": FUNDED_NOW})  # as for the races
            acknowledged: list[tuple[str, str]] = []
            stop, flowing = threading.Event(), threading.Event()
            threads = [
                threading.Thread(
                    target=_writer,
                    args=(server.port, random.Random(rng.random()), acknowledged, stop, flowing),
                )
                for _ in range(writers)
            ]
            for thread in threads:
                thread.start()
            # The crash's moment (seeded) counts from the first acknowledged write, so a server slow to warm
            # up (its first testing-API write waits for the Faker pools) is still killed mid-burst.
            flowing.wait(timeout=30)
            time.sleep(rng.uniform(0.2, 1.2))
            server.kill()
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            conn = sqlite3.connect(str(db))
            integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            conn.close()
            server = Server(db, workers=workers).start()
            try:
                lost = 0
                for kind, app_id in list(acknowledged):
                    status, body = call(server.port, "GET", f"/api/v1/npq-applications/{app_id}")
                    if status != 200 or (
                        kind == "accepted" and body["data"]["attributes"]["status"] != "accepted"
                    ):
                        lost += 1
            finally:
                server.stop()
            totals["acknowledged_writes"] += len(acknowledged)
            totals["lost_writes"] += lost
            totals["integrity_errors"] += integrity != "ok"
            totals["intact"] += integrity == "ok" and lost == 0
    return totals


# --- connections ---


def _open(port: int, first_bytes: bytes = b"") -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if first_bytes:
        sock.sendall(first_bytes)
    return sock


def _closed_by_server(sock: socket.socket, wait: float) -> bool:
    """Whether the server gave up on this connection within `wait` seconds (an answer, EOF or a reset)."""
    sock.settimeout(wait)
    try:
        sock.recv(65536)
        return True
    except TimeoutError:
        return False
    except OSError:
        return True


def cutoffs(
    stalled: int = 5, slow_bodies: int = 3, timeout: int = 1, wait: float = 10.0, workers: int = 2,
    probes: int = 10,
) -> dict[str, Any]:
    """With `--body-timeout timeout`: are half-sent headers and trickled bodies dropped, and answered how, and
    is everyone else answered meanwhile and after?"""
    with served(workers=workers, extra=("--body-timeout", str(timeout))) as server:
        port = server.port
        heads = [
            _open(port, b"GET /api/v1/npq-applications HTTP/1.1\r\nHost: x\r\nAuth") for _ in range(stalled)
        ]
        bodies = [_open(port, SLOW_BODY) for _ in range(slow_bodies)]
        started = time.perf_counter()
        while_held = _timed(port, probes)
        answers, envelopes = [], []
        for sock in bodies:
            sock.settimeout(wait)
            try:
                head, _, body = sock.recv(65536).partition(b"\r\n\r\n")
                answers.append(head.split(b"\r\n", 1)[0].decode())
                envelopes.append(body.decode(errors="replace"))
            except OSError as error:
                answers.append(type(error).__name__)
        closed = sum(_closed_by_server(s, wait) for s in heads)
        seconds = time.perf_counter() - started
        after = _timed(port, probes)
        for sock in heads + bodies:
            sock.close()
    return {
        "stalled_headers": stalled,
        "stalled_dropped": closed,
        "slow_bodies": slow_bodies,
        "slow_body_answers": answers,
        "slow_body_envelopes": sorted(set(envelopes)),
        "seconds_to_drop_all": round(seconds, 2),
        "body_timeout": timeout,
        "others_while_held_ms": while_held,
        "others_after_ms": after,
    }


SLOW_BODY = (
    b"POST /api/v1/participant-declarations HTTP/1.1\r\nHost: x\r\n"
    b"Authorization: Bearer ambition-token\r\nContent-Type: application/json\r\n"
    b'Content-Length: 100000\r\n\r\n{"data":'
)


def connections(
    idle: int = 300,
    stalled: int = 100,
    slow_bodies: int = 50,
    probes: int = 40,
    cutoff_wait: float = 0.0,
    workers: int = 2,
) -> dict[str, Any]:
    """Hold idle, half-sent and slow-body connections open; time another client's requests meanwhile."""
    with served(workers=workers) as server:
        port = server.port
        baseline = _timed(port, probes)
        held = [_open(port) for _ in range(idle)]
        held += [
            _open(port, b"GET /api/v1/npq-applications HTTP/1.1\r\nHost: x\r\nAuthori")
            for _ in range(stalled)
        ]
        bodies = [_open(port, SLOW_BODY) for _ in range(slow_bodies)]
        try:
            loaded = _timed(port, probes)
            figures: dict[str, Any] = {
                "idle": idle,
                "stalled_headers": stalled,
                "slow_bodies": slow_bodies,
                "probes": probes,
                "baseline_ms": baseline,
                "while_held_ms": loaded,
            }
            if cutoff_wait:
                figures["stalled_closed_by_server"] = sum(
                    _closed_by_server(s, cutoff_wait) for s in held[idle:]
                )
                figures["slow_bodies_closed_by_server"] = sum(_closed_by_server(s, 1.0) for s in bodies)
                figures["cutoff_wait_s"] = cutoff_wait
        finally:
            for sock in held + bodies:
                sock.close()
    return figures


def _timed(port: int, probes: int) -> dict[str, float]:
    times, failures = [], 0
    for _ in range(probes):
        started = time.perf_counter()
        try:
            status, _ = call(port, "GET", "/api/v1/npq-applications?page[per_page]=5", timeout=10)
            failures += status != 200
        except OSError:
            failures += 1
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": round(statistics.median(times), 1), "max": round(times[-1], 1), "failures": failures}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("campaign", choices=["races", "crashes", "connections", "cutoffs", "all"])
    parser.add_argument("--trials", type=int, default=20, help="race trials per kind of write")
    parser.add_argument("--crash-trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--idle", type=int, default=300)
    parser.add_argument("--stalled", type=int, default=100)
    parser.add_argument(
        "--cutoff-wait",
        type=float,
        default=35.0,
        help="how long to wait for the server to drop stalled connections (granian: 30 s)",
    )
    args = parser.parse_args(argv)
    if args.campaign in ("races", "all"):
        print("races", json.dumps(races(args.trials, args.seed), indent=1), flush=True)
    if args.campaign in ("crashes", "all"):
        print("crashes", json.dumps(crashes(args.crash_trials, args.seed), indent=1), flush=True)
    if args.campaign in ("cutoffs", "all"):
        print("cutoffs", json.dumps(cutoffs(), indent=1), flush=True)
    if args.campaign in ("connections", "all"):
        print(
            "connections",
            json.dumps(connections(args.idle, args.stalled, cutoff_wait=args.cutoff_wait), indent=1),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
