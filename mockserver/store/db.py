"""SQLite connections, schema creation, write transactions and the key-value settings table."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import orjson

from mockserver.store.invalidation import trigger_statements
from mockserver.store.writers import WriterQueue

_SCHEMA = resources.files("mockserver.store").joinpath("schema.sql")


# Page cache per connection, KiB. Each worker thread holds a connection per world, so this bounds a
# worker's memory under load (4 threads: 32 MiB); pages beyond it come from the OS's file cache, which
# every process shares and no process's RSS counts (64 MiB a connection grew workers past 200 MiB).
CACHE_KIB = 8 * 1024

# WAL pages after which a commit checkpoints them into the file itself (SQLite's default: 1,000). Queued
# writes checkpoint sooner, after their turn (store/writers.py); this catches every other commit. A
# checkpoint copies each page changed since the last one once and syncs twice, and writes change the
# same index and stored-body pages again and again: rarer checkpoints copy and sync far less. The WAL
# grows to ~80 MB at most.
CHECKPOINT_PAGES = 20_000


def bind_none_quickly() -> None:
    """Register pysqlite's adapter for None (idempotent; called as connections open, not at import).

    None binds as NULL either way; registered, pysqlite finds its adapter at once instead of asking the
    adaptation protocol (a failed attribute lookup that formats an AttributeError, ~1,900 instructions, for
    every None parameter: a seeded world binds tens of millions, some 15% of its insert work). The
    registry is the sqlite3 module's, so this holds for the whole process, with the same values."""
    sqlite3.register_adapter(type(None), {}.get)  # {}.get(None) is None


# A key/value table's decoded rows and the file_version they were read at (kept_key_values).
KeptTable = tuple[tuple[int, int], Mapping[str, Any]]


class WorldConnection(sqlite3.Connection):
    """A connection that also carries what its reads remember while the file is unchanged (paging marks)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.page_marks: dict[object, Any] = {}
        # Whether this connection reads and stores rendered bodies (store/rendered.py's open_bodies).
        self.bodies_enabled = False
        self.settings_memo: KeptTable | None = None
        # Where write_transaction waits for its turn (store/writers.py); None: SQLite's busy wait alone.
        self.writers: WriterQueue | None = None

    def close(self) -> None:
        if self.writers is not None:
            self.writers.close()
        super().close()


def file_version(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes when the file may have changed since this connection last asked: PRAGMA data_version moves
    when another connection commits, total_changes when this one writes (a single small statement, ~2 us,
    where re-reading even a small table and decoding its JSON costs ten times that)."""
    return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def connect_side_file(path: str | Path, schema: str, page_size: int | None = None) -> sqlite3.Connection:
    """A file kept beside a world (the request journal, the R-17 and fault counters), its schema created;
    `page_size` applies when this call creates the file.

    Every worker process writes it (WAL, autocommit, a long busy wait); synchronous=OFF because losing its
    last writes in a crash is acceptable, unlike the world's."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    if page_size is not None:
        conn.execute(f"PRAGMA page_size={int(page_size)}")  # only an empty file takes it (before WAL)
    _switch_to_wal(conn)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.executescript(schema)
    return conn


def _switch_to_wal(conn: sqlite3.Connection, patience: float = 30.0) -> None:
    """PRAGMA journal_mode=WAL, retried while another connection holds the lock it needs.

    Side files are made by whichever worker first needs them; when several open a new one at once, SQLite
    can refuse the switch with "database is locked" without waiting (the busy timeout does not cover it),
    and that killed a worker at start-up."""
    deadline = time.monotonic() + patience
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)  # back off: the other connection finishes its switch in microseconds


def connect(path: str | Path) -> sqlite3.Connection:
    """Open the world's database file for one thread: WAL so several worker processes share it."""
    bind_none_quickly()
    # isolation_level=None: autocommit; every state change opens its own explicit transaction.
    conn = sqlite3.connect(
        str(path), isolation_level=None, check_same_thread=False, timeout=30, factory=WorldConnection
    )
    conn.row_factory = sqlite3.Row
    _switch_to_wal(conn)
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
    conn.execute("PRAGMA busy_timeout=30000")
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    if str(path) not in ("", ":memory:"):
        conn.writers = WriterQueue(path)
    return conn


