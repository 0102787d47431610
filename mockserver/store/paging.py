"""Pages whose cost does not grow with depth: the page's first key from a mark near it, the page's keys from
an index, then (where the rows are dear) only those rows.

A page at OFFSET n walks n index entries to find its first key; at a million applications the last page of
a provider walked 125,000. Each connection therefore remembers, per list query, the key at every MARK_EVERY
positions (found once by walking, as far as pages have been asked for) and walks at most MARK_EVERY entries
from the nearest mark. The marks hold while the world's records are unchanged: `record_generation` moves with
every write to a world table but the stored bodies (store/invalidation.py), so a connection's marks survive
the bodies stored by page reads (its own and other processes'); a move, or a reset (which drops and makes
the triggers again, moving the schema cookie), forgets every mark of the connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from mockserver.store.db import as_dicts, connect, fetch_dicts

MAX_OFFSET = 2**62
MARK_EVERY = 256
_MAX_MARKED_QUERIES = 256  # per connection; all are forgotten past it (a rare, bounded rebuild)
_STREAM_CACHE_KIB = 8192


def sql_int(value: int) -> int:
    """An integer SQLite can bind: out-of-range values (which match nothing) become -1."""
    return value if -(2**63) <= value < 2**63 else -1


@dataclass(frozen=True)
class KeySource:
    """Another scope of a list, disjoint from the first, whose keys are merged into its order (v3's
    declarations of transferred applications): FROM, WHERE and its two key columns, in index order."""

    source: str
    where: str
    key: str
    params: Sequence[object]


@dataclass(frozen=True)
class PageQuery:
    """One list query split into the parts the page fetch needs.

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
    # "SELECT ... FROM ... WHERE <rowid> IN": the rows of a page by the key's second column, when computing
    # a row costs more than finding it (subqueries): then only the page's rows are computed.
    by_rowid: str | None = None
    more_keys: tuple[KeySource, ...] = ()

    def narrowed(self, condition: str, params: Sequence[object]) -> PageQuery:
        """The same list with one more condition (over the aliases of every scope) and its parameters."""
        more = tuple(
            replace(s, where=f"{s.where} AND {condition}", params=[*s.params, *params])
            for s in self.more_keys
        )
        return replace(
            self, where=f"{self.where} AND {condition}", params=[*self.params, *params], more_keys=more
        )


def fetch_page(conn: sqlite3.Connection, query: PageQuery, page: int, per_page: int) -> list[dict[str, Any]]:
    """Rows of one page, ordered by the key; empty past the last page."""
    offset = (page - 1) * per_page
    if offset >= MAX_OFFSET:
        return []
    if query.order is not None:
        sql = f"{query.select} WHERE {query.where} ORDER BY {query.order}, {query.key} LIMIT ? OFFSET ?"
        return fetch_dicts(conn, sql, (*query.params, per_page, offset))
    anchor = _anchor(conn, query, offset)
    if anchor is None:
        return []
    if query.by_rowid is None and not query.more_keys:
        bound, params = _bound(query.key, anchor)
        sql = f"{query.select} WHERE {query.where}{bound} ORDER BY {query.key} LIMIT ?"
        return fetch_dicts(conn, sql, (*query.params, *params, per_page))
    keys = [row[1] for row in conn.execute(*_keys_sql(query, anchor, per_page, 0))]
    return rows_by_rowid(conn, query, keys)


def page_keys_sql(
    conn: sqlite3.Connection, query: PageQuery, page: int, per_page: int
) -> tuple[str, tuple[object, ...]] | None:
    """SQL selecting one page's keys in order (two columns: the ordering key and the rowid), None past the
    last page. Keyset queries only (no caller-chosen `order`)."""
    offset = (page - 1) * per_page
    if offset >= MAX_OFFSET:
        return None
    anchor = _anchor(conn, query, offset)
    return None if anchor is None else _keys_sql(query, anchor, per_page, 0)


def rows_by_rowid(conn: sqlite3.Connection, query: PageQuery, keys: list[object]) -> list[dict[str, Any]]:
    """The list's rows with these rowids (the key's second column), in the order of the keys."""
    if not keys:
        return []
    marks = f"({', '.join('?' * len(keys))})"
    rowid = rowid_of(query.key)
    if query.by_rowid is not None:
        sql, params = f"{query.by_rowid} {marks}", tuple(keys)
    elif query.more_keys:  # keys of several scopes: the first scope's WHERE would drop the others' rows
        sql, params = f"{query.select} WHERE {rowid} IN {marks}", tuple(keys)
    else:  # the WHERE keeps the joined rows to the list's own (a participant's rows of this provider)
        sql, params = f"{query.select} WHERE {query.where} AND {rowid} IN {marks}", (*query.params, *keys)
    rows = fetch_dicts(conn, sql, params)
    position = {key: index for index, key in enumerate(keys)}
    return sorted(rows, key=lambda row: position[row["seq"]])


def rows_between(
    conn: sqlite3.Connection, query: PageQuery, first: Sequence[object], last: Sequence[object]
) -> list[dict[str, Any]]:
    """The list's rows whose keys lie from `first` to `last`, both included, in key order: one range of the
    key's index. (Rows by rowid, `rowid IN (...)`, are found through the provider's index instead once the
    list has more than a few: SQLite, without statistics, takes the provider's rows for a handful.)"""
    sql = (
        f"{query.select} WHERE {query.where} AND ({query.key}) >= (?, ?) AND ({query.key}) <= (?, ?) "
        f"ORDER BY {query.key}"
    )
    return fetch_dicts(conn, sql, (*query.params, *first, *last))


