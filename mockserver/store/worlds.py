"""SQL for the worlds registry (kept in the default world's file) and for copying a world file."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from mockserver.store.db import connect, fetch_dict, fetch_dicts, write_transaction

_COLUMNS = "id, path, seed, applications, empty, created_at, expires_at"


def register(conn: sqlite3.Connection, world: Mapping[str, Any], tokens: Mapping[str, str]) -> None:
    """Record a new world and its tokens (token -> lead provider id)."""
    conn.execute(
        f"INSERT INTO worlds ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        tuple(world[name] for name in _COLUMNS.split(", ")),
    )
    conn.executemany(
        "INSERT INTO world_tokens (token, world_id, lead_provider_id) VALUES (?, ?, ?)",
        [(token, world["id"], provider) for token, provider in tokens.items()],
    )


def get(conn: sqlite3.Connection, world_id: str) -> dict[str, Any] | None:
    """One world's registry row."""
    return fetch_dict(conn, f"SELECT {_COLUMNS} FROM worlds WHERE id = ?", (world_id,))


def all_worlds(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every world, oldest first."""
    return fetch_dicts(conn, f"SELECT {_COLUMNS} FROM worlds ORDER BY created_at, rowid")


def tokens_of(conn: sqlite3.Connection, world_id: str) -> dict[str, str]:
    """A world's tokens (token -> lead provider id)."""
    rows = conn.execute("SELECT token, lead_provider_id FROM world_tokens WHERE world_id = ?", (world_id,))
    return dict(rows.fetchall())


def world_of_token(conn: sqlite3.Connection, token: str) -> dict[str, Any] | None:
    """The world a token belongs to (its registry row), or None."""
    return fetch_dict(
        conn,
        f"SELECT {', '.join('w.' + c for c in _COLUMNS.split(', '))} FROM world_tokens t "
        "JOIN worlds w ON w.id = t.world_id WHERE t.token = ?",
        (token,),
    )


def remove(conn: sqlite3.Connection, world_id: str) -> None:
    """Forget a world and its tokens (the caller deletes its file)."""
    conn.execute("DELETE FROM world_tokens WHERE world_id = ?", (world_id,))
    conn.execute("DELETE FROM worlds WHERE id = ?", (world_id,))


def expired(conn: sqlite3.Connection, now: float) -> list[dict[str, Any]]:
    """Worlds whose time is up."""
    return fetch_dicts(conn, f"SELECT {_COLUMNS} FROM worlds WHERE expires_at <= ?", (now,))


def copy_world(source: Path, target: Path, tokens: Callable[[list[tuple[str, str]]], Mapping[str, str]]) -> (
    list[tuple[str, str]]
):
    """Copy a world file (SQLite's online backup: safe while others read the source) and give its providers
    the tokens `tokens((id, name) of each provider)` returns (id -> token), in one connection; the
    (id, name) pairs. The copy is put in WAL mode, as every world file is."""
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(target), isolation_level=None)
    try:
        src.backup(dst)
        providers = [(r[0], r[1]) for r in dst.execute("SELECT id, name FROM lead_providers ORDER BY name")]
        with write_transaction(dst):
            set_tokens(dst, tokens(providers))
        dst.execute("PRAGMA journal_mode=WAL")
        return providers
    finally:
        dst.close()
        src.close()


def set_tokens(conn: sqlite3.Connection, tokens: Mapping[str, str]) -> None:
    """Give a world's providers the world's own tokens (lead provider id -> token); caller's transaction."""
    conn.executemany("UPDATE lead_providers SET token = ? WHERE id = ?", [(t, p) for p, t in tokens.items()])


def checkpoint(conn: sqlite3.Connection) -> None:
    """Move everything from the write-ahead log into the main file."""
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def provider_ids(path: Path) -> list[tuple[str, str]]:
    """(id, name) of a world file's providers."""
    conn = connect(path)
    try:
        return [(r[0], r[1]) for r in conn.execute("SELECT id, name FROM lead_providers ORDER BY name")]
    finally:
        conn.close()
