"""Stored rendered bodies: each record's JSON as one view shows it, kept in the world file, so a page is its
keys (store/paging.py) and their bodies joined by commas.

A body missing from the table is rendered by the caller (the representations stay the one source of the
shapes) from the same read snapshot as the page, and stored in that same transaction: the read transaction
is upgraded to a write. SQLite refuses the upgrade at once (BUSY/BUSY_SNAPSHOT, no busy wait inside a
transaction) when another connection has written since the snapshot began or is writing now; the bodies
are then simply not stored, so a stored body is never older than the rows it shows. Triggers generated from
store/invalidation.py delete the bodies a write affects. `rendered_state` names the build that rendered
the bodies (another build clears them on opening the file) and bounds the bytes they may take.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.store.db import write_transaction
from mockserver.store.invalidation import KIND_SHIFT, RECORD_SHIFT
from mockserver.store.paging import (
    PageQuery,
    database_path,
    page_keys_sql,
    records_version,
    rowid_of,
    rows_between,
    stream_connection,
)

_BUSY = 5  # SQLITE_BUSY; BUSY_SNAPSHOT (517) has it in its low byte
MIN_BUDGET = 64 * 1024 * 1024
STREAM_BATCH = 1000
KEEP_BYTES = 8 * 1024 * 1024  # rendered bodies a stream holds before storing them (store's memory bound)
Render = Callable[[Sequence[int]], Mapping[int, bytes]]
RenderRows = Callable[[Sequence[dict[str, Any]]], Sequence[bytes]]


@dataclass(frozen=True)
class Bodies:
    """Where a list's bodies live: kind, view (1-15) and, for bodies that depend on the caller
    (participants), the provider's rowid (0 otherwise)."""

    kind: int
    view: int
    provider: int = 0

    @property
    def base(self) -> int:
        """The slot of record 0: a record's slot is base + (rowid << RECORD_SHIFT)."""
        return (self.kind << KIND_SHIFT) | (self.provider << 4) | self.view


def provider_number(conn: sqlite3.Connection, provider_id: str) -> int:
    """The provider's rowid, which participant bodies are stored under (they show the caller's share)."""
    row = conn.execute("SELECT rowid FROM lead_providers WHERE id = ?", (provider_id,)).fetchone()
    return 0 if row is None else row[0]


def open_bodies(conn: sqlite3.Connection, stamp: str) -> None:
    """Let a new connection use stored bodies: those of another build (another stamp) are cleared first.
    A file without the table (not prepared by this build) leaves the connection without them."""
    try:
        row = conn.execute("SELECT stamp FROM rendered_state").fetchone()
    except sqlite3.OperationalError:
        return
    if row is None:
        return
    if row[0] != stamp:
        with write_transaction(conn):
            if conn.execute("SELECT stamp FROM rendered_state").fetchone()[0] != stamp:
                clear(conn)
                pages = conn.execute("PRAGMA page_count").fetchone()[0]
                size = pages * conn.execute("PRAGMA page_size").fetchone()[0]
                conn.execute(
                    "UPDATE rendered_state SET stamp = ?, budget = ?", (stamp, max(MIN_BUDGET, size))
                )
    conn.bodies_enabled = True  # type: ignore[attr-defined]


def clear(conn: sqlite3.Connection) -> None:
    """Forget every body (caller's transaction)."""
    conn.execute("DELETE FROM rendered")
    conn.execute("UPDATE rendered_state SET used = 0")


def enabled(conn: sqlite3.Connection) -> bool:
    """Whether this connection reads and stores bodies."""
    return bool(getattr(conn, "bodies_enabled", False))


def page(
    conn: sqlite3.Connection, query: PageQuery, number: int, per_page: int, bodies: Bodies, render: Render
) -> list[bytes]:
    """The bodies of one page in key order (caller's read transaction): stored ones read, missing ones
    rendered by `render(rowids)` and stored when the snapshot is still the latest."""
    keys = page_keys_sql(conn, query, number, per_page)
    if keys is None:
        return []
    sql, params = keys
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(
        f"WITH page(k, record) AS ({sql}) SELECT page.record, r.body FROM page "
        f"LEFT JOIN rendered r ON r.slot = ? + (page.record << {RECORD_SHIFT}) ORDER BY page.k, page.record",
        (*params, bodies.base),
    )
    found = cursor.fetchall()
    missing = [record for record, body in found if body is None]
    if not missing:
        return [body for _record, body in found]
    made = render(missing)
    store(conn, bodies, made)
    return [made[record] if body is None else body for record, body in found]


