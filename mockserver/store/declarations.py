"""SQL for declarations: lookups, pages, the facts of the create sequence, and writes."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime

from mockserver.domain.timeparse import stamp
from mockserver.store.paging import KeySource, PageQuery, sql_int

BILLABLE = "('submitted', 'eligible', 'payable', 'paid')"
LATEST_OUTCOME = (
    "(SELECT o.state FROM outcomes o WHERE o.declaration_id = d.id "
    "ORDER BY o.created_at DESC, o.rowid DESC LIMIT 1)"
)
# The statement of the first billable item (statement_id) and of the first refund item (V-18, V-94).
_ITEM_STATEMENT = (
    "(SELECT i.statement_id FROM statement_items i WHERE i.declaration_id = d.id AND i.state IN {states} "
    "ORDER BY i.id LIMIT 1)"
)
BILLING_STATEMENT = _ITEM_STATEMENT.format(states="('eligible', 'payable', 'paid')")
CLAWBACK_STATEMENT = _ITEM_STATEMENT.format(states="('awaiting_clawback', 'clawed_back')")
_OWN = (
    "SELECT d.*, d.rowid AS seq, a.course_identifier AS course_identifier, "
    f"{LATEST_OUTCOME} AS latest_outcome_state"
)
_JOINED = "FROM declarations d JOIN applications a ON a.id = d.application_id"
# What v1/v2 show: the declaration, its course and latest outcome.
SELECT_OWN = f"{_OWN} {_JOINED}"
# v3 also shows delivery partners, statements, uplift and the provider's name (V-18).
SELECT = (
    f"{_OWN}, a.targeted_delivery_funding_eligibility, lp.name AS lead_provider_name, "
    "dp.name AS delivery_partner_name, sdp.name AS secondary_delivery_partner_name, "
    f"{BILLING_STATEMENT} AS statement_id, {CLAWBACK_STATEMENT} AS clawback_statement_id {_JOINED} "
    "LEFT JOIN lead_providers lp ON lp.id = d.lead_provider_id "
    "LEFT JOIN delivery_partners dp ON dp.id = d.delivery_partner_id "
    "LEFT JOIN delivery_partners sdp ON sdp.id = d.secondary_delivery_partner_id"
)


# VD8/V-51: the creator, or the provider that owns the application now (foreign_declarations, schema.sql).
_OWNER_SCOPE = (
    "(d.lead_provider_id = ? OR EXISTS (SELECT 1 FROM foreign_declarations f WHERE f.owner_id = ? "
    "AND f.created_at = d.created_at AND f.declaration_rowid = d.rowid))"
)


def _scope(owner_scope: bool) -> str:
    """R-14/R-108: the creator; VD8/V-51 (owner_scope): also the application's current provider."""
    return _OWNER_SCOPE if owner_scope else "d.lead_provider_id = ?"


def _scope_params(provider_id: str, owner_scope: bool) -> list[object]:
    return [provider_id, provider_id] if owner_scope else [provider_id]


def get(
    conn: sqlite3.Connection,
    declaration_id: str,
    provider_id: str | None = None,
    *,
    owner_scope: bool = False,
    billing: bool = True,
) -> sqlite3.Row | None:
    """One declaration with its application's course and latest outcome; scoped when provider given.
    Without billing only what v1/v2 show is computed (as list_query)."""
    sql, params = f"{SELECT if billing else SELECT_OWN} WHERE d.id = ?", [declaration_id]
    if provider_id is not None:
        sql += " AND " + _scope(owner_scope)
        params.extend(_scope_params(provider_id, owner_scope))
    return conn.execute(sql, params).fetchone()


def list_query(
    provider_id: str,
    updated_since: str | None,
    participant_ids: Sequence[str] | None,
    *,
    cohorts: Sequence[int] | None = None,
    owner_scope: bool = False,
    billing: bool = True,
) -> PageQuery:
    """The provider's declarations, by R-38 'updated since', participant ids (R-39) and cohorts (V-38).

    With owner_scope (VD8/V-51) the declarations of applications transferred to the provider are merged in
    (a second key source); `where` names the creator's scope only (the CSV, v1/v2, has no owner scope).
    Without billing only what v1/v2 show is computed (no statement, partner or provider lookups)."""
    conditions, params = "", []
    if updated_since is not None:
        conditions += " AND d.updated_at >= ?"
        params.append(updated_since)
    if participant_ids is not None:
        conditions += f" AND d.user_id IN ({', '.join('?' * len(participant_ids))})"
        params.extend(participant_ids)
    if cohorts is not None:
        conditions += f" AND d.cohort IN ({', '.join('?' * len(cohorts))})"
        params.extend(sql_int(c) for c in cohorts)
    owned = KeySource(
        "foreign_declarations f JOIN declarations d ON d.rowid = f.declaration_rowid",
        "f.owner_id = ?" + conditions,
        "f.created_at, f.declaration_rowid",
        [provider_id, *params],
    )
    select = SELECT if billing else SELECT_OWN
    return PageQuery(
        select,
        "declarations d",
        "d.lead_provider_id = ?" + conditions,
        "d.created_at, d.rowid",
        [provider_id, *params],
        by_rowid=f"{select} WHERE d.rowid IN",
        more_keys=(owned,) if owner_scope else (),
    )


