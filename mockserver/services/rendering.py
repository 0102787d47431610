"""Pages and exports as rendered bodies: stored ones where the world file has them (store/rendered.py), the
others rendered from the page's (or export's) snapshot by the HTTP layer's representation and stored."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from mockserver.errors import ApiError
from mockserver.services.context import Context
from mockserver.store import rendered
from mockserver.store.db import read_transaction
from mockserver.store.invalidation import PARTICIPANTS
from mockserver.store.paging import PageQuery, fetch_page, rows_by_rowid, stream_all

Rows = Sequence[dict[str, Any]]


@dataclass(frozen=True)
class Shown:
    """How the HTTP layer shows one record of a list (a representation's function) and the view number its
    bodies are stored under (one per representation: mockserver/versions.py)."""

    show: Callable[[Any], dict[str, Any]]
    view: int


@dataclass(frozen=True)
class Lines:
    """How the HTTP layer writes the records of an export as lines (CSV: one line a record, from a batch of
    rows) and the view number its lines are stored under (mockserver/versions.py)."""

    render: Callable[[Rows], list[bytes]]
    view: int


def export_lines(ctx: Context, query: PageQuery, lines: Lines, kind: int) -> Iterator[list[bytes]]:
    """Every record of the list as its line, in order, a batch at a time, from one snapshot: stored lines
    read and missing ones rendered and stored (a connection without stored bodies renders every row)."""
    if not rendered.enabled(ctx.conn):
        return (lines.render(rows) for rows in stream_all(ctx.conn, query))
    return rendered.stream(ctx.conn, query, rendered.Bodies(kind, lines.view), lines.render)


def page_bodies(
    ctx: Context,
    query: PageQuery,
    page: int,
    per_page: int,
    shown: Shown,
    kind: int,
    records: Callable[[Rows], Sequence[Any]] = lambda rows: rows,
) -> list[bytes]:
    """One page's bodies in order (call inside the page's read transaction); `records` turns rows into what
    `shown.show` takes. A caller-chosen order (v3 `sort`) or a connection without stored bodies renders
    every row, as a page always did."""
    if query.order is not None or not rendered.enabled(ctx.conn):
        rows = fetch_page(ctx.conn, query, page, per_page)
        return [orjson.dumps(shown.show(item)) for item in records(rows)]
    provider = rendered.provider_number(ctx.conn, ctx.provider_id) if kind == PARTICIPANTS else 0

    def render(rowids: Sequence[int]) -> dict[int, bytes]:
        rows = rows_by_rowid(ctx.conn, query, list(rowids))
        items = records(rows)
        return {row["seq"]: orjson.dumps(shown.show(item)) for row, item in zip(rows, items, strict=True)}

    return rendered.page(ctx.conn, query, page, per_page, rendered.Bodies(kind, shown.view, provider), render)


def record_body(
    ctx: Context,
    query: PageQuery,
    shown: Shown,
    kind: int,
    records: Callable[[Rows], Sequence[Any]] = lambda rows: rows,
) -> bytes:
    """One record's body, a 404 when the caller may not see it: `query` is the record's list narrowed to
    its id, so the scope is the list's and the body the one its pages show (stored, or rendered and
    stored now), read as a page of one in a read transaction of its own."""
    with read_transaction(ctx.conn):
        found = page_bodies(ctx, query, 1, 1, shown, kind, records)
    if not found:
        raise ApiError.of("resource.not_found")
    return found[0]