def fetch_dicts(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> list[dict[str, Any]]:
    """Every row of a query as a plain dict (column name -> value), in column order.

    Why not sqlite3.Row: it finds a column by name with a case-insensitive scan of every column, which on
    a ~40-column application row cost more than all the rest of serialising it; a dict lookup is one hash
    probe. A repeated column name keeps its first value, as sqlite3.Row does.
    """
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples; the dicts are built below with the names looked up once
    cursor.execute(sql, params)
    return as_dicts(cursor.description, cursor.fetchall())


def as_dicts(description: Sequence[Sequence[Any]], rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
    """Tuples of a cursor as dicts (see fetch_dicts)."""
    names = [column[0] for column in description]
    if len(set(names)) == len(names):
        return [dict(zip(names, row, strict=False)) for row in rows]  # same length by construction
    first = [i for i, name in enumerate(names) if names.index(name) == i]
    return [{names[i]: row[i] for i in first} for row in rows]


def fetch_dict(conn: sqlite3.Connection, sql: str, params: Sequence[object] = ()) -> dict[str, Any] | None:
    """The first row of a query as a plain dict (see fetch_dicts), or None."""
    rows = fetch_dicts(conn, sql, params)
    return rows[0] if rows else None


# The triggers that keep provider_participants exact; CREATE ... IF NOT EXISTS never replaces them, so a
# file from before a change to that table has them dropped and recreated (see _migrate).
_PARTICIPANT_TRIGGERS = ("on_insert", "on_update", "on_unaccept", "on_delete", "user_created", "user_changed",
                         "clear")


def create_schema(conn: sqlite3.Connection) -> None:
    """Create every table and index that does not exist yet (migrating an older world file first)."""
    _migrate(conn)
    older_file = not _columns(conn, "foreign_declarations")
    conn.executescript(_SCHEMA.read_text(encoding="utf-8"))
    if _generated_differ(conn):  # a file from an older build (or before them): made again, once
        with write_transaction(conn):
            _drop_generated(conn)
            _create_generated(conn)
    _fill_participants(conn)
    if older_file:  # made before the table: its transferred applications' declarations, once
        with write_transaction(conn):
            _fill_foreign_declarations(conn)


def _fill_participants(conn: sqlite3.Connection) -> None:
    """Fill provider_participants when it is empty and there is anything to fill it with. Checked first in
    Python: as one statement (INSERT ... WHERE NOT EXISTS) SQLite scanned every application on every start
    (0.1 s of CPU at a million, before the first answer)."""
    if conn.execute("SELECT 1 FROM provider_participants LIMIT 1").fetchone() is not None:
        return
    fill_participants(conn)


def fill_participants(conn: sqlite3.Connection, *, applications_after: int = 0) -> None:
    """The participants of the accepted applications past a rowid (all of them by default)."""
    conn.execute(
        "INSERT OR IGNORE INTO provider_participants (lead_provider_id, user_id, user_created_at, user_seq) "
        "SELECT a.lead_provider_id, a.user_id, u.created_at, u.rowid FROM applications a "
        "JOIN users u ON u.id = a.user_id WHERE a.status = 'accepted' AND a.rowid > ?",
        (applications_after,),
    )


def _fill_foreign_declarations(conn: sqlite3.Connection, *, declarations_after: int = 0) -> None:
    """Fill foreign_declarations (declarations of applications since transferred to another provider, which
    the schema's triggers keep current from then on): for a file from before the table, or one built in
    bulk, whose rows went in before the triggers existed. (Not on every open: it reads every declaration.)"""
    conn.execute(
        "INSERT OR IGNORE INTO foreign_declarations (owner_id, created_at, declaration_rowid) "
        "SELECT a.lead_provider_id, d.created_at, d.rowid FROM declarations d "
        "JOIN applications a ON a.id = d.application_id "
        "WHERE d.rowid > ? AND d.lead_provider_id <> a.lead_provider_id",
        (declarations_after,),
    )


def fill_derived(conn: sqlite3.Connection, *, applications_after: int, declarations_after: int) -> None:
    """The derived rows (participants, foreign declarations) of the applications and declarations written
    in bulk past these rowids, whose writes no trigger followed (caller's transaction)."""
    fill_participants(conn, applications_after=applications_after)
    _fill_foreign_declarations(conn, declarations_after=declarations_after)


def schema_statements() -> list[str]:
    """schema.sql one statement at a time, in order (a trigger's body stays within its statement)."""
    statements, pending = [], ""
    for line in _SCHEMA.read_text(encoding="utf-8").splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    return statements


def create_tables(conn: sqlite3.Connection) -> None:
    """Only the tables of schema.sql, for a new file filled in bulk: the indexes, triggers and derived rows
    are created afterwards by running every statement (`create_indexes`), once, over all the rows."""
    for statement in schema_statements():
        if _is_table(statement):
            conn.execute(statement)


def create_indexes(conn: sqlite3.Connection, on_step: Callable[[int, int, str], None] | None = None) -> None:
    """The rest of schema.sql's indexes, in the caller's transaction, over rows written in bulk with their
    derived rows (fill_derived); the triggers follow (create_triggers) once the bulk writes that need no
    invalidation are done. `on_step(made, of, name)` is told before each index (seconds each at a
    million rows) and once all are made."""
    indexes = [(found.group(2), s) for s in schema_statements()
               if (found := _CREATED.search(s)) is not None and found.group(1) == "INDEX"]
    for made, (name, statement) in enumerate(indexes):
        if on_step:
            on_step(made, len(indexes), name)
        conn.execute(statement)
    if on_step:
        on_step(len(indexes), len(indexes), "")


def create_triggers(conn: sqlite3.Connection) -> None:
    """schema.sql's triggers and the generated ones (after create_indexes), in the caller's transaction."""
    for statement in schema_statements():
        if _created_kind(statement) == "TRIGGER":
            conn.execute(statement)
    _create_generated(conn)


def _created_kind(statement: str) -> str | None:
    found = _CREATED.search(statement)
    return None if found is None else found.group(1)


def drop_indexes(conn: sqlite3.Connection) -> None:
    """Drop every index and trigger schema.sql creates (create_indexes makes them again), in the caller's
    transaction: a whole world is rewritten far faster without them."""
    for statement in schema_statements():
        found = _CREATED.search(statement)
        if found is not None:
            conn.execute(f"DROP {found.group(1)} IF EXISTS {found.group(2)}")
    _drop_generated(conn)


_CREATED = re.compile(r"^CREATE (INDEX|TRIGGER) IF NOT EXISTS (\w+)", re.M)
_TABLE = re.compile(r"^CREATE TABLE IF NOT EXISTS (\w+)", re.M)


def _generated() -> list[tuple[str, str]]:
    """The triggers made from store/invalidation.py over schema.sql's tables."""
    tables = [found.group(1) for s in schema_statements() if (found := _TABLE.search(s)) is not None]
    return list(trigger_statements(tables))


def _create_generated(conn: sqlite3.Connection) -> None:
    """The generated triggers, and the one row of each singleton table (caller's transaction)."""
    for _name, statement in _generated():
        conn.execute(statement)
    conn.execute(
        "INSERT INTO rendered_state (stamp, used, budget) SELECT '', 0, 0 "
        "WHERE NOT EXISTS (SELECT 1 FROM rendered_state)"
    )
    conn.execute(
        "INSERT INTO record_generation (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM record_generation)"
    )


def _generated_differ(conn: sqlite3.Connection) -> bool:
    """Whether the file's generated triggers (or singleton rows) are not this build's."""
    held = dict(
        conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE 'rendered%' OR name LIKE 'record_generation%')"
        ).fetchall()
    )
    singletons = conn.execute(
        "SELECT (SELECT COUNT(*) FROM rendered_state), (SELECT COUNT(*) FROM record_generation)"
    ).fetchone()
    return held != dict(_generated()) or tuple(singletons) != (1, 1)


