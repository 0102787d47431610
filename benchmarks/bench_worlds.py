"""How long making a world takes (POST /__mock__/worlds), in-process: the first one (seeds the template) and
the rest (a copy of it). Target: <= 50 ms for the default 400-application world.

    .venv/bin/python benchmarks/bench_worlds.py [--count 30] [--applications N]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from mockserver.app import create_app
from mockserver.config import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--applications", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(db_path=Path(folder) / "world.sqlite3", applications=args.applications,
                            max_worlds=args.count + 1)
        client = create_app(settings).test_client()
        times = []
        for _ in range(args.count):
            started = time.perf_counter()
            made = client.post("/__mock__/worlds", json={})
            times.append((time.perf_counter() - started) * 1000)
            assert made.status_code == 201, made.get_json()
        token = made.get_json()["data"]["lead_providers"][0]["token"]
        first_read = client.get("/api/v3/npq-applications", headers={"Authorization": f"Bearer {token}"})
        assert first_read.status_code == 200
        deleting = []
        for world in client.get("/__mock__/worlds").get_json()["data"]:
            started = time.perf_counter()
            client.delete(f"/__mock__/worlds/{world['id']}")
            deleting.append((time.perf_counter() - started) * 1000)
        size = args.applications or "default (400)"
        rest = sorted(times[1:])
        print(f"world size: {size} applications; {args.count} worlds made")
        print(f"first world (seeds the template): {times[0]:.1f} ms")
        p95 = rest[int(len(rest) * 0.95) - 1]
        median = statistics.median(rest)
        print(f"later worlds: median {median:.1f} ms, p95 {p95:.1f} ms, max {rest[-1]:.1f} ms")
        print(f"delete: median {statistics.median(deleting):.1f} ms")


if __name__ == "__main__":
    main()
