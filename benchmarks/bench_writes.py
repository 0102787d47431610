"""The three timed writes (accept, declaration POST, void) in process: CPU microseconds per write, per API
version, for this checkout and optionally another one, alternating.

Run: .venv/bin/python benchmarks/bench_writes.py WORLD [--repo OTHER_CHECKOUT] [--versions v3,v1,v2]
     [--records 1000] [--rounds 3] [--profile WRITE]

WORLD is never written: each checkout gets a copy of its own (beside it, removed at the end), reused by its
rounds. Each round runs every checkout once, in a child process with that checkout's source first on the path
(the other checkout, e.g. `git worktree add /tmp/writes-base main`, is run with this interpreter), taking
turns, so a neighbour's load on the shared machine falls on both alike; compare the figures of one round, and
the range over the rounds. The child makes fresh records through the testing API (as bench_prism.py's
`Writes` does, at its clock and settings: 2025 schedules started; for v1/v2 the delivery partner rule off),
then times each write on them through the app's WSGI callable (time.process_time: the journal writer
thread's share included) and checks that every answer was 200. `--profile accept` (or `declare`, `void`)
prints cProfile's top functions of that write instead, for this checkout only.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TOKEN = "ambition-token"
WRITES = ("accept", "declare", "void")


def _child(world: Path, versions: list[str], records: int, profile: str | None) -> None:
    """Time the writes of each version on `world` with the mockserver found first on the path."""
    from werkzeug.test import EnvironBuilder

    from mockserver.app import create_app
    from mockserver.config import Settings

    app = create_app(Settings(db_path=world))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}"}

    def make(attributes: dict[str, object]) -> list[str]:
        batch = {"data": [{"attributes": attributes}] * records}
        answer = client.post("/__mock__/applications/batch", json=batch, headers=headers)
        return [made["id"] for made in answer.json["data"]]

    def environ(method: str, path: str, body: object | None) -> dict:
        data = None if body is None else json.dumps(body).encode()
        return EnvironBuilder(path=path, method=method, data=data, content_type="application/json",
                              headers=headers).get_environ()

    def call(env: dict) -> str:
        status: list[str] = []
        answer = app.wsgi_app(dict(env), lambda s, h, e=None: status.append(s))
        b"".join(answer)
        answer.close()
        return status[0]

    results: dict[str, dict[str, float]] = {}
    for version in versions:
        client.put("/__mock__/clock", json={"now": "2026-03-02T10:00:00Z"})
        client.put("/__mock__/settings", json={"delivery_partner_rule": version == "v3"})
        accept = {"data": {"type": "npq-application-accept", "attributes": {"funded_place": True}}}
        requests = {"accept": [environ("POST", f"/api/{version}/npq-applications/{i}/accept", accept)
                               for i in make({"cohort": 2025, "eligible_for_funding": True})]}
        declared_ids = make({"cohort": 2025, "status": "accepted"})
        conn = sqlite3.connect(world)
        marks = ",".join("?" * len(declared_ids))
        rows = conn.execute("SELECT a.user_id, a.course_identifier, s.applies_from FROM applications a "
                            f"JOIN schedules s ON s.id = a.schedule_id WHERE a.id IN ({marks})",
                            declared_ids).fetchall()
        partner = conn.execute(
            "SELECT delivery_partner_id FROM delivery_partnerships d JOIN lead_providers p "
            "ON p.id = d.lead_provider_id WHERE p.token = ? AND d.cohort = 2025 LIMIT 1", (TOKEN,)).fetchone()
        requests["declare"] = [environ("POST", f"/api/{version}/participant-declarations", {"data": {
            "type": "participant-declaration", "attributes": {
                "participant_id": user, "declaration_type": "started", "course_identifier": course,
                "declaration_date": f"{start}T10:00:00Z", "delivery_partner_id": partner and partner[0]}}})
            for user, course, start in rows]
        results[version] = {}
        for write in WRITES:
            if write == "void":  # the declarations the declare run made
                found = conn.execute(f"SELECT id FROM declarations WHERE application_id IN ({marks}) "
                                     "AND state IN ('submitted', 'eligible')", declared_ids).fetchall()
                requests["void"] = [environ("PUT", f"/api/{version}/participant-declarations/{i}/void", None)
                                    for (i,) in found]
            if profile == write:
                import cProfile
                import pstats
                profiler = cProfile.Profile(time.thread_time)  # CPU of this thread, not waits
                profiler.enable()
                answers = collections.Counter(call(env) for env in requests[write])
                profiler.disable()
                print(version, write, dict(answers))
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
                continue
            started = time.process_time()
            answers = collections.Counter(call(env) for env in requests[write])
            spent = time.process_time() - started
            if answers["200 OK"] < 0.99 * len(requests[write]):  # the figure would be of refusals
                raise SystemExit(f"{version} {write}: answers {dict(answers)}")
            results[version][write] = spent / len(requests[write]) * 1e6
        conn.close()
        client.put("/__mock__/settings", json={"delivery_partner_rule": True})
        client.put("/__mock__/clock", json={"now": None})
    print(json.dumps(results))


def _run(checkout: Path, world: Path, args: argparse.Namespace) -> dict[str, dict[str, float]]:
    env = {**os.environ, "PYTHONPATH": str(checkout)}
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(world), "--versions",
               args.versions, "--records", str(args.records)]
    result = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"{checkout}: {result.stderr[-2000:]}{result.stdout[-500:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--repo", type=Path, default=None, help="another checkout, run in turn with this one")
    parser.add_argument("--versions", default="v3,v1,v2")
    parser.add_argument("--records", type=int, default=1000, help="records made for each write, per version")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=WRITES, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    versions = args.versions.split(",")
    if args.child:
        _child(args.world, versions, args.records, args.profile)
        return
    checkouts = [REPO] + ([args.repo.resolve()] if args.repo else [])
    with tempfile.TemporaryDirectory(prefix="bench-writes-", dir=args.world.parent) as folder:
        copies = []
        for number, _ in enumerate(checkouts):
            copy = Path(folder) / f"world-{number}.sqlite3"
            shutil.copyfile(args.world, copy)
            copies.append(copy)
        if args.profile:
            sys.path.insert(0, str(REPO))  # this checkout's mockserver (a child has it on PYTHONPATH)
            _child(copies[0], versions, args.records, args.profile)
            return
        names = [str(c) for c in checkouts]
        print(f"CPU us per write, {args.records} records each; checkouts: " + "; ".join(
            f"[{n}] {name}" for n, name in enumerate(names)), flush=True)
        cells = [(v, w) for v in versions for w in WRITES]
        print(f"{'round':>5} {'checkout':>8} " + " ".join(f"{v + ' ' + w:>12}" for v, w in cells))
        figures: list[list[dict[str, dict[str, float]]]] = [[] for _ in checkouts]
        for number in range(args.rounds):
            order = list(range(len(checkouts)))
            if number % 2:
                order.reverse()  # whichever runs second in a round runs first in the next
            for which in order:
                started = time.perf_counter()
                found = _run(checkouts[which], copies[which], args)
                figures[which].append(found)
                row = " ".join(f"{found[v][w]:12.0f}" for v, w in cells)
                seconds = time.perf_counter() - started
                print(f"{number + 1:>5} {which:>8} {row}   ({seconds:.0f} s)", flush=True)
        if len(checkouts) == 2:
            # per round: [0]'s figure over [1]'s (below 1: [0] is cheaper); then their range over the rounds
            ratios = {c: sorted(a[c[0]][c[1]] / b[c[0]][c[1]] for a, b in zip(*figures, strict=True))
                      for c in cells}
            print(f"{'[0]/[1]':>14} " + " ".join(f"{ratios[c][len(ratios[c]) // 2]:12.2f}" for c in cells)
                  + "   (median of the rounds)")
            spans = (f"{ratios[c][0]:.2f}-{ratios[c][-1]:.2f}" for c in cells)
            print(f"{'range':>14} " + " ".join(f"{span:>12}" for span in spans))


if __name__ == "__main__":
    main()
