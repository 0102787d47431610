"""SQL for bearer tokens."""

from __future__ import annotations

import sqlite3


def provider_for_token(conn: sqlite3.Connection, token: str) -> str | None:
    """The lead provider id a token belongs to, or None."""
    row = conn.execute("SELECT id FROM lead_providers WHERE token = ?", (token,)).fetchone()
    return None if row is None else row[0]


def all_tokens(conn: sqlite3.Connection) -> dict[str, str]:
    """Every bearer token with its lead provider id."""
    return dict(conn.execute("SELECT token, id FROM lead_providers").fetchall())
