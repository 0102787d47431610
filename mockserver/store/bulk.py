"""Bulk writes for seeding and reset: wipe the world, stream rows in with executemany, read seed lookups."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from operator import itemgetter
from pathlib import Path

from mockserver.store.db import (
    bind_none_quickly,
    create_indexes,
    create_tables,
    create_triggers,
    drop_indexes,
    fill_derived,
)
from mockserver.store.statements import ITEM_COLUMNS

COLUMNS: dict[str, tuple[str, ...]] = {
    "users": (
        "id", "full_name", "email", "trn", "trn_verified", "created_at", "updated_at", "previous_names",
    ),
    "applications": (
        "id", "user_id", "lead_provider_id", "course_identifier", "cohort", "status", "training_status",
        "schedule_id", "funded_place", "eligible_for_funding", "funding_eligibility_status_code",
        "employer_name", "employment_role", "funding_choice", "headteacher_status",
        "private_childcare_provider_urn", "school_urn", "school_ukprn", "works_in_school",
        "targeted_delivery_funding_eligibility", "teacher_catchment", "teacher_catchment_country",
        "teacher_catchment_iso_country_code", "itt_provider", "lead_mentor", "accepted_at",
        "created_at", "updated_at", "cohort_suffix", "reason_for_rejection", "senco_in_role",
        "senco_start_date",
    ),
    "application_states": ("application_id", "lead_provider_id", "state", "reason", "created_at"),
    "declarations": (
        "id", "application_id", "user_id", "lead_provider_id", "cohort", "declaration_type",
        "declaration_date", "state", "superseded_by_id", "created_at", "updated_at", "delivery_partner_id",
        "secondary_delivery_partner_id",
    ),
    "outcomes": (
        "id", "declaration_id", "lead_provider_id", "user_id", "state", "completion_date", "created_at",
    ),
}
# Children first, so a wipe never leaves a dangling reference even with foreign keys on.
WORLD_TABLES = ("statement_items", "statements", "outcomes", "declarations", "delivery_partnerships",
                "delivery_partners", "application_states", "participant_id_changes", "applications",
                "users")
_INSERTS = {
    table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"
    for table, cols in COLUMNS.items()
}


def wipe_world(conn: sqlite3.Connection) -> None:
    """Delete every person, record, stored body and setting (clock, switches, id sequence) with the indexes
    and triggers, in the caller's transaction; index_world makes them again once the new rows are in."""
    drop_indexes(conn)
    for table in (*WORLD_TABLES, "provider_participants", "foreign_declarations", "settings", "rendered"):
        conn.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    # the triggers that keep these are gone until index_world. The generation starts again as in a new
    # file (a reset world equals a new one byte for byte); paging marks see the schema cookie move.
    conn.execute("UPDATE rendered_state SET used = 0")
    conn.execute("UPDATE record_generation SET n = 0")


# Columns added for v2/v3 with the value a row made without them gets (older callers, test worlds).
_DEFAULTS: dict[str, object] = {
    "previous_names": "[]", "cohort_suffix": "a", "reason_for_rejection": None, "senco_in_role": None,
    "senco_start_date": None,
}


def insert_rows(conn: sqlite3.Connection, table: str, rows: Iterable[Mapping[str, object]]) -> None:
    """Insert dict rows into one world table; keys outside the table's columns are ignored, the v2/v3
    columns default when absent."""
    defaults = {c: _DEFAULTS[c] for c in COLUMNS[table] if c in _DEFAULTS}
    if defaults:
        rows = [row if defaults.keys() <= row.keys() else {**defaults, **row} for row in rows]
    conn.executemany(_INSERTS[table], rows)


# Rows as tuples in this column order (COLUMNS, and statement items): a tuple binds in half the time of a
# dict, and pickles to a third of the size when another process generated it.
TUPLE_COLUMNS: dict[str, tuple[str, ...]] = {**COLUMNS, "statement_items": ITEM_COLUMNS}
_TUPLE_INSERTS = {
    table: f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for table, cols in TUPLE_COLUMNS.items()
}
_GETTERS = {table: itemgetter(*cols) for table, cols in TUPLE_COLUMNS.items()}


def as_tuples(table: str, rows: Iterable[Mapping[str, object]]) -> list[tuple]:
    """Dict rows (every column present) as tuples in TUPLE_COLUMNS order."""
    getter = _GETTERS[table]
    return [getter(row) for row in rows]


