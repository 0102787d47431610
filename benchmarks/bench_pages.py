"""CPU time of one request, in process (no HTTP, no load generator): one record and the first, a deep and
the last page of 100 of each list, per version, a CSV export, over an existing world file.

Run: .venv/bin/python benchmarks/bench_pages.py WORLD [--calls 15] [--versions v1,v2,v3]

On a shared machine wall-clock req/s swing with the neighbours; the process's own CPU time per request
moves far less, so it is the figure to compare two checkouts with (run the script of each checkout, on a
copy of the world each). Two figures a request: `cold`, its first call (a page's bodies rendered and
stored, store/rendered.py: run on a fresh copy of the world for this to mean a first read), and `warm`,
the median of --calls after it (bodies, page marks and caches in place). A list's stored bodies are
written into the world file (--no-bodies: rendered from their rows every time, as before them).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from werkzeug.test import EnvironBuilder  # noqa: E402

from mockserver.app import create_app  # noqa: E402
from mockserver.config import Settings  # noqa: E402
from mockserver.store.db import connect  # noqa: E402

HEADERS = {"Authorization": "Bearer ambition-token"}
LISTS = {"applications": ("npq-applications", "applications", "id"),
         "participants": ("participants/npq", "provider_participants", "user_id"),
         "declarations": ("participant-declarations", "declarations", "id")}


def urls(world: Path, versions: list[str]) -> dict[str, str]:
    conn = connect(world)
    provider = conn.execute("SELECT id FROM lead_providers WHERE token = 'ambition-token'").fetchone()[0]
    found = {}
    for version in versions:
        for name, (path, table, column) in LISTS.items():
            count, last_id = conn.execute(f"SELECT COUNT(*), MAX({column}) FROM {table} "  # noqa: S608
                                          "WHERE lead_provider_id = ?", (provider,)).fetchone()
            pages = max(1, count // 100)
            found[f"{version} {name}: one record"] = f"/api/{version}/{path}/{last_id}"
            for label, page in (("first", 1), ("deep", max(1, pages // 2)), ("last", pages)):
                found[f"{version} {name}: page {label} ({page})"] = f"/api/{version}/{path}?page[page]={page}"
    conn.close()
    return found


def cpu_ms(app: object, url: str, calls: int) -> tuple[float, float, int, int]:
    """CPU ms of a request's first call and median CPU ms of the next `calls`, its status and body size."""
    path, _, query = url.partition("?")
    environ = EnvironBuilder(path=path, query_string=query, headers=HEADERS).get_environ()
    statuses: list[str] = []

    def call() -> int:
        body = app(dict(environ), lambda status, headers, exc_info=None: statuses.append(status))
        size = sum(len(chunk) for chunk in body)
        getattr(body, "close", lambda: None)()
        return size

    started = time.process_time()
    size = call()
    cold = (time.process_time() - started) * 1000
    times = []
    for _ in range(calls):
        started = time.process_time()
        call()
        times.append((time.process_time() - started) * 1000)
    return cold, statistics.median(times), int(statuses[0].split()[0]), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("world", type=Path)
    parser.add_argument("--calls", type=int, default=15)
    parser.add_argument("--versions", default="v1,v2,v3")
    parser.add_argument("--no-bodies", action="store_true", help="render every page from its rows")
    args = parser.parse_args()
    app = create_app(Settings(db_path=args.world, stored_bodies=not args.no_bodies))
    cpu_ms(app, "/api/v1/npq-applications?page[per_page]=1", 1)  # the app's own first-request costs
    print(f"{'request':<44} {'cold':>8}    {'warm':>8}", flush=True)
    for name, url in urls(args.world, args.versions.split(",")).items():
        cold, warm, status, size = cpu_ms(app, url, args.calls)
        print(f"{name:<44} {cold:8.2f} ms {warm:8.2f} ms CPU  {status} {size:8,} B", flush=True)
    for url in ("/api/v1/npq-applications.csv", "/api/v1/participant-declarations.csv",
                "/api/v2/npq-enrolments.csv"):
        cold, warm, status, size = cpu_ms(app, url, 1)
        print(f"CSV {url:<40} {cold:8.0f} ms {warm:8.0f} ms CPU  {status} {size:8,} B", flush=True)


if __name__ == "__main__":
    main()
