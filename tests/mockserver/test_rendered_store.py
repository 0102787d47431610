"""The store part of stored rendered bodies: every dependency's trigger deletes the bodies it feeds, a read
snapshot that is no longer the latest stores nothing (and fails nothing), the byte budget, the build stamp,
resets."""

from __future__ import annotations

import inspect
import re
import sqlite3
from pathlib import Path

import pytest

from mockserver.seed import reset_world
from mockserver.store import applications as application_store
from mockserver.store import declarations as declaration_store
from mockserver.store import participants as participant_store
from mockserver.store import rendered
from mockserver.store.db import connect, read_transaction, write_transaction
from mockserver.store.invalidation import (
    APPLICATIONS,
    DECLARATIONS,
    DEPENDENCIES,
    PARTICIPANTS,
    RECORD_SHIFT,
    RECORD_TABLES,
    Feeds,
)

STAMP = "this build"


@pytest.fixture
def conn(ops_world: Path) -> sqlite3.Connection:
    found = connect(ops_world)
    rendered.open_bodies(found, STAMP)
    return found


def _stored(conn: sqlite3.Connection, bodies: rendered.Bodies, record: int) -> bytes | None:
    """One record's stored body, or None."""
    row = conn.execute(
        "SELECT body FROM rendered WHERE slot = ?", (bodies.base + (record << RECORD_SHIFT),)
    ).fetchone()
    return None if row is None else row[0]


def _providers(conn: sqlite3.Connection, kind: int) -> list[int]:
    if kind != PARTICIPANTS:
        return [0]
    return [row[0] for row in conn.execute("SELECT rowid FROM lead_providers")]


def _fill(conn: sqlite3.Connection, kind: int) -> int:
    """A body for every record of the kind (and every provider, for participants); how many."""
    records = [row[0] for row in conn.execute(f"SELECT rowid FROM {RECORD_TABLES[kind]}")]  # noqa: S608
    count = 0
    with write_transaction(conn):
        for provider in _providers(conn, kind):
            stored = rendered.store(conn, rendered.Bodies(kind, 1, provider), {r: b"{}" for r in records})
            assert stored
            count += len(records)
    return count


def _bodies(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM rendered").fetchone()[0]


def _copy_row(conn: sqlite3.Connection, table: str, rowid: int) -> None:
    """Insert a copy of a row, its keys made new (ids and identifiers prefixed, integer keys left to
    SQLite)."""
    columns = conn.execute(f"PRAGMA table_info({table})").fetchall()
    names = [c[1] for c in columns if not (c[5] and c[2].upper() == "INTEGER")]
    values = [f"'copy-' || {n}" if n in ("id", "identifier") else n for n in names]
    conn.execute(
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} FROM {table} "  # noqa: S608
        "WHERE rowid = ?",
        (rowid,),
    )


def _write(conn: sqlite3.Connection, feeds: Feeds, event: str, rowid: int) -> None:
    if event == "INSERT":
        _copy_row(conn, feeds.table, rowid)
    elif event == "UPDATE":
        column = feeds.columns[0] if feeds.columns else conn.execute(
            f"PRAGMA table_info({feeds.table})").fetchall()[1][1]
        conn.execute(f"UPDATE {feeds.table} SET {column} = {column} WHERE rowid = ?", (rowid,))  # noqa: S608
    else:
        conn.execute(f"DELETE FROM {feeds.table} WHERE rowid = ?", (rowid,))  # noqa: S608


@pytest.mark.parametrize(
    ("feeds", "event"),
    [(feeds, event) for feeds in DEPENDENCIES for event in feeds.events],
    ids=lambda value: value if isinstance(value, str) else f"{value.table}->{value.kind}",
)
def test_each_dependency_deletes_the_bodies_it_feeds(
    conn: sqlite3.Connection, feeds: Feeds, event: str
) -> None:
    total = _fill(conn, feeds.kind)
    feeding = "1" if feeds.records is None else f"EXISTS ({feeds.records.format(row=feeds.table)})"
    rowid = conn.execute(f"SELECT MIN(rowid) FROM {feeds.table} WHERE {feeding}").fetchone()[0]  # noqa: S608
    assert rowid is not None, f"the seeded world has no {feeds.table} row"
    conn.execute("BEGIN IMMEDIATE")
    try:
        _write(conn, feeds, event, rowid)
        left = _bodies(conn)
    finally:
        conn.execute("ROLLBACK")
    if feeds.records is None:
        assert left == 0  # every body of the kind
    else:
        assert 0 <= left < total  # the affected records' bodies, not those of every record
        assert left > 0 or total == 1