def insert_tuples(conn: sqlite3.Connection, table: str, rows: Sequence[tuple]) -> None:
    """Insert rows given as tuples in TUPLE_COLUMNS order."""
    conn.executemany(_TUPLE_INSERTS[table], rows)


def insert_batch(conn: sqlite3.Connection, tables: Mapping[str, Sequence[tuple]]) -> None:
    """Insert a batch of generated rows (tuples by table, complete people with their records) and the
    derived rows they make: the participants table is filled batch by batch while the next batch is being
    generated, rather than in one join over every application once all are in."""
    users_after, applications_after, declarations_after = (
        _last_rowid(conn, t) for t in ("users", "applications", "declarations"))
    for table, rows in tables.items():
        insert_tuples(conn, table, rows)
    derived = _derived_rows(tables, users_after, declarations_after)
    if derived is None:  # a record of a person or application of another batch: the joins find them
        fill_derived(conn, applications_after=applications_after, declarations_after=declarations_after)
        return
    participants, foreign = derived
    conn.executemany(_FILL_PARTICIPANT, participants)
    conn.executemany(_FILL_FOREIGN_DECLARATION, foreign)


def _last_rowid(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {table}").fetchone()[0]  # noqa: S608


_FILL_PARTICIPANT = ("INSERT OR IGNORE INTO provider_participants "
                     "(lead_provider_id, user_id, user_created_at, user_seq) VALUES (?, ?, ?, ?)")
_FILL_FOREIGN_DECLARATION = ("INSERT OR IGNORE INTO foreign_declarations "
                             "(owner_id, created_at, declaration_rowid) VALUES (?, ?, ?)")


def _places(table: str, *columns: str) -> tuple[int, ...]:
    return tuple(TUPLE_COLUMNS[table].index(c) for c in columns)


_USER = _places("users", "id", "created_at")
_APPLICATION = _places("applications", "id", "user_id", "lead_provider_id", "status")
_DECLARATION = _places("declarations", "application_id", "lead_provider_id", "created_at")


def _derived_rows(tables: Mapping[str, Sequence[tuple]], users_after: int,
                  declarations_after: int) -> tuple[list[tuple], list[tuple]] | None:
    """The rows db.fill_derived's joins would add for this batch (participants of its accepted
    applications, its declarations of applications another provider owns), from the batch itself: a
    million-application world would otherwise look up every application's person and every declaration's
    application in the id indexes. None when a row refers to a person or application outside the batch.
    Rowids are the tables' next ones in order (the bulk inserts name none)."""
    person_id, person_created = _USER
    people = {user[person_id]: (user[person_created], users_after + place)
              for place, user in enumerate(tables.get("users", ()), start=1)}
    app_id, app_user, app_provider, app_status = _APPLICATION
    participants = []
    owners = {}
    for app in tables.get("applications", ()):
        owners[app[app_id]] = app[app_provider]
        if app[app_status] == "accepted":
            person = people.get(app[app_user])
            if person is None:
                return None
            participants.append((app[app_provider], app[app_user], *person))
    decl_app, decl_provider, decl_created = _DECLARATION
    foreign = []
    for place, decl in enumerate(tables.get("declarations", ()), start=1):
        owner = owners.get(decl[decl_app])
        if owner is None:
            return None
        if owner != decl[decl_provider]:
            foreign.append((owner, decl[decl_created], declarations_after + place))
    return participants, foreign


# Building a new world file that no other connection has open yet (seed.build_world_file): no rollback
# journal and no fsync (a failed build is deleted, never reused), and a page cache large enough for the
# random-keyed primary-key indexes of a million-application world (~300 MB), so inserts never wait on disk.
BUILD_CACHE_KIB = 1024 * 1024


def open_new_world(path: Path) -> sqlite3.Connection:
    """A connection to a new, empty world file with the tables only; indexes and triggers come once every
    row is in (index_world, trigger_world): building an index over sorted keys once is far cheaper
    than keeping twenty of them up to date row by row."""
    bind_none_quickly()
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute(f"PRAGMA cache_size=-{BUILD_CACHE_KIB}")
    create_tables(conn)
    return conn


# CREATE INDEX sorts its keys in runs as large as the page cache (up to 512 MiB), merged at the end. A run
# of a million keys is a linked list far larger than the CPU's caches, and merge-sorting it waits on memory
# most of the time; runs of a few MiB sort within the caches and merge cheaply (the indexes of a million
# applications: 29 -> 20 CPU seconds; 1 to 8 MiB measure alike). The page cache is the one setting that
# sizes the runs, so it is this small while the indexes are made: the pages written before are spilled to
# the file then rather than at the commit (the same writes), and the tables are read from the OS's cache.
# The runs wait in temporary files (SQLite's temp folder): about one index's keys, ~0.2 GB at a million.
INDEX_SORT_KIB = 4 * 1024


def index_sort_threads() -> int:
    """Helper threads for CREATE INDEX's sorter (PRAGMA threads): each run is sorted and written by a
    helper while the statement reads on, and helpers merge the runs (a million applications' indexes:
    19 -> 11 s on two cores, for ~20% more CPU). As many as cores, up to 4: the indexes are made once the
    producer process has finished, and while every helper is busy the statement sorts the next run itself
    instead of reading (two helpers on two cores: 8-12% less time than one; three or four, the same)."""
    return max(1, min(4, os.cpu_count() or 1))


def index_world(conn: sqlite3.Connection, on_step: Callable[[int, int, str], None] | None = None) -> None:
    """The indexes over the rows written (the caller's transaction), `on_step(made, of, name)` told before
    each, sorted in small runs by helper threads meanwhile (INDEX_SORT_KIB, index_sort_threads); the
    triggers come with trigger_world."""
    with _pragmas(conn, cache_size=-INDEX_SORT_KIB, threads=index_sort_threads()):
        create_indexes(conn, on_step)


@contextmanager
def _pragmas(conn: sqlite3.Connection, **values: int) -> Iterator[None]:
    """The connection's PRAGMAs set to `values`, and back to what they were afterwards."""
    kept = {name: conn.execute(f"PRAGMA {name}").fetchone()[0] for name in values}
    for name, value in values.items():
        conn.execute(f"PRAGMA {name}={int(value)}")
    try:
        yield
    finally:
        for name, value in kept.items():
            conn.execute(f"PRAGMA {name}={int(value)}")


def trigger_world(conn: sqlite3.Connection) -> None:
    """The triggers, once the bulk writes that need none are done (the caller's transaction)."""
    create_triggers(conn)


def close_new_world(conn: sqlite3.Connection) -> None:
    """Make a finished world file an ordinary one (WAL, as every worker opens it) and close it."""
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()


def schedule_ids(conn: sqlite3.Connection) -> dict[tuple[int, str], int]:
    """(cohort, schedule identifier) -> schedule row id, for the cohorts of suffix a (one a year); the
    schedules of other suffixes are keyed (cohort, identifier, suffix)."""
    rows = conn.execute("SELECT cohort, identifier, id, cohort_suffix FROM schedules")
    found: dict = {}
    for cohort, identifier, row_id, suffix in rows:
        found[(cohort, identifier) if suffix == "a" else (cohort, identifier, suffix)] = row_id
    return found


def holds_world(conn: sqlite3.Connection) -> bool:
    """True when the file already has reference data (a world was seeded into it before)."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'lead_providers'")
    if exists.fetchone() is None:
        return False
    return conn.execute("SELECT 1 FROM lead_providers").fetchone() is not None


def application_count(conn: sqlite3.Connection) -> int:
    """How many applications the world holds, across providers.

    The largest rowid, not COUNT(*): applications are only ever deleted all at once (wipe_world, after
    which rowids start at 1 again), so the two agree, and COUNT(*) reads a whole index, 0.05 s of CPU and
    tens of MB from disk at a million, on the banner's path before the first answer.
    """
    return conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM applications").fetchone()[0]


def world_counts(conn: sqlite3.Connection) -> dict[str, dict[str, int]]:
    """Counts by state, for the CLI banner, the report and the coverage tests."""
    queries = {
        "applications": "SELECT status, COUNT(*) FROM applications GROUP BY status",
        "training_status": "SELECT training_status, COUNT(*) FROM applications "
                           "WHERE status = 'accepted' GROUP BY training_status",
        "declarations": "SELECT state, COUNT(*) FROM declarations GROUP BY state",
        "outcomes": "SELECT state, COUNT(*) FROM outcomes GROUP BY state",
        "cohorts": "SELECT CAST(cohort AS TEXT), COUNT(*) FROM applications GROUP BY cohort",
        "catchments": "SELECT teacher_catchment, COUNT(*) FROM applications GROUP BY teacher_catchment",
    }
    return {name: {str(k): v for k, v in conn.execute(sql)} for name, sql in queries.items()}


def provider_tokens(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(id, name, token) of every lead provider, by name."""
    return [tuple(row) for row in conn.execute("SELECT id, name, token FROM lead_providers ORDER BY name")]
