"""Build, reopen and reset the mock's world: reference data and a seeded Faker population in one file."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from faker import Faker

from mockserver.config import Settings
from mockserver.reference import ReferenceData, load_reference
from mockserver.seeding.billing import Billing
from mockserver.seeding.builder import WorldBuilder
from mockserver.seeding.plan import DEFAULT_APPLICATIONS, Progress, build
from mockserver.seeding.pools import Pools
from mockserver.seeding.v3_world import add_v3_world
from mockserver.store import bulk
from mockserver.store import delivery_partners as partner_store
from mockserver.store import statements as statement_store
from mockserver.store.db import connect, create_schema, get_setting, set_setting, write_transaction
from mockserver.store.reference_rows import bump_catalog_revision, write_reference

WORLD_KEY = "world"  # settings key remembering how the world was made, so reset can remake it


@lru_cache(maxsize=4)
def pools_for(seed: int) -> Pools:
    """Faker pools for a seed (Faker("en_GB") seeded; cached because building them takes ~40 ms)."""
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    return Pools.build(faker)


def seed_world(conn: sqlite3.Connection, ref: ReferenceData, *, seed: int, applications: int | None = None,
               delivery_partner_rule: bool = True, fixtures_dir: Path | None = None, empty: bool = False,
               progress: Progress | None = None) -> None:
    """Replace the whole world in one transaction: reference data, settings, then people and records."""
    total = 0 if empty else (DEFAULT_APPLICATIONS if applications is None else applications)
    with write_transaction(conn):
        bulk.wipe_world(conn)
        write_reference(conn, ref, delivery_partner_rule=delivery_partner_rule)
        bump_catalog_revision(conn)  # a worker process holding another catalog reloads it
        builder = WorldBuilder(ref, bulk.schedule_ids(conn), random.Random(seed), pools_for(seed))
        billing = Billing(ref, seed) if total else None
        if billing is not None:
            partner_store.insert(conn, billing.partners, billing.partnerships)
            statement_store.insert(conn, billing.statements)
        for rows, done in build(builder, total) if total else ():
            items = billing.annotate(rows) if billing is not None else []
            for table in bulk.COLUMNS:
                bulk.insert_rows(conn, table, getattr(rows, table))
            statement_store.insert_items(conn, items)
            if progress:
                progress(done, total)
        if total:
            add_v3_world(conn, ref, seed, pools_for(seed))
        set_setting(conn, WORLD_KEY, {
            "seed": seed, "applications": applications, "empty": empty,
            "delivery_partner_rule": delivery_partner_rule,
            "fixtures_dir": str(fixtures_dir) if fixtures_dir else None, "created": 0,
        })


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
    if settings.db_path is None:
        descriptor, name = tempfile.mkstemp(prefix="npq-mock-", suffix=".sqlite3")
        os.close(descriptor)
        path = Path(name)
    else:
        path = Path(settings.db_path)
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(path)
    try:
        create_schema(conn)  # idempotent: an older file gains any table or index added since
        if not bulk.holds_world(conn):
            seed_world(conn, load_reference(settings.fixtures_dir), seed=settings.seed,
                       applications=settings.applications,
                       delivery_partner_rule=settings.delivery_partner_rule,
                       fixtures_dir=settings.fixtures_dir, progress=progress or terminal_progress())
    finally:
        conn.close()
    return path


def remove_database(path: Path) -> None:
    """Delete a world file, its WAL companions, its request journal, its R-17/fault counters and the worlds
    made beside it (used for temporary worlds on shutdown)."""
    for suffix in ("", "-wal", "-shm", ".requests.sqlite3", ".requests.sqlite3-wal", ".requests.sqlite3-shm",
                   ".limits.sqlite3", ".limits.sqlite3-wal", ".limits.sqlite3-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.rmtree(f"{path}.worlds", ignore_errors=True)


def terminal_progress() -> Progress | None:
    """A one-line progress bar on stderr when it is a terminal; nothing otherwise (logs stay clean)."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        filled = int(30 * done / max(total, 1))
        end = "\n" if done >= total else ""
        bar = "#" * filled + "." * (30 - filled)
        sys.stderr.write(f"\rseeding [{bar}] {done:,}/{total:,} applications{end}")
        sys.stderr.flush()

    return show
