"""Seeding time phase by phase, for one or more checkouts side by side, and a digest of every table built.

Run: .venv/bin/python benchmarks/seed_phases.py --size 100000 --rounds 3 --repo . --repo /work/main [--digest]

Each round builds one world per checkout, alternating (so a shared machine's noise falls on all of them),
in a child process whose code is that checkout's (PYTHONPATH and working directory). It prints, per build:
wall seconds of each phase (applications, indexes, v2/v3 records, saving) with the writing process's CPU
seconds in it in brackets, wall seconds of the slowest indexes, and the CPU seconds of the writing
process and of the producer process it started. On a busy machine the CPU seconds are the figures to
compare: a quiet machine's wall time is about max(producer, writer's applications phase) + the rest.
`--digest` prints a SHA-256 of every table's rows in rowid (or key) order: two checkouts that make the
same world print the same.
`record_generation` is left out, as the number of writes that made a world is not part of it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from mockserver.reference import load_reference
from mockserver.seed import build_world_file

marks = []  # (seconds since start, phase, detail, this process's CPU seconds) as a phase or index starts
started = time.perf_counter()

def record(done, total, phase="applications", detail=""):
    key = (phase, detail if phase == "indexes" else "")
    if not marks or tuple(marks[-1][1:3]) != key:
        marks.append((time.perf_counter() - started, *key, time.process_time()))

build_world_file(Path(sys.argv[1]), load_reference(), seed=int(sys.argv[3]), applications=int(sys.argv[2]),
                 progress=record)
ended = time.perf_counter() - started
me, producer = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"marks": marks, "wall": ended, "cpu_writer": me.ru_utime + me.ru_stime,
                  "cpu_end": time.process_time(),
                  "cpu_producer": producer.ru_utime + producer.ru_stime}))
"""


def build(repo: Path, path: Path, size: int, seed: int) -> dict:
    """One world built by `repo`'s code; the child's timings."""
    path.unlink(missing_ok=True)
    env = {"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(size), str(seed)], cwd=repo, env=env,
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def phases(result: dict) -> tuple[dict[str, tuple[float, float]], list[tuple[float, str]]]:
    """(wall, writer CPU) seconds of each phase, and wall seconds of each index, from the marks."""
    marks = [*result["marks"], (result["wall"], "end", "", result["cpu_end"])]
    by_phase: dict[str, tuple[float, float]] = {}
    indexes: list[tuple[float, str]] = []
    for (at, phase, detail, cpu), (next_at, _p, _d, next_cpu) in zip(marks, marks[1:], strict=False):
        wall, used = by_phase.get(phase, (0.0, 0.0))
        by_phase[phase] = (wall + next_at - at, used + next_cpu - cpu)
        if phase == "indexes" and detail:
            indexes.append((next_at - at, detail))
    return by_phase, sorted(indexes, reverse=True)


def digest(path: Path) -> dict[str, str]:
    """SHA-256 of each table's rows (rowid order, or primary-key order for tables without rowids)."""
    conn = sqlite3.connect(path)
    found = {}
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in tables:
        if table == "record_generation":
            continue
        try:
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')  # noqa: S608 - names from the file
        except sqlite3.OperationalError:  # WITHOUT ROWID: its key order
            rows = conn.execute(f'SELECT * FROM "{table}"')  # noqa: S608
        hashed = hashlib.sha256()
        for row in rows:
            hashed.update(repr(row).encode())
        found[table] = hashed.hexdigest()[:16]
    schema = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall()
    found["sqlite_master"] = hashlib.sha256(repr(schema).encode()).hexdigest()[:16]  # not the root pages
    conn.close()
    return found


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size", type=int, default=100_000)
    options.add_argument("--seed", type=int, default=1)
    options.add_argument("--rounds", type=int, default=1)
    options.add_argument("--repo", type=Path, action="append", help="checkout to run (repeat to compare)")
    options.add_argument("--digest", action="store_true", help="print a digest of every table built")
    options.add_argument("--dir", type=Path, help="folder for the world files (default: a temporary one)")
    args = options.parse_args()
    repos = [r.resolve() for r in (args.repo or [Path(__file__).resolve().parents[1]])]
    with tempfile.TemporaryDirectory(prefix="npq-seed-phases-", dir=args.dir) as scratch:
        digests: dict[Path, dict[str, str]] = {}
        for round_number in range(args.rounds):
            for number, repo in enumerate(repos):
                path = Path(scratch) / f"world-{number}.sqlite3"
                result = build(repo, path, args.size, args.seed)
                by_phase, indexes = phases(result)
                shown = "  ".join(f"{name} {wall:5.1f} ({cpu:.1f})" for name, (wall, cpu) in by_phase.items())
                slowest = ", ".join(f"{name} {wall:.1f}" for wall, name in indexes[:4])
                print(f"round {round_number + 1} {repo}: wall {result['wall']:5.1f} s | {shown} | "
                      f"CPU-s writer {result['cpu_writer']:5.1f} producer {result['cpu_producer']:5.1f} "
                      f"| slowest indexes: {slowest}", flush=True)
                if args.digest and round_number == 0:
                    digests[repo] = digest(path)
                path.unlink(missing_ok=True)
        if args.digest:
            for repo, found in digests.items():
                print(f"digest {repo}: {hashlib.sha256(json.dumps(found).encode()).hexdigest()[:16]} {found}")
            if len(digests) > 1:
                same = len({json.dumps(d) for d in digests.values()}) == 1
                print("every checkout made the same world" if same else "THE WORLDS DIFFER")


if __name__ == "__main__":
    main()
