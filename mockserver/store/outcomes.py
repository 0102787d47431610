"""SQL for outcomes: pages, the latest outcome and completed declaration of a course, inserts."""

from __future__ import annotations

import sqlite3

from mockserver.store.paging import PageQuery

OUTCOME_STATES = "('submitted', 'eligible', 'payable', 'paid', 'ineligible')"
SELECT = (
    "SELECT o.*, o.rowid AS seq, a.course_identifier AS course_identifier FROM outcomes o "
    "JOIN declarations d ON d.id = o.declaration_id JOIN applications a ON a.id = d.application_id"
)
_COMPLETED = (
    "d.user_id = ? AND d.lead_provider_id = ? AND a.course_identifier = ? AND d.declaration_type = "
    "'completed' "
    f"AND d.state IN {OUTCOME_STATES}"
)
# VD15 (HEAD): also the completed declarations another provider made on an application the caller owns now.
_COMPLETED_OR_OWNED = _COMPLETED.replace(
    "d.lead_provider_id = ?", "(d.lead_provider_id = ? OR a.lead_provider_id = ?)"
)


def _completed(provider_id: str, owned: bool) -> tuple[str, tuple[str, ...]]:
    return (_COMPLETED_OR_OWNED, (provider_id, provider_id)) if owned else (_COMPLETED, (provider_id,))


def list_query(provider_id: str, created_since: str | None) -> PageQuery:
    """Every outcome on the provider's declarations (R-113)."""
    where, params = "o.lead_provider_id = ?", [provider_id]
    if created_since is not None:
        where += " AND o.created_at >= ?"
        params.append(created_since)
    return PageQuery(SELECT, "outcomes o", where, "o.created_at, o.rowid", params)


def participant_query(provider_id: str, user_id: str) -> PageQuery:
    """One person's outcomes on the provider's declarations (R-114)."""
    where = "o.lead_provider_id = ? AND o.user_id = ?"
    return PageQuery(SELECT, "outcomes o", where, "o.created_at, o.rowid", [provider_id, user_id])


def get(conn: sqlite3.Connection, outcome_id: str) -> sqlite3.Row | None:
    """One outcome with its course."""
    return conn.execute(f"{SELECT} WHERE o.id = ?", (outcome_id,)).fetchone()


def latest_completed_declaration(
    conn: sqlite3.Connection, user_id: str, provider_id: str, course: str, *, owned: bool = False
) -> sqlite3.Row | None:
    """The most recent completed declaration that outcomes attach to (R-119; VD15 with `owned`)."""
    where, scope = _completed(provider_id, owned)
    return conn.execute(
        "SELECT d.* FROM declarations d JOIN applications a ON a.id = d.application_id "
        f"WHERE {where} ORDER BY d.created_at DESC, d.rowid DESC LIMIT 1",
        (user_id, *scope, course),
    ).fetchone()


def latest_outcome(
    conn: sqlite3.Connection, user_id: str, provider_id: str, course: str, *, owned: bool = False
) -> sqlite3.Row | None:
    """The latest outcome over those completed declarations (idempotent replay, R-112)."""
    where, scope = _completed(provider_id, owned)
    return conn.execute(
        "SELECT o.* FROM outcomes o JOIN declarations d ON d.id = o.declaration_id "
        f"JOIN applications a ON a.id = d.application_id WHERE {where} "
        "ORDER BY o.created_at DESC, o.rowid DESC LIMIT 1",
        (user_id, *scope, course),
    ).fetchone()


def insert(
    conn: sqlite3.Connection,
    *,
    outcome_id: str,
    declaration_id: str,
    provider_id: str,
    user_id: str,
    state: str,
    completion_date: str,
    now: str,
) -> None:
    """Append an outcome."""
    conn.execute(
        "INSERT INTO outcomes (id, declaration_id, lead_provider_id, user_id, state, "
        "completion_date, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (outcome_id, declaration_id, provider_id, user_id, state, completion_date, now),
    )