def _drop_generated(conn: sqlite3.Connection) -> None:
    """Every generated trigger the file holds, including those of another build's dependency list."""
    names = {name for name, _statement in _generated()}
    names.update(
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' "
            "AND (name LIKE 'rendered%' OR name LIKE 'record_generation%')"
        )
    )
    for name in sorted(names):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


def _is_table(statement: str) -> bool:
    code = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
    return code.lstrip().upper().startswith("CREATE TABLE")


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring an older world file's derived tables up to the current schema.

    provider_participants gained user_seq (users.rowid, the participants list's tie-break, R-70). The
    table is derived data only, so it is dropped with its triggers; the schema script then recreates them
    and _fill_participants rebuilds the rows from applications and users. declarations gained
    declaration_usec (the fraction of declaration_date, R-93). Retired indexes are dropped.
    """
    with write_transaction(conn):
        for name in _RETIRED_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")
        columns = _columns(conn, "provider_participants")
        if columns and "user_seq" not in columns:
            for name in _PARTICIPANT_TRIGGERS:
                conn.execute(f"DROP TRIGGER IF EXISTS provider_participants_{name}")
            conn.execute("DROP TABLE provider_participants")  # its indexes go with it
        for table, added in _ADDED_COLUMNS.items():
            columns = _columns(conn, table)
            for name, declaration in added:
                if columns and name not in columns:
                    conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")
        for table, key_column in _REKEYED.items():
            columns = _columns(conn, table)
            if columns and key_column not in columns:
                _rebuild(conn, table)


# Indexes older files have and this schema has not. (lead_provider_id, created_at, id): no query's plan used
# them (the lists go by (created_at, rowid): the *_page indexes), yet every write kept them up to date and
# a new world sorted them (3 s at a million applications).
_RETIRED_INDEXES = ("applications_by_provider", "declarations_by_provider", "outcomes_by_provider")
# Columns added since the first world files, with their declarations (schema.sql has them in CREATE TABLE).
# Older rows get the defaults: whole-second declaration dates (usec 0), suffix 'a' (one cohort a year).
_ADDED_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    "declarations": (
        ("declaration_usec", "INTEGER NOT NULL DEFAULT 0"),
        ("cohort_suffix", "TEXT NOT NULL DEFAULT 'a'"),
        ("delivery_partner_id", "TEXT"),
        ("secondary_delivery_partner_id", "TEXT"),
        ("state_reason", "TEXT"),
    ),
    "applications": (
        ("reason_for_rejection", "TEXT"),
        ("cohort_suffix", "TEXT NOT NULL DEFAULT 'a'"),
        ("senco_in_role", "TEXT"),
        ("senco_start_date", "TEXT"),
    ),
    "users": (("previous_names", "TEXT NOT NULL DEFAULT '[]'"),),
}
# Reference tables whose key gained the cohort suffix (V-91, V-92): rebuilt, rows kept (ids included).
_REKEYED = {"cohorts": "suffix", "schedules": "cohort_suffix"}


def _rebuild(conn: sqlite3.Connection, table: str) -> None:
    """Recreate a table from schema.sql's current definition and copy its rows across."""
    old = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
    conn.execute(f"ALTER TABLE {table} RENAME TO {table}_old")
    script = _SCHEMA.read_text(encoding="utf-8")
    start = script.index(f"CREATE TABLE IF NOT EXISTS {table} (")
    conn.execute(script[start : script.index(");", start) + 2])
    names = ", ".join(old)
    conn.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {table}_old")
    conn.execute(f"DROP TABLE {table}_old")
    if table == "cohorts":
        conn.execute("UPDATE cohorts SET funding = CASE WHEN funding_cap THEN 'capped' ELSE 'full' END")


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """The column names of a table (empty when it does not exist yet)."""
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One atomic state change. BEGIN IMMEDIATE takes the write lock up front, so two requests that
    read-check-write the same record are serialised instead of both passing the check; a world
    connection first waits for its turn among the file's writers (store/writers.py)."""
    queue = getattr(conn, "writers", None)
    with queue.turn() if queue is not None else nullcontext():
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    if queue is not None:
        queue.checkpoint_when_due(conn)


@contextmanager
def read_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A consistent snapshot for several reads that must agree (a page and its lookups)."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        conn.execute("COMMIT")


def get_setting(conn: sqlite3.Connection, key: str, default: Any = None) -> Any:
    """A server-wide setting (JSON-decoded), or default when it was never set."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return default if row is None else orjson.loads(row[0])


def get_settings_of(conn: sqlite3.Connection, keys: Sequence[str]) -> dict[str, Any]:
    """The stored settings among `keys` (JSON-decoded), in one query; a key never set is absent."""
    rows = conn.execute(f"SELECT key, value FROM settings WHERE key IN ({', '.join('?' * len(keys))})", keys)
    return {key: orjson.loads(value) for key, value in rows}


def kept_key_values(conn: sqlite3.Connection, table: str, kept: KeptTable | None) -> KeptTable:
    """A key/value table's rows, values JSON-decoded, read-only, with the file_version they were read at:
    `kept` (what this returned before on this connection) again while the file is unchanged. Tables every
    request reads (settings, switches) are then decoded once per change, not once per request."""
    version = file_version(conn)
    if kept is not None and kept[0] == version:
        return kept
    rows = conn.execute(f"SELECT key, value FROM {table}")
    return version, MappingProxyType({key: orjson.loads(value) for key, value in rows})


def get_settings(conn: sqlite3.Connection) -> Mapping[str, Any]:
    """Every stored setting, JSON-decoded (read-only); a world connection keeps them while the file is
    unchanged (kept_key_values)."""
    if not isinstance(conn, WorldConnection):
        return kept_key_values(conn, "settings", None)[1]
    conn.settings_memo = kept_key_values(conn, "settings", conn.settings_memo)
    return conn.settings_memo[1]


def set_setting(conn: sqlite3.Connection, key: str, value: Any) -> None:
    """Store one setting (JSON-encoded); callers wrap it in a transaction when it must be atomic."""
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value)),
    )