def _bound(key: str, anchor: tuple[object, ...]) -> tuple[str, tuple[object, ...]]:
    """The condition 'from the anchor on' (nothing for the first key of the list)."""
    return ("", ()) if not anchor else (f" AND ({key}) >= (?, ?)", anchor)


def _keys_sql(
    query: PageQuery, anchor: tuple[object, ...], limit: int, offset: int
) -> tuple[str, tuple[object, ...]]:
    """The keys of the list from the anchor on, in order; each scope is read in its index's order and the
    scopes are merged (SQLite's MERGE of a UNION ALL under ORDER BY)."""
    scopes = (KeySource(query.key_from, query.where, query.key, query.params), *query.more_keys)
    parts, params = [], []
    for scope in scopes:
        bound, bound_params = _bound(scope.key, anchor)
        parts.append(f"SELECT {scope.key} FROM {scope.source} WHERE {scope.where}{bound}")
        params.extend((*scope.params, *bound_params))
    order = "ORDER BY 1, 2" if query.more_keys else f"ORDER BY {query.key}"
    return f"{' UNION ALL '.join(parts)} {order} LIMIT ? OFFSET ?", (*params, limit, offset)


def rowid_of(key: str) -> str:
    """The rowid column of a list's key (its second column), e.g. "a.rowid"."""
    return key.rsplit(",", 1)[1].strip()


def _anchor(conn: sqlite3.Connection, query: PageQuery, offset: int) -> tuple[object, ...] | None:
    """The key at `offset` (() for the start of the list), None past the end: walked from the nearest
    remembered mark, remembering the marks passed."""
    if offset == 0:
        return ()
    marks = _marks(conn, query)
    wanted = offset // MARK_EVERY
    while len(marks) < wanted:  # marks[i] is the key at (i + 1) * MARK_EVERY
        found = _walk(conn, query, marks[-1] if marks else (), MARK_EVERY)
        if found is None:
            return None
        marks.append(found)
    start = marks[wanted - 1] if wanted else ()
    return _walk(conn, query, start, offset - wanted * MARK_EVERY)


def _walk(
    conn: sqlite3.Connection, query: PageQuery, start: tuple[object, ...], steps: int
) -> tuple[object, ...] | None:
    """The key `steps` places after `start` (itself at 0), None past the end."""
    if steps == 0:
        return start
    row = conn.execute(*_keys_sql(query, start, 1, steps)).fetchone()
    return None if row is None else tuple(row)


def records_version(conn: sqlite3.Connection) -> tuple[int, int]:
    """What moves whenever a list's rows may have changed: `record_generation` (every write to a world table
    but the stored bodies) and the schema cookie (a reset rewrites every row with the triggers dropped and
    made again)."""
    row = conn.execute(
        "SELECT n, (SELECT schema_version FROM pragma_schema_version) FROM record_generation"
    ).fetchone()
    return row[0], row[1]


def _marks(conn: sqlite3.Connection, query: PageQuery) -> list[tuple[object, ...]]:
    """This connection's marks for this list, forgotten when the world changed since they were taken."""
    memory = getattr(conn, "page_marks", None)
    if memory is None:  # a plain connection (not from db.connect): walk every time
        return []
    try:
        version = records_version(conn)
    except sqlite3.OperationalError:  # a file not prepared by this build: walk every time
        return []
    if memory.get("version") != version or len(memory) > _MAX_MARKED_QUERIES:
        memory.clear()
        memory["version"] = version
    sql, params = _keys_sql(query, (), 1, 0)  # names the list: its scopes, filters and parameters
    return memory.setdefault((sql, params), [])


def stream_all(
    conn: sqlite3.Connection, query: PageQuery, batch: int = 1000
) -> Iterator[list[dict[str, Any]]]:
    """Every row of the query in key order (the CSV endpoints are not paginated), `batch` rows at a time,
    so a provider's whole share of a big world is never held at once.

    The rows are read through a connection of the stream's own, in one read transaction (one snapshot for
    the whole body), so the request's connection stays free while the body is sent. That connection
    closes when the stream ends or is closed (a client that hangs up)."""
    sql = f"{query.select} WHERE {query.where} ORDER BY {query.key}"
    return _stream(database_path(conn), sql, query.params, batch)


def database_path(conn: sqlite3.Connection) -> str:
    """The file of a connection's main database."""
    return conn.execute("PRAGMA database_list").fetchone()[2]


def stream_connection(path: str) -> sqlite3.Connection:
    """A connection of a stream's own, with a small page cache: one pass over the rows needs no more, and
    the server's memory stays flat while it sends."""
    reader = connect(path)
    reader.execute(f"PRAGMA cache_size=-{_STREAM_CACHE_KIB}")
    return reader


def _stream(path: str, sql: str, params: Sequence[object], batch: int) -> Iterator[list[dict[str, Any]]]:
    reader = stream_connection(path)
    try:
        reader.execute("BEGIN")
        cursor = reader.cursor()
        cursor.row_factory = None
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(batch):
            yield as_dicts(cursor.description, rows)
    finally:
        reader.close()