def store(conn: sqlite3.Connection, bodies: Bodies, made: Mapping[int, bytes]) -> bool:
    """Store bodies rendered from this transaction's snapshot, if it is still the latest and the budget
    allows; whether they were stored. Never waits, never fails the caller."""
    used, budget = conn.execute("SELECT used, budget FROM rendered_state").fetchone()
    if used + sum(len(body) for body in made.values()) > budget:
        return False
    base = bodies.base
    try:
        conn.executemany(
            "INSERT OR IGNORE INTO rendered (slot, body) VALUES (?, ?)",
            [(base + (record << RECORD_SHIFT), body) for record, body in made.items()],
        )
    except sqlite3.OperationalError as error:
        if getattr(error, "sqlite_errorcode", _BUSY) & 0xFF == _BUSY:
            return False  # another connection wrote since this snapshot began, or is writing now
        raise
    return True


def stream(
    conn: sqlite3.Connection, query: PageQuery, bodies: Bodies, render: RenderRows, batch: int = STREAM_BATCH
) -> Iterator[list[bytes]]:
    """Every record's body in key order, `batch` at a time (an export: CSV lines), read through a connection
    of the stream's own in one read transaction, as paging.stream_all reads rows. Stored bodies are read;
    missing ones are rendered by `render(rows)` (one body a row) from that snapshot and stored through
    another connection, in a transaction of each batch, only while the world's records are still those of
    the snapshot (paging.records_version): the stream's own snapshot lasts as long as the client takes to
    read, which no write may wait for."""
    return _stream(database_path(conn), query, bodies, render, batch)


def _stream(
    path: str, query: PageQuery, bodies: Bodies, render: RenderRows, batch: int
) -> Iterator[list[bytes]]:
    reader, keeper = stream_connection(path), _Keeper(path, bodies)
    try:
        reader.execute("BEGIN")
        keeper.version = records_version(reader)
        cursor = reader.cursor()
        cursor.row_factory = None
        slot = f"? + ({rowid_of(query.key)} << {RECORD_SHIFT})"
        cursor.execute(  # (key, rowid, body)
            f"SELECT {query.key}, r.body FROM {query.key_from} LEFT JOIN rendered r ON r.slot = {slot} "
            f"WHERE {query.where} ORDER BY {query.key}",
            (bodies.base, *query.params),
        )
        while found := cursor.fetchmany(batch):
            runs = _missing_runs(found)
            if not runs:
                yield [body for _key, _record, body in found]
                continue
            rows = [row for first, last in runs for row in rows_between(reader, query, first, last)]
            made = {row["seq"]: body for row, body in zip(rows, render(rows), strict=True)}
            keeper.keep(made)
            yield [made[record] if body is None else body for _key, record, body in found]
    finally:
        reader.close()
        keeper.close()


def _missing_runs(found: Sequence[Sequence[Any]]) -> list[tuple[tuple[Any, Any], tuple[Any, Any]]]:
    """The first and last key of each run of consecutive records without a body: each run's rows are one
    range of the list's index (a cold export: one run a batch; after a few writes: a few short ones)."""
    runs, first, last = [], None, None
    for key, record, body in found:
        if body is None:
            first, last = first or (key, record), (key, record)
        elif first is not None:
            runs.append((first, last))
            first = None
    if first is not None:
        runs.append((first, last))
    return runs


class _Keeper:
    """Stores the bodies a stream renders, through a connection of its own opened at the first store, a few
    MiB at a time: a list's records are spread over the table's rowids (its key is created_at), so each
    store dirties about one page a body, and fewer, larger transactions write most pages once, not once a
    batch (a cold export of 125,000 lines spent more time storing them a batch at a time than reading)."""

    def __init__(self, path: str, bodies: Bodies) -> None:
        self.path, self.bodies = path, bodies
        self.version: tuple[int, int] | None = None  # the records of the stream's snapshot
        self.conn: sqlite3.Connection | None = None
        self.pending: dict[int, bytes] = {}
        self.pending_bytes = 0
        self.current = True  # False once the world has moved on: every later body is older than it

    def keep(self, made: Mapping[int, bytes]) -> None:
        if not self.current:
            return
        self.pending.update(made)
        self.pending_bytes += sum(len(body) for body in made.values())
        if self.pending_bytes >= KEEP_BYTES:
            self.flush()

    def flush(self) -> None:
        """Store what is pending if the world's records are still those of the stream's snapshot."""
        made, self.pending, self.pending_bytes = self.pending, {}, 0
        if not made or not self.current:
            return
        if self.conn is None:
            self.conn = stream_connection(self.path)
        self.conn.execute("BEGIN")
        try:
            self.current = records_version(self.conn) == self.version
            if self.current and store(self.conn, self.bodies, dict(sorted(made.items()))):
                self.conn.execute("COMMIT")
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self.conn is not None:
                self.conn.close()
