"""SQL for applications: lookups, pages, CSV rows and the writes of accept, reject and change-funded-place."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from typing import Any

from mockserver.store.db import fetch_dict
from mockserver.store.paging import PageQuery
from mockserver.store.records import APPLICATION_COLUMNS, APPLICATION_FROM, previously_funded_sql

BILLABLE = "('submitted', 'eligible', 'payable', 'paid')"


@lru_cache(maxsize=8)  # built once per reference data, not once a request
def _select(pairs: tuple[tuple[str, str], ...]) -> str:
    funded = previously_funded_sql(pairs)
    return f"SELECT {APPLICATION_COLUMNS}, {funded} AS previously_funded FROM {APPLICATION_FROM}"


@lru_cache(maxsize=16)
def _get_sql(pairs: tuple[tuple[str, str], ...], scoped: bool) -> str:
    return _select(pairs) + " WHERE a.id = ?" + (" AND a.lead_provider_id = ?" if scoped else "")


def get(
    conn: sqlite3.Connection, pairs: tuple[tuple[str, str], ...], app_id: str, provider_id: str | None = None
) -> dict[str, Any] | None:
    """One application with its person, schedule and R-40 flag; scoped to a provider when given."""
    if provider_id is None:
        return fetch_dict(conn, _get_sql(pairs, False), (app_id,))
    return fetch_dict(conn, _get_sql(pairs, True), (app_id, provider_id))


def exists(conn: sqlite3.Connection, app_id: str, provider_id: str) -> bool:
    """Whether the provider has this application (what `get` would find, without computing the row)."""
    found = conn.execute(
        "SELECT 1 FROM applications WHERE id = ? AND lead_provider_id = ?", (app_id, provider_id)
    ).fetchone()
    return found is not None


def list_query(
    pairs: tuple[tuple[str, str], ...],
    provider_id: str,
    cohorts: Sequence[int] | None,
    updated_since: str | None,
    *,
    accepted_only: bool = False,
) -> PageQuery:
    """The provider's applications, filtered by cohort start years and R-38 'updated since'."""
    where = "a.lead_provider_id = ?" + (" AND a.status = 'accepted'" if accepted_only else "")
    params: list[object] = [provider_id]
    key_from = "applications a"
    if cohorts is not None:
        where += f" AND a.cohort IN ({', '.join('?' * len(cohorts))})" if cohorts else " AND 0"
        params.extend(cohorts)
    if updated_since is not None:
        where += " AND (a.updated_at >= ? OR u.updated_at >= ?)"
        params.extend((updated_since, updated_since))
        key_from = "applications a JOIN users u ON u.id = a.user_id"
    return PageQuery(_select(pairs), key_from, where, "a.created_at, a.rowid", params)


def for_participants(query: PageQuery, user_ids: Sequence[str]) -> PageQuery:
    """V-34: only the applications of these people."""
    marks = ", ".join("?" * len(user_ids)) or "NULL"
    return replace(
        query, where=f"{query.where} AND a.user_id IN ({marks})", params=[*query.params, *user_ids]
    )


_COLUMNS: dict[str, frozenset[str]] = {}


def columns(conn: sqlite3.Connection, table: str) -> frozenset[str]:
    """The column names of a table (what v3's `sort` may name, V-33); the schema is fixed per process."""
    if table not in ("applications", "users"):
        return frozenset()
    if table not in _COLUMNS:
        _COLUMNS[table] = frozenset(row[1] for row in conn.execute(f"PRAGMA table_info({table})"))
    return _COLUMNS[table]


def of_people(conn: sqlite3.Connection, user_ids: Sequence[str]) -> list[sqlite3.Row]:
    """Every application of these people (any provider, any status), with schedule."""
    marks = ", ".join("?" * len(user_ids))
    return conn.execute(
        "SELECT a.*, s.cohort AS schedule_cohort, s.identifier AS schedule_identifier, "
        "s.cohort_suffix AS schedule_suffix FROM applications a "
        f"LEFT JOIN schedules s ON s.id = a.schedule_id WHERE a.user_id IN ({marks}) ORDER BY "
        "a.created_at, a.rowid",
        tuple(user_ids),
    ).fetchall()


def people_with_trn(conn: sqlite3.Connection, trn: str) -> list[str]:
    """Ids of every person holding this TRN."""
    return [row[0] for row in conn.execute("SELECT id FROM users WHERE trn = ?", (trn,))]


def has_billable_declarations(conn: sqlite3.Connection, app_id: str) -> bool:
    """Any declaration of the application in submitted/eligible/payable/paid."""
    sql = f"SELECT 1 FROM declarations WHERE application_id = ? AND state IN {BILLABLE} LIMIT 1"
    return conn.execute(sql, (app_id,)).fetchone() is not None


