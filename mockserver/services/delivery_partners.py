"""Delivery partners (V-74, V-75): the partners a provider is partnered with, and their cohorts (V-22)."""

from __future__ import annotations

from typing import Any

from mockserver.domain.sorting import parse_sort
from mockserver.errors import ApiError
from mockserver.services.context import Context
from mockserver.store import delivery_partners as store
from mockserver.store.db import read_transaction
from mockserver.store.paging import fetch_page

DEFAULT_ORDER = "dp.name"


def _order(sort: str | None) -> str | None:
    """V-33 on the delivery_partners table; default name ascending; nothing valid: no order (rowid)."""
    parsed = parse_sort(sort, store.SORT_COLUMNS)
    if parsed is None:
        return DEFAULT_ORDER
    if not parsed:
        return None
    return ", ".join(f"{store.SORT_COLUMNS[name]}{' DESC' if desc else ''}" for name, desc in parsed)


def list_partners(
    ctx: Context, *, cohort: int | None, sort: str | None, page: int, per_page: int
) -> list[tuple[dict[str, Any], list[int]]]:
    """One page of (partner, its cohorts with the provider)."""
    with read_transaction(ctx.conn):
        rows = fetch_page(ctx.conn, store.list_query(ctx.provider_id, cohort, _order(sort)), page, per_page)
        cohorts = store.cohorts_of(ctx.conn, [r["id"] for r in rows], ctx.provider_id)
    return [(row, cohorts[row["id"]]) for row in rows]


def show_partner(ctx: Context, partner_id: str) -> tuple[dict[str, Any], list[int]]:
    """One partner partnered with the provider, else 404."""
    with read_transaction(ctx.conn):
        row = store.get(ctx.conn, partner_id, ctx.provider_id)
        if row is None:
            raise ApiError.of("resource.not_found")
        return row, store.cohorts_of(ctx.conn, [partner_id], ctx.provider_id)[partner_id]
