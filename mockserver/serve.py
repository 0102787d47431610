"""Serve a seeded world with granian: seed once in this process, then let the workers open the file."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from mockserver.config import Settings
from mockserver.seed import prepare_database, remove_database, world_info
from mockserver.store import bulk
from mockserver.store.db import connect


def banner(settings: Settings, path: Path, temporary: bool, seconds: float) -> str:
    """What a newcomer needs on start: where the API is, which tokens work, how to stop."""
    conn = connect(path)
    try:
        providers = bulk.provider_tokens(conn)
        total = bulk.application_count(conn)
        seed = world_info(conn).get("seed", settings.seed)  # a reopened file keeps the seed it was made with
    finally:
        conn.close()
    base = f"http://{settings.host}:{settings.port}"
    where = "temporary file, deleted on exit" if temporary else "kept after exit"
    lines = [
        "npq-mock: stateful mock of the DfE NPQ lead provider API v1",
        f"  world    {total:,} applications, seed {seed}, ready in {seconds:.2f} s",
        f"           {path} ({where})",
        f"  API      {base}/api/v1/npq-applications",
        f"  testing  {base}/__mock__/lead-providers  (reset, clock, applications, declarations, settings)",
        "  tokens   Authorization: Bearer <token>",
        *(f"           {token:<22} {name}" for _id, name, token in providers),
        "  Ctrl-C to stop.",
    ]
    return "\n".join(lines)


def serve(settings: Settings) -> int:
    """Prepare the world, print the banner, run granian (WSGI, one blocking thread a worker) until Ctrl-C."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    started = time.perf_counter()
    temporary = settings.db_path is None
    path = prepare_database(settings)
    try:
        settings = replace(settings, db_path=path)
        os.environ.update(settings.to_env())  # workers rebuild the same Settings from these
        print(banner(settings, path, temporary, time.perf_counter() - started), flush=True)
        server = Granian(
            target="mockserver.wsgi:build_app", factory=True, interface=Interfaces.WSGI,
            address=settings.host, port=settings.port, workers=settings.workers,
            # One blocking thread per worker: granian's default pool of hundreds of threads costs a worker
            # two thirds of its throughput on this workload (design/performance-notes.md).
            blocking_threads=1, log_access=False, log_level=LogLevels.warning,
            # A worker that has not stopped 3 s after the signal is killed: a mock has no work worth
            # waiting for (every state change is one SQLite transaction), and Ctrl-C must not hang.
            workers_kill_timeout=3,
        )
        try:
            server.serve()
        except SystemExit as stop:  # granian exits non-zero when a worker died
            return int(stop.code or 0)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        if temporary:
            remove_database(path)
        sys.stdout.flush()
