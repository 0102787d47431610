"""Pages whose cost does not grow with depth: an index-only anchor lookup, then a keyset range scan."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mockserver.store.db import fetch_dicts

MAX_OFFSET = 2**62


def sql_int(value: int) -> int:
    """An integer SQLite can bind: out-of-range values (which match nothing) become -1."""
    return value if -(2**63) <= value < 2**63 else -1


@dataclass(frozen=True)
class PageQuery:
    """One list query split into the parts the two-step page fetch needs.

    `key_from`/`where` must be answerable from a covering index when no filter is set; `key` is the
    ordering key, e.g. "a.created_at, a.rowid"; `select` is the full SELECT ... FROM ... of the rows.
    """

    select: str
    key_from: str
    where: str
    key: str
    params: Sequence[object]
    # A caller-chosen ORDER BY (v3 `sort`, V-33), e.g. "u.full_name DESC, a.created_at": such pages are
    # fetched by OFFSET (the key's tie-break is appended so pages never overlap).
    order: str | None = None


def fetch_page(
    conn: sqlite3.Connection, query: PageQuery, page: int, per_page: int
) -> list[dict[str, Any]]:
    """Rows of one page, ordered by the key; empty past the last page."""
    offset = (page - 1) * per_page
    if offset >= MAX_OFFSET:
        return []
    if query.order is not None:
        sql = f"{query.select} WHERE {query.where} ORDER BY {query.order}, {query.key} LIMIT ? OFFSET ?"
        return fetch_dicts(conn, sql, (*query.params, per_page, offset))
    order = f"ORDER BY {query.key}"
    if offset == 0:
        sql = f"{query.select} WHERE {query.where} {order} LIMIT ?"
        return fetch_dicts(conn, sql, (*query.params, per_page))
    anchor = conn.execute(
        f"SELECT {query.key} FROM {query.key_from} WHERE {query.where} {order} LIMIT 1 OFFSET ?",
        (*query.params, offset),
    ).fetchone()
    if anchor is None:
        return []
    sql = f"{query.select} WHERE {query.where} AND ({query.key}) >= (?, ?) {order} LIMIT ?"
    return fetch_dicts(conn, sql, (*query.params, anchor[0], anchor[1], per_page))


def fetch_all(conn: sqlite3.Connection, query: PageQuery) -> list[dict[str, Any]]:
    """Every row of the query (CSV endpoints are not paginated)."""
    return fetch_dicts(conn, f"{query.select} WHERE {query.where} ORDER BY {query.key}", query.params)
