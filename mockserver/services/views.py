"""Fetch one record and serialize it exactly as the v1 API shows it (for the testing API and tools)."""

from __future__ import annotations

import sqlite3
from typing import Any

from mockserver.reference import ReferenceData
from mockserver.serializers import (
    serialize_application,
    serialize_declaration,
    serialize_outcome,
    serialize_participant,
)
from mockserver.store import applications as application_store
from mockserver.store import declarations as declaration_store
from mockserver.store import outcomes as outcome_store
from mockserver.store import participants as participant_store
from mockserver.store.records import pairs_of


def application_view(
    conn: sqlite3.Connection, ref: ReferenceData, app_id: str, provider_id: str | None = None
) -> dict[str, Any] | None:
    """{"data": application} as GET /npq-applications/{id} shows it, or None when absent/out of scope."""
    row = application_store.get(conn, pairs_of(ref.interchangeable), app_id, provider_id)
    return None if row is None else {"data": serialize_application(row)}


def declaration_view(
    conn: sqlite3.Connection, declaration_id: str, provider_id: str | None = None
) -> dict[str, Any] | None:
    """{"data": declaration} as GET /participant-declarations/{id} shows it, or None."""
    row = declaration_store.get(conn, declaration_id, provider_id)
    return None if row is None else {"data": serialize_declaration(row)}


def participant_view(conn: sqlite3.Connection, user_id: str, provider_id: str) -> dict[str, Any] | None:
    """{"data": participant} as GET /participants/npq/{id} shows it to this provider, or None."""
    user = participant_store.visible(conn, user_id, provider_id)
    if user is None:
        return None
    accepted = participant_store.accepted_applications(conn, [user_id], provider_id)[user_id]
    return {"data": serialize_participant(user, accepted)}


def outcome_view(conn: sqlite3.Connection, outcome_id: str) -> dict[str, Any] | None:
    """{"data": outcome} as the outcome lists show it, or None."""
    row = outcome_store.get(conn, outcome_id)
    return None if row is None else {"data": serialize_outcome(row)}
