"""SQL for participants: people with an accepted application with the provider (R-14, R-70)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

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


def exists(conn: sqlite3.Connection, user_id: str) -> bool:
    """Whether a person with this id exists at all."""
    return conn.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone() is not None


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


def list_query(provider_id: str, updated_since: str | None) -> PageQuery:
    """The provider's participants by user created_at, ties in insertion order (R-35, R-70), optionally
    'updated since' (R-38). user_seq (users.rowid) keeps the anchor lookup index-only at any depth."""
    where = LIST_VISIBLE
    params: list[object] = [provider_id]
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


def accepted_applications(
    conn: sqlite3.Connection, user_ids: Sequence[str], provider_id: str
) -> dict[str, list[sqlite3.Row]]:
    """Each person's accepted applications with the provider (for npq_courses and funded_places)."""
    found: dict[str, list[sqlite3.Row]] = {uid: [] for uid in user_ids}
    if not user_ids:
        return found
    marks = ", ".join("?" * len(user_ids))
    rows = conn.execute(
        "SELECT user_id, id, course_identifier, funded_place FROM applications "
        f"WHERE user_id IN ({marks}) AND +lead_provider_id = ? AND status = 'accepted' ORDER BY "
        "created_at, rowid",
        (*user_ids, provider_id),
    )
    for row in rows:
        found[row["user_id"]].append(row)
    return found


def accepted_for(
    conn: sqlite3.Connection, user_id: str, provider_id: str | None, courses: Sequence[str]
) -> sqlite3.Row | None:
    """The person's most recent accepted application for one of the courses (any provider when None)."""
    marks = ", ".join("?" * len(courses))
    sql = (
        "SELECT a.*, s.cohort AS schedule_cohort, s.identifier AS schedule_identifier FROM applications a "
        "LEFT JOIN schedules s ON s.id = a.schedule_id "
        f"WHERE a.user_id = ? AND a.status = 'accepted' AND a.course_identifier IN ({marks})"
    )
    params: tuple[object, ...] = (user_id, *courses)
    if provider_id is not None:
        sql += " AND a.lead_provider_id = ?"
        params += (provider_id,)
    return conn.execute(sql + " ORDER BY a.created_at DESC, a.rowid DESC LIMIT 1", params).fetchone()
