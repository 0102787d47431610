"""Serve a seeded world with granian: seed once in this process, then let the workers open the file."""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from mockserver.config import Settings
from mockserver.seed import prepare_database, remove_database, reopen_world, world_info, world_path
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
        *access_lines(settings, base),
        "  tokens   Authorization: Bearer <token>",
        *(f"           {token:<22} {name}" for _id, name, token in providers),
        "  Ctrl-C to stop.",
    ]
    return "\n".join(lines)


LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


def access_lines(settings: Settings, base: str) -> list[str]:
    """The banner's testing-API lines: open, guarded by a token (never shown) or off; R-17 when on."""
    if not settings.testing_api:
        lines = ["  testing  off (--no-testing-api): /__mock__/ answers 404"]
    elif settings.testing_api_token:
        lines = [f"  testing  {base}/__mock__/lead-providers  (needs header X-NPQ-Mock-Admin: <your token>)"]
    else:
        lines = [f"  testing  {base}/__mock__/lead-providers  (reset, clock, applications, declarations, "
                 "settings; open to anyone who can reach this address)"]
    if settings.rate_limit:
        lines.append("  limit    R-17 on: 1000 requests per 5 minutes per Authorization value, then 429")
    return lines


def exposure_warning(settings: Settings) -> str | None:
    """A warning when the open testing API listens beyond this machine."""
    if settings.host in LOOPBACK or settings.host.startswith("127.") or not settings.testing_api:
        return None
    if settings.testing_api_token:
        return None
    return (f"npq-mock: WARNING: listening on {settings.host} with an open testing API: anyone who can reach "
            "this address can reset the world, read every token and the request journal. Add "
            "--testing-api-token TOKEN (or NPQ_MOCK_TESTING_API_TOKEN) or --no-testing-api.")


def _seed_apart(settings: Settings) -> bool:
    """Seed the new world in a child process; False when that failed (the child said why on stderr).

    Not here: building a world leaves a process large (glibc keeps the freed heap, SQLite its page cache;
    ~150 MiB after 30,000 applications), and this process becomes granian's master, whose pages every
    forked worker maps and counts in its own RSS.
    """
    child = multiprocessing.get_context("spawn").Process(target=prepare_database, args=(settings,),
                                                         name="npq-mock seeding")
    child.start()
    try:
        child.join()
    except KeyboardInterrupt:  # Ctrl-C reached the child too: let it remove its half-built file
        child.join(timeout=30)
        raise
    return child.exitcode == 0


def _note_worker_exits(server: Any) -> list[int]:
    """The exit codes of the workers that had ended when granian began its shutdown (it forgets its workers
    during it); filled in then. Reaches into granian 2.8's server (`_stop_workers`, `wrks`, each worker's
    multiprocessing `inner`), as the pinned versions have them; without them, an empty list."""
    exits: list[int] = []
    stop_workers = getattr(server, "_stop_workers", None)
    if stop_workers is None:
        return exits

    def noting() -> None:
        for worker in getattr(server, "wrks", ()):
            code = getattr(getattr(worker, "inner", None), "exitcode", None)
            if code is not None:
                exits.append(code)
        stop_workers()

    server._stop_workers = noting
    return exits


def serve(settings: Settings) -> int:
    """Prepare the world, print the banner, run granian (WSGI, one blocking thread a worker) until Ctrl-C."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    from mockserver.resilience.head import SERVER_BUFFER_BYTES

    started = time.perf_counter()
    temporary = settings.db_path is None
    path = world_path(settings)
    try:
        settings = replace(settings, db_path=path)
        if not reopen_world(path) and not _seed_apart(settings):
            print(f"npq-mock: could not seed the world in {path} (see above)", file=sys.stderr, flush=True)
            return 1
        os.environ.update(settings.to_env())  # workers rebuild the same Settings from these
        print(banner(settings, path, temporary, time.perf_counter() - started), flush=True)
        warning = exposure_warning(settings)
        if warning:
            print(warning, file=sys.stderr, flush=True)
        # granian forks its workers from this process: importing the app's modules here (not building the
        # app, nor opening the world) means each worker starts with them loaded, instead of every worker
        # importing Flask and the mock again (~0.3 s each) before its first answer.
        import mockserver.app  # noqa: F401

        server = Granian(
            target="mockserver.wsgi:build_app", factory=True, interface=Interfaces.WSGI,
            address=settings.host, port=settings.port, workers=settings.workers,
            # A few blocking threads per worker (--threads, default 4): granian's default pool of hundreds
            # costs a worker two thirds of its throughput on this workload (design/performance-notes.md),
            # one thread let a single client trickling a body stall its worker; 4 cost 3-20 % of req/s on a
            # list GET (wrk -c8, 2 runs each, noisy shared cores: ~4,065 vs ~3,535). `--threads 1` for speed.
            # The threads take turns running the app (resilience/turns.py); more of them measured no faster.
            blocking_threads=settings.threads, log_access=False, log_level=LogLevels.warning,
            # A worker that has not stopped 3 s after the signal is killed: a mock has no work worth
            # waiting for (every state change is one SQLite transaction), and Ctrl-C must not hang.
            workers_kill_timeout=3,
            # A request whose headers have not all arrived after 10 s is dropped (granian's default: 30 s).
            # granian has no deadline for bodies: see mockserver/resilience/body.py. Its buffer for a
            # request's head (default ~408 KiB, beyond which it answers an empty 431) is raised, so
            # enormous headers reach the app and get a 431 in the API's envelope (resilience/head.py).
            http1_settings=HTTP1Settings(header_read_timeout=10_000, max_buffer_size=SERVER_BUFFER_BYTES),
        )
        exits = _note_worker_exits(server)
        try:
            server.serve()
        except SystemExit as stop:  # granian exits non-zero when a worker died
            # ... and also on Ctrl-C when a worker got the terminal's SIGINT itself and stopped before the
            # master did (granian counts that as a worker failure; seen under load). Asked to stop, the
            # server has stopped: that is success. The master's own flag can still be unset then (its
            # Python-level handler had not run: ~1 run in 60 of test_cli's paused-master case), so a stop
            # is also told by the workers' exits: those that had ended all ended cleanly, none crashed.
            stopped_cleanly = bool(exits) and all(code == 0 for code in exits)
            asked = getattr(server, "interrupt_signal", False) or stopped_cleanly
            return 0 if asked else int(stop.code or 0)
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        if temporary:
            remove_database(path)
        sys.stdout.flush()
