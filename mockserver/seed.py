"""Build, reopen and reset the mock's world: reference data and a seeded Faker population in one file."""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mockserver.config import Settings
from mockserver.reference import ReferenceData, load_reference
from mockserver.seeding.batches import Batch, produced_batches, row_batches
from mockserver.seeding.billing import Billing
from mockserver.seeding.plan import APPLICATIONS_PHASE, DEFAULT_APPLICATIONS, Progress
from mockserver.seeding.pools import pools_for
from mockserver.seeding.v3_world import add_transfers, add_v3_world
from mockserver.store import bulk
from mockserver.store import delivery_partners as partner_store
from mockserver.store import statements as statement_store
from mockserver.store.db import connect, create_schema, get_setting, set_setting, write_transaction
from mockserver.store.reference_rows import bump_catalog_revision, write_reference
from mockserver.store.writers import QUEUE_SUFFIX

WORLD_KEY = "world"  # settings key remembering how the world was made, so reset can remake it
# The phases of a build after the applications (plan.APPLICATIONS_PHASE), as the progress bar names them.
INDEXES_PHASE, EXTRAS_PHASE, SAVING_PHASE = "indexes", "v2/v3 records", "saving"
# From this size a new world file is generated in a second process while this one writes: on two cores
# that nearly halves the time; below it, starting that process (~0.5 s) costs more than it saves.
PRODUCER_FROM = 20_000


def seed_world(conn: sqlite3.Connection, ref: ReferenceData, *, seed: int, applications: int | None = None,
               delivery_partner_rule: bool = True, fixtures_dir: Path | None = None, empty: bool = False,
               progress: Progress | None = None) -> None:
    """Replace the whole world of an open file in one transaction (reset): reference data, settings, then
    people and records, the indexes made again once they are in."""
    total = _total(applications, empty)
    with write_transaction(conn):
        bulk.wipe_world(conn)
        _populate(conn, ref, _world_settings(seed, applications, empty, delivery_partner_rule, fixtures_dir),
                  lambda ids: row_batches(ref, ids, seed, total), total, progress)


def build_world_file(path: Path, ref: ReferenceData, *, seed: int, applications: int | None = None,
                     delivery_partner_rule: bool = True, fixtures_dir: Path | None = None,
                     progress: Progress | None = None, producer_from: int = PRODUCER_FROM) -> None:
    """Seed a new world file at `path`, replacing whatever is there: the same world as seed_world makes,
    built beside it (`<path>.building`) with the tables alone, the indexes made once the rows are in, and
    moved into place when complete, so an interrupted build leaves no half world behind."""
    total = _total(applications, False)
    building = Path(f"{path}.building")
    remove_database(building)
    conn = bulk.open_new_world(building)
    try:
        def batches(ids: dict) -> Iterable[Batch]:
            if total >= producer_from:
                return produced_batches(fixtures_dir, ids, seed, total)
            return row_batches(ref, ids, seed, total)

        with write_transaction(conn):
            settings = _world_settings(seed, applications, False, delivery_partner_rule, fixtures_dir)
            _populate(conn, ref, settings, batches, total, progress)
            if progress:  # the commit writes out the pages the cache held: a few seconds at a million
                progress(0, 1, SAVING_PHASE)
        bulk.close_new_world(conn)
        if progress:
            progress(1, 1, SAVING_PHASE)
    except BaseException:
        conn.close()
        remove_database(building)
        raise
    for suffix in ("-wal", "-shm"):  # a WAL of whatever file was there before belongs to no world now
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(building, path)


def _total(applications: int | None, empty: bool) -> int:
    return 0 if empty else (DEFAULT_APPLICATIONS if applications is None else applications)


def _world_settings(seed: int, applications: int | None, empty: bool, delivery_partner_rule: bool,
                    fixtures_dir: Path | None) -> dict[str, Any]:
    return {"seed": seed, "applications": applications, "empty": empty,
            "delivery_partner_rule": delivery_partner_rule,
            "fixtures_dir": str(fixtures_dir) if fixtures_dir else None, "created": 0}


