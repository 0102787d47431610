"""SQL behind DfE's own moves in the testing API: transfers, participant-id changes, name changes (V-98,
V-99, V-102)."""

from __future__ import annotations

import sqlite3
from typing import Any

from mockserver.store.db import fetch_dict
from mockserver.store.participants import SHOWN_UPDATED_AT


def provider_exists(conn: sqlite3.Connection, provider_id: str) -> bool:
    """Whether a lead provider has this id."""
    return conn.execute("SELECT 1 FROM lead_providers WHERE id = ?", (provider_id,)).fetchone() is not None


def application_owner(conn: sqlite3.Connection, app_id: str) -> str | None:
    """The provider that owns an application now, or None for an unknown id."""
    row = conn.execute("SELECT lead_provider_id FROM applications WHERE id = ?", (app_id,)).fetchone()
    return None if row is None else row[0]


def transfer_application(conn: sqlite3.Connection, app_id: str, provider_id: str, now: str) -> None:
    """V-99: the application (with its status, schedule and training status) belongs to another provider;
    declarations keep their creator and the training-status history its writers. The participants table
    follows by trigger."""
    conn.execute(
        "UPDATE applications SET lead_provider_id = ?, updated_at = ? WHERE id = ? AND lead_provider_id <> ?",
        (provider_id, now, app_id, provider_id),
    )


def user_exists(conn: sqlite3.Connection, user_id: str) -> bool:
    """Whether a person has this id."""
    return conn.execute("SELECT 1 FROM users WHERE id = ?", (user_id,)).fetchone() is not None


def merge_people(conn: sqlite3.Connection, from_id: str, to_id: str) -> None:
    """The `from` person's records become the `to` person's; the `from` person goes (V-98)."""
    for table in ("applications", "declarations", "outcomes", "participant_id_changes"):
        conn.execute(f"UPDATE {table} SET user_id = ? WHERE user_id = ?", (to_id, from_id))  # noqa: S608
    conn.execute("DELETE FROM provider_participants WHERE user_id = ?", (from_id,))
    conn.execute(
        "INSERT OR IGNORE INTO provider_participants (lead_provider_id, user_id, user_created_at, user_seq) "
        "SELECT DISTINCT a.lead_provider_id, u.id, u.created_at, u.rowid FROM applications a "
        "JOIN users u ON u.id = a.user_id WHERE a.user_id = ? AND a.status = 'accepted'",
        (to_id,),
    )
    conn.execute("DELETE FROM users WHERE id = ?", (from_id,))


def add_id_change(conn: sqlite3.Connection, user_id: str, from_id: str, to_id: str, at: str) -> None:
    """Record a participant-id change of a person."""
    conn.execute(
        "INSERT INTO participant_id_changes (user_id, from_participant_id, to_participant_id, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?)",
        (user_id, from_id, to_id, at, at),
    )


def rename(conn: sqlite3.Connection, user_id: str, full_name: str, previous_names: str, at: str) -> None:
    """A new full name; the old one joins previous_names (a JSON array); the person is significantly
    updated."""
    conn.execute(
        "UPDATE users SET full_name = ?, previous_names = ?, updated_at = max(updated_at, ?) WHERE id = ?",
        (full_name, previous_names, at, user_id),
    )


def participant_row(conn: sqlite3.Connection, user_id: str) -> dict[str, Any] | None:
    """A person as the participant representations read them (whoever can see them)."""
    sql = f"SELECT u.*, u.rowid AS seq, {SHOWN_UPDATED_AT} AS shown_updated_at FROM users u WHERE u.id = ?"
    return fetch_dict(conn, sql, (user_id,))


def first_accepting_provider(conn: sqlite3.Connection, user_id: str) -> str | None:
    """The provider of the person's earliest accepted application, if any."""
    row = conn.execute(
        "SELECT lead_provider_id FROM applications WHERE user_id = ? AND status = 'accepted' "
        "ORDER BY created_at, rowid LIMIT 1",
        (user_id,),
    ).fetchone()
    return None if row is None else row[0]
