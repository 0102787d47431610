"""SQL for delivery partners and their partnerships with providers (V-74, V-75, V-95)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mockserver.store.db import fetch_dict
from mockserver.store.paging import PageQuery, sql_int

SELECT = "SELECT dp.*, dp.rowid AS seq FROM delivery_partners dp"
# The columns `sort` may name (V-33): the real table's, mapped onto ours (our id is the public UUID).
SORT_COLUMNS = {
    "name": "dp.name",
    "created_at": "dp.created_at",
    "updated_at": "dp.updated_at",
    "id": "dp.rowid",
    "ecf_id": "dp.id",
}
PARTNER_COLUMNS = ("id", "name", "created_at", "updated_at")
PARTNERSHIP_COLUMNS = ("delivery_partner_id", "lead_provider_id", "cohort", "cohort_suffix", "created_at")


def exists(conn: sqlite3.Connection, partner_id: object) -> bool:
    """Whether a delivery partner has this id (any value: non-UUIDs match nothing)."""
    if not isinstance(partner_id, str):
        return False
    return (
        conn.execute("SELECT 1 FROM delivery_partners WHERE id = ?", (partner_id.lower(),)).fetchone()
        is not None
    )


def name_taken(conn: sqlite3.Connection, name: str) -> bool:
    """Whether a delivery partner already has this name (names are unique, V-95)."""
    return conn.execute("SELECT 1 FROM delivery_partners WHERE name = ?", (name,)).fetchone() is not None


def partnered(conn: sqlite3.Connection, partner_id: str, provider_id: str, cohort: int, suffix: str) -> bool:
    """V-64 d/g: a partnership of (partner, provider, the exact cohort)."""
    row = conn.execute(
        "SELECT 1 FROM delivery_partnerships WHERE delivery_partner_id = ? AND lead_provider_id = ? "
        "AND cohort = ? AND cohort_suffix = ?",
        (partner_id.lower(), provider_id, cohort, suffix),
    ).fetchone()
    return row is not None


def _scope(provider_id: str, cohort: int | None) -> tuple[str, list[object]]:
    where = (
        "EXISTS (SELECT 1 FROM delivery_partnerships p WHERE p.delivery_partner_id = dp.id "
        "AND p.lead_provider_id = ?"
    )
    params: list[object] = [provider_id]
    if cohort is not None:
        where += " AND p.cohort = ?"
        params.append(sql_int(cohort))
    return where + ")", params


def list_query(provider_id: str, cohort: int | None, order: str | None) -> PageQuery:
    """V-74: partners with a partnership with the provider (of that start year when given), each once."""
    where, params = _scope(provider_id, cohort)
    return PageQuery(SELECT, "delivery_partners dp", where, "dp.rowid", params, order=order or "dp.rowid")


def get(conn: sqlite3.Connection, partner_id: str, provider_id: str) -> dict[str, Any] | None:
    """V-75: one partner, if partnered with the provider."""
    where, params = _scope(provider_id, None)
    return fetch_dict(conn, f"{SELECT} WHERE dp.id = ? AND {where}", (partner_id, *params))


def cohorts_of(
    conn: sqlite3.Connection, partner_ids: Sequence[str], provider_id: str
) -> dict[str, list[int]]:
    """V-22: each partner's partnership start years with the provider, in load (creation) order."""
    found: dict[str, list[int]] = {pid: [] for pid in partner_ids}
    if not partner_ids:
        return found
    marks = ", ".join("?" * len(partner_ids))
    rows = conn.execute(
        "SELECT delivery_partner_id, cohort FROM delivery_partnerships WHERE lead_provider_id = ? "
        f"AND delivery_partner_id IN ({marks}) ORDER BY created_at, cohort, cohort_suffix",
        (provider_id, *partner_ids),
    )
    for partner_id, cohort in rows:
        found[partner_id].append(cohort)
    return found


def insert(
    conn: sqlite3.Connection,
    partners: Iterable[Mapping[str, object]],
    partnerships: Iterable[Mapping[str, object]],
) -> None:
    """Insert partners and partnerships (partnerships already present are kept)."""
    conn.executemany(
        f"INSERT INTO delivery_partners ({', '.join(PARTNER_COLUMNS)}) "
        f"VALUES ({', '.join(':' + c for c in PARTNER_COLUMNS)})",
        partners,
    )
    conn.executemany(
        f"INSERT OR IGNORE INTO delivery_partnerships ({', '.join(PARTNERSHIP_COLUMNS)}) "
        f"VALUES ({', '.join(':' + c for c in PARTNERSHIP_COLUMNS)})",
        partnerships,
    )


def partnerships_of(conn: sqlite3.Connection, partner_id: str) -> list[dict[str, Any]]:
    """Every partnership of a partner (the testing API's answer)."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT lead_provider_id, cohort, cohort_suffix FROM delivery_partnerships "
            "WHERE delivery_partner_id = ? ORDER BY created_at, lead_provider_id, cohort, cohort_suffix",
            (partner_id,),
        )
    ]