def schedule_id(conn: sqlite3.Connection, cohort: int | None, identifier: str) -> int | None:
    """The schedule row id of an identifier within a cohort."""
    row = conn.execute(
        "SELECT id FROM schedules WHERE cohort = ? AND identifier = ?", (cohort, identifier)
    ).fetchone()
    return None if row is None else row[0]


def touch_user(conn: sqlite3.Connection, user_id: str, now: str) -> None:
    """Mark the person significantly updated (R-58)."""
    conn.execute("UPDATE users SET updated_at = ? WHERE id = ?", (now, user_id))


def accept(
    conn: sqlite3.Connection,
    app_id: str,
    *,
    status: str,
    training_status: str,
    schedule: int,
    funded_place: bool | None,
    store_funded_place: bool,
    provider_id: str,
    now: str,
) -> None:
    """R-56: the given status and training status (the domain's transitions), scheduled; a training-status
    record of that status."""
    conn.execute(
        "UPDATE applications SET status = ?, accepted_at = ?, training_status = ?, "
        "schedule_id = ?, "
        "funded_place = CASE WHEN ? THEN ? ELSE funded_place END, updated_at = ? WHERE id = ?",
        (status, now, training_status, schedule, int(store_funded_place), funded_place, now, app_id),
    )
    add_state(conn, app_id, provider_id, training_status, None, now)


def set_statuses(
    conn: sqlite3.Connection, changes: Sequence[tuple[str, str]], now: str, *, reason: str | None = None
) -> None:
    """Give each (application id, status) pair its status, the domain's transition (with a
    reason_for_rejection when the rules store one, V-55/VD3).

    An application already in that status (an already rejected sibling, R-57) is left alone: Rails'
    `update!` with unchanged values writes nothing, so its updated_at stays; a changed reason is a change (it
    overwrites an earlier one)."""
    if reason is None:
        conn.executemany(
            "UPDATE applications SET status = ?, updated_at = ? WHERE id = ? AND status <> ?",
            [(status, now, i, status) for i, status in changes],
        )
        return
    conn.executemany(
        "UPDATE applications SET status = ?, reason_for_rejection = ?, updated_at = ? WHERE id = ? "
        "AND (status <> ? OR reason_for_rejection IS NOT ?)",
        [(status, reason, now, i, status, reason) for i, status in changes],
    )


def set_funded_place(conn: sqlite3.Connection, app_id: str, value: bool, now: str) -> None:
    """Store funded_place (R-65..R-69 passed).

    Rails `update!` with an unchanged value writes nothing, so updated_at stays and the record does not
    newly match `filter[updated_since]`: the row is only written when the value differs (IS NOT: NULL-safe).
    """
    conn.execute(
        "UPDATE applications SET funded_place = ?, updated_at = ? WHERE id = ? AND funded_place IS NOT ?",
        (int(value), now, app_id, int(value)),
    )


def set_training_status(conn: sqlite3.Connection, app_id: str, status: str, now: str) -> None:
    """Change the training status of an accepted application."""
    conn.execute(
        "UPDATE applications SET training_status = ?, updated_at = ? WHERE id = ?", (status, now, app_id)
    )


def add_state(
    conn: sqlite3.Connection, app_id: str, provider_id: str, state: str, reason: str | None, now: str
) -> None:
    """Append a training-status history record (7.2)."""
    conn.execute(
        "INSERT INTO application_states (application_id, lead_provider_id, state, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        (app_id, provider_id, state, reason, now),
    )


def latest_state(conn: sqlite3.Connection, app_id: str, provider_id: str) -> sqlite3.Row | None:
    """The application's most recent training-status record for this provider (R-82)."""
    return conn.execute(
        "SELECT state, created_at FROM application_states WHERE application_id = ? AND lead_provider_id = ? "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        (app_id, provider_id),
    ).fetchone()


def change_schedule(
    conn: sqlite3.Connection,
    app_id: str,
    *,
    schedule: int | None,
    cohort: int | None,
    funded_place: bool | None,
    now: str,
    cohort_suffix: str = "a",
) -> None:
    """Store the new schedule and exact cohort (and funded_place when the move changes it)."""
    conn.execute(
        "UPDATE applications SET schedule_id = ?, cohort = ?, cohort_suffix = ?, funded_place = ?, "
        "updated_at = ? WHERE id = ?",
        (schedule, cohort, cohort_suffix, None if funded_place is None else int(funded_place), now, app_id),
    )


def catchment_of(conn: sqlite3.Connection, app_id: str) -> sqlite3.Row:
    """What V-64's "inside catchment" reads of an application."""
    return conn.execute(
        "SELECT teacher_catchment, cohort, school_urn FROM applications WHERE id = ?", (app_id,)
    ).fetchone()
