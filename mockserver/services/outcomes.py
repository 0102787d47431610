"""Outcome use cases: the provider's outcomes, one participant's, and submitting one (R-113..R-119)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from typing import Any

from mockserver.domain import outcomes as rules
from mockserver.errors import ApiError
from mockserver.services.context import Context
from mockserver.services.participants import check_retired
from mockserver.store import declarations as declaration_store
from mockserver.store import outcomes as store
from mockserver.store import participants as participant_store
from mockserver.store.db import read_transaction, write_transaction
from mockserver.store.paging import fetch_page


def list_outcomes(
    ctx: Context, *, created_since: str | None, page: int, per_page: int
) -> list[dict[str, Any]]:
    """R-113."""
    with read_transaction(ctx.conn):
        rows = fetch_page(ctx.conn, store.list_query(ctx.provider_id, created_since), page, per_page)
        return rows


def participant_outcomes(ctx: Context, user_id: str, *, page: int, per_page: int) -> list[dict[str, Any]]:
    """R-114: 404 unless the participant is visible; V-53 (v3) first."""
    check_retired(ctx, user_id)
    with read_transaction(ctx.conn):
        if participant_store.visible(ctx.conn, user_id, ctx.provider_id) is None:
            raise ApiError.of("resource.not_found")
        rows = fetch_page(ctx.conn, store.participant_query(ctx.provider_id, user_id), page, per_page)
        return rows


def record_outcome(
    ctx: Context, *, user_id: str, course: str, state: str, completion_date: str, touch: bool = True
) -> str:
    """Append an outcome to the latest completed declaration unless it repeats the latest one; its id."""
    owned = ctx.rules.outcomes_on_transferred
    latest = store.latest_outcome(ctx.conn, user_id, ctx.provider_id, course, owned=owned)
    if latest is not None and latest["state"] == state and latest["completion_date"] == completion_date:
        return latest["id"]
    if latest is not None and latest["state"] == state == "passed" and ctx.rules.passed_outcome_kept:
        return latest["id"]  # VD14: a passed outcome stays, whatever completion_date is sent
    declaration = store.latest_completed_declaration(ctx.conn, user_id, ctx.provider_id, course, owned=owned)
    if declaration is None:
        raise ApiError.of("declaration.outcome_not_created")
    outcome_id = ctx.new_id()
    store.insert(
        ctx.conn,
        outcome_id=outcome_id,
        declaration_id=declaration["id"],
        # the declaration's creator: after a transfer (VD15) the outcome shows in the old provider's lists
        provider_id=declaration["lead_provider_id"],
        user_id=user_id,
        state=state,
        completion_date=completion_date,
        now=ctx.now_stamp,
    )
    if touch:
        declaration_store.touch(ctx.conn, declaration["id"], ctx.now_stamp)
    return outcome_id


def void_outcome_after_clawback(
    conn: sqlite3.Connection,
    new_id: Callable[[], str],
    *,
    declaration_id: str,
    user_id: str,
    provider_id: str,
    course: str,
    declaration_date: str,
    now: str,
) -> None:
    """R-112, after a completed declaration of a course with outcomes left the billable states (void or
    claw-back, already written): append a voided outcome unless the latest outcome over the participant's
    remaining completed declarations with the provider for the course is voided already (none: append).
    One function for the v1 void and DfE's claw-back in the testing API, so the two cannot drift."""
    latest = store.latest_outcome(conn, user_id, provider_id, course)
    if latest is not None and latest["state"] == "voided":
        return
    store.insert(
        conn,
        outcome_id=new_id(),
        declaration_id=declaration_id,
        provider_id=provider_id,
        user_id=user_id,
        state="voided",
        completion_date=declaration_date[:10],
        now=now,
    )


def create_outcome(ctx: Context, user_id: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """R-115..R-119 and the idempotent replay; 200 with the outcome."""
    with write_transaction(ctx.conn):
        if participant_store.visible(ctx.conn, user_id, ctx.provider_id) is None:
            raise ApiError.of("resource.not_found")
        course = attrs.get("course_identifier")
        completed = None
        if isinstance(course, str):
            completed = store.latest_completed_declaration(
                ctx.conn, user_id, ctx.provider_id, course, owned=ctx.rules.outcomes_on_transferred
            )
        errors, completion_date = rules.validate_create(
            retired_to=participant_store.retired_to(ctx.conn, user_id),
            participant_id=user_id,
            course_identifier=course,
            state=attrs.get("state"),
            completion_date=attrs.get("completion_date"),
            outcome_courses=ctx.catalog.outcome_courses,
            has_completed_declaration=completed is not None,
            today=ctx.now.date(),
            invalid_date_is_bad_request=ctx.rules.outcome_invalid_date_400,
        )
        if errors:
            raise ApiError(errors)
        outcome_id = record_outcome(
            ctx,
            user_id=user_id,
            course=str(course),
            state=str(attrs["state"]),
            completion_date=completion_date.isoformat(),
        )
        return store.get(ctx.conn, outcome_id)