def test_the_used_bytes_follow_the_bodies_and_the_budget_stops_storing(conn: sqlite3.Connection) -> None:
    bodies = rendered.Bodies(1, 1)
    with write_transaction(conn):
        assert rendered.store(conn, bodies, {1: b"x" * 10, 2: b"y" * 5})
    assert conn.execute("SELECT used FROM rendered_state").fetchone()[0] == 15
    with write_transaction(conn):
        conn.execute("UPDATE applications SET status = status WHERE rowid = 1")
    used = conn.execute("SELECT used FROM rendered_state").fetchone()[0]
    assert used < 15  # the changed application's body went, and its bytes with it
    assert used == conn.execute("SELECT COALESCE(SUM(length(body)), 0) FROM rendered").fetchone()[0]
    with write_transaction(conn):
        conn.execute("UPDATE rendered_state SET budget = used + 3")
        assert not rendered.store(conn, bodies, {3: b"z" * 4})
        assert rendered.store(conn, bodies, {3: b"z" * 3})
    assert _stored(conn, bodies, 3) == b"zzz"


def test_a_snapshot_another_connection_wrote_after_stores_nothing(ops_world: Path) -> None:
    reader, writer = connect(ops_world), connect(ops_world)
    rendered.open_bodies(reader, STAMP)
    bodies = rendered.Bodies(1, 1)
    with read_transaction(reader):
        reader.execute("SELECT COUNT(*) FROM applications").fetchone()  # the snapshot begins
        with write_transaction(writer):
            writer.execute("UPDATE users SET full_name = 'Changed' WHERE rowid = 1")
        assert not rendered.store(reader, bodies, {1: b"stale"})  # BUSY_SNAPSHOT: skipped, no error
    assert _stored(reader, bodies, 1) is None
    with read_transaction(reader):
        reader.execute("SELECT COUNT(*) FROM applications").fetchone()
        writer.execute("BEGIN IMMEDIATE")  # another connection is writing now: no wait either
        try:
            assert not rendered.store(reader, bodies, {1: b"maybe stale"})
        finally:
            writer.execute("ROLLBACK")
    with read_transaction(reader):
        reader.execute("SELECT COUNT(*) FROM applications").fetchone()
        assert rendered.store(reader, bodies, {1: b"fresh"})
    assert _stored(reader, bodies, 1) == b"fresh"


def test_another_build_clears_the_bodies_and_a_reset_forgets_them(conn: sqlite3.Connection) -> None:
    bodies = rendered.Bodies(1, 1)
    with write_transaction(conn):
        rendered.store(conn, bodies, {1: b"{}"})
    rendered.open_bodies(conn, STAMP)
    assert _stored(conn, bodies, 1) == b"{}"
    rendered.open_bodies(conn, "another build")
    assert _stored(conn, bodies, 1) is None
    with write_transaction(conn):
        rendered.store(conn, bodies, {1: b"{}"})
    reset_world(conn)
    assert _bodies(conn) == 0
    assert conn.execute("SELECT used FROM rendered_state").fetchone()[0] == 0


def test_a_file_without_the_tables_uses_no_bodies(tmp_path: Path) -> None:
    bare = connect(tmp_path / "bare.sqlite3")
    rendered.open_bodies(bare, STAMP)
    assert not rendered.enabled(bare)


def _tables(*sql: str) -> set[str]:
    return {name for text in sql for name in re.findall(r"(?:FROM|JOIN)\s+(\w+)", text)} - {"page", "SELECT"}


def test_every_table_a_representation_reads_is_a_dependency() -> None:
    """The SELECTs whose rows the representations render name no table missing from DEPENDENCIES."""
    shown = {
        APPLICATIONS: _tables(application_store._select((("a", "b"),))),
        PARTICIPANTS: _tables(
            participant_store.LIST_SELECT,
            inspect.getsource(participant_store.accepted_applications),
            participant_store._ENROLMENT_DETAILS,
            inspect.getsource(participant_store.id_changes),
        ),
        DECLARATIONS: _tables(declaration_store.SELECT),
    }
    for kind, tables in shown.items():
        watched = {feeds.table for feeds in DEPENDENCIES if feeds.kind == kind}
        # provider_participants decides who is listed (the keys), not what a participant shows
        assert tables - watched - {"provider_participants"} == set(), kind