def _populate(conn: sqlite3.Connection, ref: ReferenceData, world: dict[str, Any],
              batches: Callable[[dict], Iterable[Batch]], total: int, progress: Progress | None) -> None:
    """Write a world into the caller's transaction, over tables without indexes: reference data, billing,
    the generated people and records (`batches(schedule_ids)`), then the indexes, the v2/v3 extras (which
    query the rows), the triggers (none fires for the bulk writes before them: the stored bodies they
    invalidate do not exist yet), the transfers (which the triggers follow) and the settings."""
    write_reference(conn, ref, delivery_partner_rule=world["delivery_partner_rule"])
    bump_catalog_revision(conn)  # a worker process holding another catalog reloads it
    if total:
        billing = Billing(ref, world["seed"])
        partner_store.insert(conn, billing.partners, billing.partnerships)
        statement_store.insert(conn, billing.statements)
        if progress:
            progress(0, total)  # the bar appears while the producer starts
        with _collector_paused():
            for tables, done in batches(bulk.schedule_ids(conn)):
                bulk.insert_batch(conn, tables)
                if progress:
                    progress(done, total)
    tell = progress or _silent
    bulk.index_world(conn, lambda made, of, name: tell(made, of, INDEXES_PHASE, name))
    tell(0, 1, EXTRAS_PHASE)
    if total:
        add_v3_world(conn, ref, world["seed"], pools_for(world["seed"]))
    bulk.trigger_world(conn)
    if total:
        add_transfers(conn, ref)
    set_setting(conn, WORLD_KEY, world)
    tell(1, 1, EXTRAS_PHASE)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while batches go in: their rows are tuples of text and numbers,
    freed by reference counting, yet each batch's would make it run dozens of times (~2.5% of the
    writer's instructions). Back on afterwards, as it was."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def world_info(conn: sqlite3.Connection) -> dict[str, Any]:
    """How the current world was made (seed, size, fixtures), as stored at seeding time."""
    return get_setting(conn, WORLD_KEY, {}) or {}


def reset_world(conn: sqlite3.Connection, *, seed: int | None = None, empty: bool = False,
                configured_seed: int | None = None) -> dict[str, Any]:
    """Back to the seeded state (optionally with another seed, or reference data only); returns world info.

    Without `seed` the world returns to `configured_seed` (the server's --seed), not to the seed of the
    last reset: `{"seed": N}` picks another world for a while, `{}` always comes back to the usual one.
    Without either, the seed the current world was made with.
    """
    info = world_info(conn)
    fixtures = Path(info["fixtures_dir"]) if info.get("fixtures_dir") else None
    chosen = next((s for s in (seed, configured_seed) if s is not None), info.get("seed", 1))
    seed_world(conn, load_reference(fixtures), seed=chosen,
               applications=info.get("applications"),
               delivery_partner_rule=info.get("delivery_partner_rule", True),
               fixtures_dir=fixtures, empty=empty)
    return world_info(conn)


def prepare_database(settings: Settings, *, progress: Progress | None = None) -> Path:
    """The world file, ready to serve: a fresh temp file, an existing world reopened, or a new one seeded."""
    path = world_path(settings)
    if not reopen_world(path):
        build_world_file(path, load_reference(settings.fixtures_dir), seed=settings.seed,
                         applications=settings.applications,
                         delivery_partner_rule=settings.delivery_partner_rule,
                         fixtures_dir=settings.fixtures_dir, progress=progress or terminal_progress())
    return path


def world_path(settings: Settings) -> Path:
    """Where the world lives: --db (its folder made), or a new temporary file."""
    if settings.db_path is None:
        descriptor, name = tempfile.mkstemp(prefix="npq-mock-", suffix=".sqlite3")
        os.close(descriptor)
        return Path(name)
    path = Path(settings.db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def reopen_world(path: Path) -> bool:
    """Whether the file already holds a world, which is then brought up to the current schema. Reads the
    schema and one row, never the records: a million-application file opens as fast as a small one."""
    if not ((path.exists() and path.stat().st_size) or Path(f"{path}-wal").exists()):
        return False
    conn = connect(path)
    try:
        create_schema(conn)  # idempotent: an older file gains any table or index added since
        return bulk.holds_world(conn)
    finally:
        conn.close()


def remove_database(path: Path) -> None:
    """Delete a world file, its WAL companions, its writers' queue, its request journal, its R-17/fault
    counters and the worlds made beside it (used for temporary worlds on shutdown)."""
    for suffix in ("", "-wal", "-shm", QUEUE_SUFFIX, ".requests.sqlite3", ".requests.sqlite3-wal",
                   ".requests.sqlite3-shm", ".limits.sqlite3", ".limits.sqlite3-wal", ".limits.sqlite3-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{path}.worlds", ignore_errors=True)


def terminal_progress() -> Progress | None:
    """A progress bar on stderr when it is a terminal, one line a phase, redrawn as it moves; nothing
    otherwise (logs stay clean)."""
    if not sys.stderr.isatty():
        return None
    shown = {"phase": ""}

    def show(done: int, total: int, phase: str = APPLICATIONS_PHASE, detail: str = "") -> None:
        filled = int(30 * done / max(total, 1))
        bar = "#" * filled + "." * (30 - filled)
        newline = "\n" if shown["phase"] and phase != shown["phase"] else ""
        shown["phase"] = phase
        line = f"seeding {phase:<13} [{bar}] {done:,}/{total:,} {detail}".rstrip()
        sys.stderr.write(f"{newline}\r{line:<90}" + ("\n" if phase == SAVING_PHASE and done >= total else ""))
        sys.stderr.flush()

    return show


def _silent(done: int, total: int, phase: str = APPLICATIONS_PHASE, detail: str = "") -> None:
    """No progress shown."""
