"""Declaration use cases: list, show, CSV, create (R-79..R-106) and void (R-109..R-112)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from mockserver.domain import declarations as rules
from mockserver.domain.funding import fundable, previously_funded
from mockserver.domain.states import transition
from mockserver.domain.timeparse import stamp
from mockserver.domain.uuids import is_uuid
from mockserver.errors import ApiError
from mockserver.services.context import Context
from mockserver.services.outcomes import record_outcome, void_outcome_after_clawback
from mockserver.store import applications as app_store
from mockserver.store import declarations as store
from mockserver.store import participants as participant_store
from mockserver.store import records
from mockserver.store.db import read_transaction, write_transaction
from mockserver.store.paging import fetch_all, fetch_page


def list_declarations(
    ctx: Context,
    *,
    updated_since: str | None,
    participant_ids: Sequence[str] | None,
    page: int,
    per_page: int,
) -> list[dict[str, Any]]:
    """R-107: one page of the provider's declarations."""
    query = store.list_query(ctx.provider_id, updated_since, participant_ids)
    with read_transaction(ctx.conn):
        return fetch_page(ctx.conn, query, page, per_page)


def declarations_csv(
    ctx: Context, *, updated_since: str | None, participant_ids: Sequence[str] | None
) -> list[Any]:
    """R-31: every matching declaration (the CSV)."""
    query = store.list_query(ctx.provider_id, updated_since, participant_ids)
    with read_transaction(ctx.conn):
        return fetch_all(ctx.conn, query)


def _load(ctx: Context, declaration_id: str) -> sqlite3.Row:
    row = store.get(ctx.conn, declaration_id, ctx.provider_id)
    if row is None:
        raise ApiError.of("resource.not_found")
    return row


def show_declaration(ctx: Context, declaration_id: str) -> dict[str, Any]:
    """R-108."""
    return _load(ctx, declaration_id)


def _facts(ctx: Context, attrs: Mapping[str, Any]) -> tuple[rules.DeclarationFacts, Any, Any]:
    catalog, conn = ctx.catalog, ctx.conn
    pid, course = attrs.get("participant_id"), attrs.get("course_identifier")
    # Postgres compares uuid values case-insensitively; ids are stored lower-case (as URL ids are matched).
    pid = pid.lower() if is_uuid(pid) else pid
    declaration_type = rules.as_rails_string(attrs.get("declaration_type"))
    user = participant_store.visible(conn, pid, ctx.provider_id) if is_uuid(pid) else None
    courses = catalog.same_course(course) if isinstance(course, str) and course in catalog.courses else ()
    row = participant_store.accepted_for(conn, pid, ctx.provider_id, courses) if user and courses else None
    app = records.application(row) if row is not None else None
    schedule = (
        catalog.schedule(app.schedule_cohort, app.schedule_identifier, app.schedule_suffix) if app else None
    )
    withdrawn_at = None
    if app is not None:
        latest = app_store.latest_state(conn, app.id, ctx.provider_id)
        withdrawn_at = latest["created_at"] if latest is not None and latest["state"] == "withdrawn" else None
    is_fundable, twin, same_type = False, None, False
    _, when = rules.declaration_date_checks(attrs.get("declaration_date"))
    if app is not None:
        mine = [records.application(r) for r in app_store.of_people(conn, [app.user_id])]
        is_fundable = fundable(app, _previously_funded(ctx, app, mine))
        same_type = store.same_type_billable(conn, app.id, str(declaration_type))
        if when is not None and isinstance(course, str):
            twin = store.twin_state(conn, app.user_id, ctx.provider_id, course, str(declaration_type), when)
    facts = rules.DeclarationFacts(
        participant_id=pid,
        declaration_type=declaration_type,
        declaration_date=attrs.get("declaration_date"),
        course_identifier=course,
        has_passed=attrs.get("has_passed"),
        retired_to=participant_store.retired_to(conn, pid) if isinstance(pid, str) else None,
        participant_visible=user is not None,
        application=app,
        schedule=schedule,
        withdrawn_at=withdrawn_at,
        accepted_for_course_anywhere=bool(
            user and courses and participant_store.accepted_for(conn, pid, None, courses)
        ),
        course_has_outcomes=isinstance(course, str) and catalog.ref.has_outcomes(course),
        has_contract=bool(
            schedule
            and isinstance(course, str)
            and catalog.has_contract(ctx.provider_id, schedule.cohort, course)
        ),
        fundable=is_fundable,
        same_type_and_date_state=twin,
        cohort_closed=ctx.cohort_closed(schedule and schedule.cohort),
        same_type_billable=same_type,
        now=ctx.now,
        delivery_partner_rule=ctx.rules.delivery_partner_required,
    )
    return facts, user, app


def _previously_funded(ctx: Context, app: Any, mine: Sequence[Any]) -> bool:
    return previously_funded(app, mine, frozenset(ctx.catalog.same_course(app.course_identifier)))


def create_declaration(ctx: Context, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """R-80..R-106 in one transaction; 200 with the new declaration."""
    with write_transaction(ctx.conn):
        facts, user, app = _facts(ctx, attrs)
        errors, when = rules.validate_create(facts)
        if errors:
            raise ApiError(errors)
        now, declaration_type = ctx.now_stamp, str(facts.declaration_type)
        duplicate = store.duplicate_of(
            ctx.conn,
            user["trn"],
            user["id"],
            declaration_type,
            ctx.catalog.same_course(app.course_identifier),
        )
        declaration_id = ctx.new_id()
        store.insert(
            ctx.conn,
            {
                "id": declaration_id,
                "application_id": app.id,
                "user_id": user["id"],
                "lead_provider_id": ctx.provider_id,
                "cohort": facts.schedule.cohort,
                "declaration_type": declaration_type,
                "declaration_date": stamp(when),
                "declaration_usec": when.microsecond,
                "state": "submitted",
                "superseded_by_id": duplicate,
                "created_at": now,
                "updated_at": now,
            },
        )
        state = rules.initial_state(duplicate, facts.fundable)
        if state != "submitted":
            store.set_state(ctx.conn, declaration_id, state, now)
        if declaration_type == "completed" and facts.course_has_outcomes:
            record_outcome(
                ctx,
                user_id=user["id"],
                course=str(facts.course_identifier),
                state=rules.outcome_state(facts.has_passed),
                completion_date=stamp(when)[:10],
                touch=False,
            )
        return _load(ctx, declaration_id)


def void_declaration(ctx: Context, declaration_id: str) -> dict[str, Any]:
    """R-109..R-112."""
    with write_transaction(ctx.conn):
        row = _load(ctx, declaration_id)
        declaration = records.declaration(row)
        errors = rules.validate_void(declaration, cohort_closed=ctx.cohort_closed(declaration.cohort))
        if errors:
            raise ApiError(errors)
        now = ctx.now_stamp
        store.set_state(
            ctx.conn, declaration.id, transition("declaration_state", declaration.state, "void"), now
        )
        course = row["course_identifier"]
        if declaration.declaration_type == "completed" and ctx.catalog.ref.has_outcomes(course):
            void_outcome_after_clawback(
                ctx.conn,
                ctx.new_id,
                declaration_id=declaration.id,
                user_id=declaration.user_id,
                provider_id=ctx.provider_id,
                course=course,
                declaration_date=declaration.declaration_date,
                now=now,
            )
        return _load(ctx, declaration_id)
