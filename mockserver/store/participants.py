"""SQL for participants: people with an accepted application with the provider (R-14, R-70)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from mockserver.store.db import fetch_dicts
from mockserver.store.paging import PageQuery

VISIBLE = (
    "EXISTS (SELECT 1 FROM applications p WHERE p.user_id = u.id AND p.lead_provider_id = ? "
    "AND p.status = 'accepted')"
)
SHOWN_UPDATED_AT = (
    "MAX(u.updated_at, "
    "COALESCE((SELECT MAX(x.updated_at) FROM applications x WHERE x.user_id = u.id), ''), "
    "COALESCE((SELECT MAX(c.updated_at) FROM participant_id_changes c WHERE c.user_id = u.id), ''))"
)
SELECT = f"SELECT u.*, u.rowid AS seq, {SHOWN_UPDATED_AT} AS shown_updated_at FROM users u"


def visible(conn: sqlite3.Connection, user_id: str, provider_id: str) -> sqlite3.Row | None:
    """The person, if they have an accepted application with the provider."""
    return conn.execute(f"{SELECT} WHERE u.id = ? AND {VISIBLE}", (user_id, provider_id)).fetchone()


def person(conn: sqlite3.Connection, user_id: str) -> sqlite3.Row | None:
    """The person's users row (any provider's participant or applicant), or None."""
    return conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()


def exists(conn: sqlite3.Connection, user_id: str) -> bool:
    """Whether a person with this id exists at all."""
    return conn.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone() is not None


def latest_change_from(conn: sqlite3.Connection, participant_id: str) -> dict[str, Any] | None:
    """The latest participant-id change retiring this id (any provider's participant, V-53), or None."""
    rows = fetch_dicts(
        conn,
        "SELECT from_participant_id, to_participant_id, created_at FROM participant_id_changes "
        "WHERE from_participant_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        (participant_id,),
    )
    return rows[0] if rows else None


def retired_to(conn: sqlite3.Connection, participant_id: str) -> str | None:
    """The id that replaced a retired participant id (R-74.1, R-80), or None."""
    row = conn.execute(
        "SELECT to_participant_id FROM participant_id_changes WHERE from_participant_id = ? "
        "ORDER BY created_at DESC, id DESC LIMIT 1",
        (participant_id,),
    ).fetchone()
    return None if row is None else row[0]


LIST_SELECT = (
    f"SELECT u.*, u.rowid AS seq, {SHOWN_UPDATED_AT} AS shown_updated_at "
    "FROM provider_participants pp JOIN users u ON u.id = pp.user_id"
)
LIST_VISIBLE = "pp.lead_provider_id = ?"  # the pairs are kept exact by triggers (schema.sql)


def list_query(
    provider_id: str,
    updated_since: str | None,
    *,
    training_status: str | None = None,
    from_participant_id: str | None = None,
) -> PageQuery:
    """The provider's participants by user created_at, ties in insertion order (R-35, R-70), optionally
    'updated since' (R-38), in a training status (V-35) or with an id change from an id (V-36).
    user_seq (users.rowid) keeps the anchor lookup index-only at any depth."""
    where = LIST_VISIBLE
    params: list[object] = [provider_id]
    if training_status is not None:
        where += (
            " AND EXISTS (SELECT 1 FROM applications t WHERE t.user_id = pp.user_id "
            "AND t.lead_provider_id = pp.lead_provider_id AND t.status = 'accepted' "
            "AND t.training_status = ?)"
        )
        params.append(training_status)
    if from_participant_id is not None:
        where += (
            " AND EXISTS (SELECT 1 FROM participant_id_changes f WHERE f.user_id = pp.user_id "
            "AND f.from_participant_id = ?)"
        )
        params.append(from_participant_id)
    if updated_since is not None:
        where += (
            " AND (u.updated_at >= ? "
            "OR EXISTS (SELECT 1 FROM applications x WHERE x.user_id = u.id AND x.updated_at >= ?) "
            "OR EXISTS (SELECT 1 FROM participant_id_changes c WHERE c.user_id = u.id AND c.updated_at >= ?))"
        )
        params.extend((updated_since,) * 3)
    key_from = (
        "provider_participants pp JOIN users u ON u.id = pp.user_id"
        if updated_since
        else "provider_participants pp"
    )
    return PageQuery(LIST_SELECT, key_from, where, "pp.user_created_at, pp.user_seq", params)


def _latest_state(state: str) -> tuple[str, str]:
    """The caller's latest training-status record in a state (V-14, V-97): reason and time; looked up only
    for an enrolment in that state (the only one that shows it), not for every enrolment of a page."""
    pick = (
        f"CASE WHEN a.training_status = '{state}' THEN "
        "(SELECT h.{col} FROM application_states h WHERE h.application_id = a.id AND h.lead_provider_id = ? "
        f"AND h.state = '{state}' ORDER BY h.created_at DESC, h.id DESC LIMIT 1) END"
    )
    return pick.format(col="reason"), pick.format(col="created_at")


_DEFERRAL, _WITHDRAWAL = _latest_state("deferred"), _latest_state("withdrawn")
_ENROLMENT_DETAILS = (
    "a.*, u.email, s.identifier AS schedule_identifier, "
    f"{_DEFERRAL[0]} AS deferral_reason, {_DEFERRAL[1]} AS deferral_at, "
    f"{_WITHDRAWAL[0]} AS withdrawal_reason, {_WITHDRAWAL[1]} AS withdrawal_at "
    "FROM applications a JOIN users u ON u.id = a.user_id LEFT JOIN schedules s ON s.id = a.schedule_id"
)


def accepted_applications(
    conn: sqlite3.Connection,
    user_ids: Sequence[str],
    provider_id: str,
    *,
    details: bool = False,
    training_status: str | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Each person's accepted applications with the provider, in creation order: for v1 what npq_courses
    and funded_places need; with details, what v2/v3 enrolments show (schedule, latest deferral and
    withdrawal by this provider)."""
    found: dict[str, list[dict[str, Any]]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    marks = ", ".join("?" * len(user_ids))
    where = f"WHERE a.user_id IN ({marks}) AND +a.lead_provider_id = ? AND a.status = 'accepted' "
    extra: tuple[object, ...] = ()
    if training_status is not None:  # V-35: only the enrolments in that status
        where += "AND a.training_status = ? "
        extra = (training_status,)
    order = "ORDER BY a.created_at, a.rowid"
    if details:
        sql = f"SELECT {_ENROLMENT_DETAILS} {where}{order}"
        params: tuple[object, ...] = (provider_id,) * 4 + (*user_ids, provider_id, *extra)
    else:
        columns = "a.user_id, a.id, a.course_identifier, a.funded_place"
        sql = f"SELECT {columns} FROM applications a {where}{order}"
        params = (*user_ids, provider_id, *extra)
    for row in fetch_dicts(conn, sql, params):
        found[row["user_id"]].append(row)
    return found


def id_changes(
    conn: sqlite3.Connection, user_ids: Sequence[str], from_participant_id: str | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each person's participant-id changes, newest first (V-14); only those from an id when given (V-36)."""
    found: dict[str, list[dict[str, Any]]] = {}
    if not user_ids:
        return found
    marks = ", ".join("?" * len(user_ids))
    only = "" if from_participant_id is None else " AND from_participant_id = ?"
    sql = (
        "SELECT user_id, from_participant_id, to_participant_id, created_at, updated_at "
        f"FROM participant_id_changes WHERE user_id IN ({marks}){only} ORDER BY created_at DESC, id DESC"
    )
    params = (*user_ids,) if from_participant_id is None else (*user_ids, from_participant_id)
    for row in fetch_dicts(conn, sql, params):
        found.setdefault(row["user_id"], []).append(row)
    return found


def accepted_for(
    conn: sqlite3.Connection, user_id: str, provider_id: str | None, courses: Sequence[str]
) -> sqlite3.Row | None:
    """The person's most recent accepted application for one of the courses (any provider when None)."""
    marks = ", ".join("?" * len(courses))
    sql = (
        "SELECT a.*, s.cohort AS schedule_cohort, s.identifier AS schedule_identifier, "
        "s.cohort_suffix AS schedule_suffix FROM applications a "
        "LEFT JOIN schedules s ON s.id = a.schedule_id "
        f"WHERE a.user_id = ? AND a.status = 'accepted' AND a.course_identifier IN ({marks})"
    )
    params: tuple[object, ...] = (user_id, *courses)
    if provider_id is not None:  # +: the person's few applications, not the provider's all in order
        sql += " AND +a.lead_provider_id = ?"
        params += (provider_id,)
    return conn.execute(sql + " ORDER BY a.created_at DESC, a.rowid DESC LIMIT 1", params).fetchone()