def same_type_state(
    conn: sqlite3.Connection, app_id: str, declaration_type: str, other_than: str = ""
) -> str | None:
    """VD19: the state of another billable-or-changeable declaration of this type on the application."""
    row = conn.execute(
        f"SELECT state FROM declarations WHERE application_id = ? AND declaration_type = ? AND id <> ? "
        f"AND state IN {BILLABLE} ORDER BY created_at, rowid LIMIT 1",
        (app_id, declaration_type, other_than),
    ).fetchone()
    return None if row is None else row[0]


def set_partners(
    conn: sqlite3.Connection, declaration_id: str, primary: str | None, secondary: str | None, now: str
) -> None:
    """V-70: store the delivery partners; updated_at moves."""
    conn.execute(
        "UPDATE declarations SET delivery_partner_id = ?, secondary_delivery_partner_id = ?, updated_at = ? "
        "WHERE id = ?",
        (primary, secondary, now, declaration_id),
    )


def of_application(conn: sqlite3.Connection, app_id: str) -> list[sqlite3.Row]:
    """Every declaration of one application."""
    return conn.execute(
        "SELECT * FROM declarations WHERE application_id = ? ORDER BY created_at, rowid", (app_id,)
    ).fetchall()


def twin_state(
    conn: sqlite3.Connection, user_id: str, provider_id: str, course: str, declaration_type: str, at: datetime
) -> str | None:
    """State of a submitted/billable declaration with the same type, date, provider and course (R-100).

    The same date means the same instant to the microsecond, as Postgres compares timestamps."""
    row = conn.execute(
        "SELECT d.state FROM declarations d JOIN applications a ON a.id = d.application_id "
        # +: the person's few declarations by declarations_by_user, not the provider's all in order
        "WHERE d.user_id = ? AND +d.lead_provider_id = ? AND a.course_identifier = ? AND "
        "d.declaration_type = ? "
        f"AND d.declaration_date = ? AND d.declaration_usec = ? AND d.state IN {BILLABLE} "
        "ORDER BY d.created_at, d.rowid LIMIT 1",
        (user_id, provider_id, course, declaration_type, stamp(at), at.microsecond),
    ).fetchone()
    return None if row is None else row[0]


def duplicate_of(
    conn: sqlite3.Connection, trn: str | None, user_id: str, declaration_type: str, courses: Sequence[str]
) -> str | None:
    """R-104: the oldest live declaration of the same type and course by another person with this TRN."""
    if not trn:
        return None
    marks = ", ".join("?" * len(courses))
    row = conn.execute(
        "SELECT d.id FROM declarations d JOIN users u ON u.id = d.user_id JOIN applications a ON "
        "a.id = d.application_id "
        f"WHERE u.trn = ? AND d.user_id <> ? AND d.declaration_type = ? AND a.course_identifier IN ({marks}) "
        f"AND d.state IN {BILLABLE} AND d.superseded_by_id IS NULL ORDER BY d.created_at, d.rowid LIMIT 1",
        (trn, user_id, declaration_type, *courses),
    ).fetchone()
    return None if row is None else row[0]


def insert(conn: sqlite3.Connection, values: Mapping[str, object]) -> None:
    """Insert one declaration row."""
    cols = ", ".join(values)
    conn.execute(
        f"INSERT INTO declarations ({cols}) VALUES ({', '.join('?' * len(values))})", tuple(values.values())
    )


def set_state(conn: sqlite3.Connection, declaration_id: str, state: str, now: str) -> None:
    """Move a declaration to another state."""
    conn.execute(
        "UPDATE declarations SET state = ?, updated_at = ? WHERE id = ?", (state, now, declaration_id)
    )


def touch(conn: sqlite3.Connection, declaration_id: str, now: str) -> None:
    """Set a declaration's updated_at (a new outcome changes its has_passed)."""
    conn.execute("UPDATE declarations SET updated_at = ? WHERE id = ?", (now, declaration_id))
