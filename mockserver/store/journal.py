"""The request journal's SQL: its own SQLite file beside the world, a ring of the latest N entries.

WAL (every worker process writes and reads the same file) and synchronous=OFF (a debugging aid: losing the
last entries in a crash is fine); rows past the ring are deleted in batches every `PRUNE_EVERY` inserts,
and readers only ever see the latest `size` ids. No index but the primary key: the table never holds more
than size + PRUNE_EVERY rows, so a filter scans them quickly, and every insert is cheaper without one.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

from mockserver.store.db import connect_side_file

PRUNE_EVERY = 64
# An entry keeps up to 16 KiB of each body: in SQLite's default 4 KiB pages that is a chain of overflow
# pages per entry, each written, and read again when the ring deletes it. In 64 KiB pages an entry fits in
# its page: a page GET (whose entry keeps 16 KiB) cost ~80 us less CPU with the journal's writes included.
PAGE_SIZE = 65536

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,                 -- wall-clock time the request arrived, UTC, milliseconds
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    version TEXT,                     -- v1, v2, ..., testing, or NULL (a miss outside both trees)
    provider_id TEXT,
    provider_name TEXT,
    authorised INTEGER NOT NULL,      -- an Authorization header was sent (its token is never stored)
    server_date TEXT,                 -- X-With-Server-Date, when sent
    status INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    rules TEXT NOT NULL,              -- X-NPQ-Mock-Rule, comma-separated ('' when none)
    request_type TEXT,
    request_body TEXT NOT NULL,
    request_truncated INTEGER NOT NULL,
    response_type TEXT,
    response_body TEXT NOT NULL,
    response_truncated INTEGER NOT NULL,
    world TEXT                        -- the created world it acted on (NULL: the default world)
);
"""
_INSERT = (
    "INSERT INTO journal (at, method, path, query, version, provider_id, provider_name, authorised, "
    "server_date, status, duration_ms, rules, request_type, request_body, request_truncated, response_type, "
    "response_body, response_truncated, world) VALUES (" + ", ".join("?" * 19) + ")"
)


def _connect(path: Path) -> sqlite3.Connection:
    conn = connect_side_file(path, _SCHEMA, page_size=PAGE_SIZE)
    if "world" not in {row[1] for row in conn.execute("PRAGMA table_info(journal)")}:  # an older file
        conn.execute("ALTER TABLE journal ADD COLUMN world TEXT")
    conn.execute("DROP INDEX IF EXISTS journal_at")  # an older file's index on `at`
    return conn


class JournalStore:
    """One journal file: a connection per thread and process (reopened after a fork), the ring's size."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.size = path, size
        self._local = threading.local()
        self._pruned_to = 0

    def conn(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn, local.pid = _connect(self.path), os.getpid()
        return local.conn

    def record_many(self, rows: list[tuple[Any, ...]]) -> None:
        """Append entries (the columns of _INSERT, in order) in one transaction; whenever PRUNE_EVERY or
        more rows have left the ring, delete them (so the file holds fewer than size + PRUNE_EVERY rows)."""
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany(_INSERT, rows)
            last = conn.execute("SELECT MAX(id) FROM journal").fetchone()[0] or 0
            if last - self.size - self._pruned_to >= PRUNE_EVERY:
                conn.execute("DELETE FROM journal WHERE id <= ?", (last - self.size,))
                self._pruned_to = last - self.size
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def clear(self, world: str | None = None) -> int:
        """Forget every entry of one world; how many there were in the ring."""
        conn = self.conn()
        count = conn.execute("SELECT COUNT(*) FROM journal WHERE id > (SELECT COALESCE(MAX(id), 0) "
                             "FROM journal) - ? AND world IS ?", (self.size, world)).fetchone()[0]
        conn.execute("DELETE FROM journal WHERE world IS ?", (world,))
        return int(count)

    @staticmethod
    def _readable(rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
        """Rows as dicts, their bodies as text (they are stored as the bytes that were sent)."""
        found = []
        for row in rows:
            entry = dict(row)
            for name in ("request_body", "response_body"):
                if isinstance(entry[name], bytes):
                    entry[name] = entry[name].decode("utf-8", "replace")
            found.append(entry)
        return found

    def entries(self, *, provider: str | None = None, status: str | None = None, path: str | None = None,
                since: str | None = None, after_id: int | None = None, limit: int = 100,
                world: str | None = None) -> list[dict[str, Any]]:
        """The newest entries of one world first, within the ring, filtered (status: `401` or a class such
        as `4xx`)."""
        where = ["id > (SELECT COALESCE(MAX(id), 0) FROM journal) - ?", "world IS ?"]
        params: list[Any] = [self.size, world]
        if provider:
            where.append("(provider_id = ? OR lower(provider_name) = lower(?))")
            params += [provider, provider]
        if status:
            if status[1:] == "xx":
                low = int(status[0]) * 100
                where.append("status BETWEEN ? AND ?")
                params += [low, low + 99]
            else:
                where.append("status = ?")
                params.append(int(status))
        if path:
            where.append("instr(path || CASE WHEN query = '' THEN '' ELSE '?' || query END, ?) > 0")
            params.append(path)
        if since:
            where.append("at >= ?")
            params.append(since)
        if after_id is not None:
            where.append("id > ?")
            params.append(after_id)
        cursor = self.conn().cursor()
        cursor.row_factory = sqlite3.Row
        sql = f"SELECT * FROM journal WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"
        return self._readable(cursor.execute(sql, [*params, limit]).fetchall())

    def entry(self, entry_id: int, world: str | None = None) -> dict[str, Any] | None:
        """One entry of a world still in the ring, or None."""
        cursor = self.conn().cursor()
        cursor.row_factory = sqlite3.Row
        rows = cursor.execute(
            "SELECT * FROM journal WHERE id = ? AND id > (SELECT MAX(id) FROM journal) - ? AND world IS ?",
            (entry_id, self.size, world),
        ).fetchall()
        return self._readable(rows)[0] if rows else None
