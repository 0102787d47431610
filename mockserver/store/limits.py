"""Counters shared by every worker process: R-17's request windows and the fault profiles' sequence numbers.

They live in their own SQLite file beside the world (`<world>.limits.sqlite3`), so counting a request never
waits on the world's write lock, and a reset of the world leaves them alone. WAL, synchronous=OFF: a counter
lost in a crash costs nothing. Keys are opaque: R-17's key holds a hash of the Authorization value, never
the value itself.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from pathlib import Path

from mockserver.store.db import connect_side_file, kept_key_values

_SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS switches (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
_BUMP = (
    "INSERT INTO counters (key, count) VALUES (?, 1) "
    "ON CONFLICT (key) DO UPDATE SET count = count + 1 RETURNING count"
)


def limits_path(world_path: Path | str) -> Path:
    """The counters file that goes with a world file."""
    return Path(f"{world_path}.limits.sqlite3")


def _connect(path: Path) -> sqlite3.Connection:
    return connect_side_file(path, _SCHEMA)


class Counters:
    """One counters file: a connection per thread and process (reopened after a fork)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def conn(self) -> sqlite3.Connection:
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn, local.pid = _connect(self.path), os.getpid()
            local.switches = None  # a new connection's file_version says nothing about another's reads
        return local.conn

    def bump(self, key: str) -> int:
        """Add one to a counter (atomically, across processes); its new value."""
        return int(self.conn().execute(_BUMP, (key,)).fetchone()[0])

    def forget(self, low: str, high: str) -> None:
        """Delete the counters whose key sorts in [low, high)."""
        self.conn().execute("DELETE FROM counters WHERE key >= ? AND key < ?", (low, high))

    def switches(self) -> Mapping[str, object]:
        """Every stored switch (JSON-decoded, read-only); every request asks, so they are decoded again only
        when the file has changed since (while R-17 counts requests, that is every time)."""
        conn = self.conn()  # first: a new connection forgets what another one kept
        local = self._local
        local.switches = kept_key_values(conn, "switches", local.switches)
        return local.switches[1]

    def set_switches(self, values: dict[str, object]) -> None:
        """Store switches in one transaction; a None value deletes the switch (back to its default)."""
        conn = self.conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            for key, value in values.items():
                if value is None:
                    conn.execute("DELETE FROM switches WHERE key = ?", (key,))
                else:
                    conn.execute("INSERT INTO switches (key, value) VALUES (?, ?) ON CONFLICT (key) "
                                 "DO UPDATE SET value = excluded.value", (key, json.dumps(value)))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
