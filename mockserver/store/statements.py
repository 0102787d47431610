"""SQL for statements and statement items (V-71..V-73, V-93, V-94)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from mockserver.store.db import fetch_dict
from mockserver.store.paging import PageQuery, sql_int

SELECT = "SELECT s.*, s.rowid AS seq FROM statements s"
COLUMNS = (
    "id",
    "lead_provider_id",
    "cohort",
    "cohort_suffix",
    "year",
    "month",
    "deadline_date",
    "payment_date",
    "output_fee",
    "state",
    "created_at",
    "updated_at",
)
ITEM_COLUMNS = ("statement_id", "declaration_id", "state", "created_at", "updated_at")


def next_output_fee(
    conn: sqlite3.Connection, provider_id: str, cohort: int, suffix: str, today: str
) -> str | None:
    """V-71: the open output-fee statement of the provider and cohort with the earliest deadline today or
    later."""
    row = conn.execute(
        "SELECT id FROM statements WHERE lead_provider_id = ? AND cohort = ? AND cohort_suffix = ? "
        "AND output_fee = 1 AND state = 'open' AND deadline_date >= ? ORDER BY deadline_date, rowid LIMIT 1",
        (provider_id, cohort, suffix, today),
    ).fetchone()
    return None if row is None else row[0]


def any_for(conn: sqlite3.Connection, provider_id: str, cohort: int, suffix: str) -> bool:
    """Whether the provider has any statement at all for the cohort."""
    row = conn.execute(
        "SELECT 1 FROM statements WHERE lead_provider_id = ? AND cohort = ? AND cohort_suffix = ? LIMIT 1",
        (provider_id, cohort, suffix),
    ).fetchone()
    return row is not None


def list_query(provider_id: str, cohorts: Sequence[int] | None, updated_since: str | None) -> PageQuery:
    """V-72: the provider's output-fee statements, by payment date (V-39 filters)."""
    where, params = "s.lead_provider_id = ? AND s.output_fee = 1", [provider_id]
    if cohorts is not None:
        where += f" AND s.cohort IN ({', '.join('?' * len(cohorts))})"
        params.extend(sql_int(c) for c in cohorts)
    if updated_since is not None:
        where += " AND s.updated_at >= ?"
        params.append(updated_since)
    return PageQuery(SELECT, "statements s", where, "s.rowid", params, order="s.payment_date")


def get(conn: sqlite3.Connection, statement_id: str, provider_id: str | None = None) -> dict[str, Any] | None:
    """One statement; with a provider, only its output-fee statements (V-72)."""
    if provider_id is None:
        return fetch_dict(conn, f"{SELECT} WHERE s.id = ?", (statement_id,))
    return fetch_dict(
        conn,
        f"{SELECT} WHERE s.id = ? AND s.lead_provider_id = ? AND s.output_fee = 1",
        (statement_id, provider_id),
    )


def insert(conn: sqlite3.Connection, rows: Iterable[Mapping[str, object]]) -> None:
    """Insert statements (every column of COLUMNS)."""
    conn.executemany(
        f"INSERT INTO statements ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})", rows
    )


def exists(
    conn: sqlite3.Connection, provider_id: str, cohort: int, suffix: str, year: int, month: int
) -> bool:
    """Whether the provider already has the statement of that cohort, year and month."""
    row = conn.execute(
        "SELECT 1 FROM statements WHERE lead_provider_id = ? AND cohort = ? AND cohort_suffix = ? "
        "AND year = ? AND month = ?",
        (provider_id, cohort, suffix, year, month),
    ).fetchone()
    return row is not None


def update(conn: sqlite3.Connection, statement_id: str, values: Mapping[str, object]) -> None:
    """Change some columns of one statement."""
    sets = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE statements SET {sets} WHERE id = ?", (*values.values(), statement_id))  # noqa: S608


def insert_items(conn: sqlite3.Connection, rows: Iterable[Mapping[str, object]]) -> None:
    """Insert statement items."""
    conn.executemany(
        f"INSERT INTO statement_items ({', '.join(ITEM_COLUMNS)}) "
        f"VALUES ({', '.join(':' + c for c in ITEM_COLUMNS)})",
        rows,
    )


def add_item(conn: sqlite3.Connection, statement_id: str, declaration_id: str, state: str, now: str) -> None:
    """Attach a declaration to a statement (R-105, R-111)."""
    insert_items(
        conn,
        [
            {
                "statement_id": statement_id,
                "declaration_id": declaration_id,
                "state": state,
                "created_at": now,
                "updated_at": now,
            }
        ],
    )


def item_of(conn: sqlite3.Connection, declaration_id: str, states: Sequence[str]) -> dict[str, Any] | None:
    """The declaration's first item in one of the states."""
    return fetch_dict(
        conn,
        "SELECT * FROM statement_items WHERE declaration_id = ? "
        f"AND state IN ({', '.join('?' * len(states))}) ORDER BY id LIMIT 1",
        (declaration_id, *states),
    )


def set_item_state(conn: sqlite3.Connection, item_id: int, state: str, now: str) -> None:
    """Move one item."""
    conn.execute("UPDATE statement_items SET state = ?, updated_at = ? WHERE id = ?", (state, now, item_id))


def set_items_state(
    conn: sqlite3.Connection, declaration_id: str, from_states: Sequence[str], state: str, now: str
) -> None:
    """Move every item of a declaration in one of `from_states` (R-109: voiding voids its lines)."""
    conn.execute(
        f"UPDATE statement_items SET state = ?, updated_at = ? WHERE declaration_id = ? "
        f"AND state IN ({', '.join('?' * len(from_states))})",
        (state, now, declaration_id, *from_states),
    )


def move_statement_items(
    conn: sqlite3.Connection, statement_id: str, from_state: str, to_state: str, now: str
) -> None:
    """V-73: every item of the statement in `from_state`, and its declaration when it is in that state too,
    move to `to_state` (the declaration's updated_at moves)."""
    conn.execute(
        "UPDATE declarations SET state = ?, updated_at = ? WHERE state = ? AND id IN "
        "(SELECT declaration_id FROM statement_items WHERE statement_id = ? AND state = ?)",
        (to_state, now, from_state, statement_id, from_state),
    )
    conn.execute(
        "UPDATE statement_items SET state = ?, updated_at = ? WHERE statement_id = ? AND state = ?",
        (to_state, now, statement_id, from_state),
    )


def provider_ids(conn: sqlite3.Connection) -> set[str]:
    """Every lead provider id."""
    return {row[0] for row in conn.execute("SELECT id FROM lead_providers")}


def cohort_suffixes(conn: sqlite3.Connection, start_year: int) -> list[str]:
    """The suffixes of the cohorts of a start year, in order."""
    return [
        row[0]
        for row in conn.execute(
            "SELECT suffix FROM cohorts WHERE start_year = ? ORDER BY suffix", (start_year,)
        )
    ]
