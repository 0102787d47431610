"""Participant use cases: list, show, defer, resume, withdraw, change-schedule (R-70..R-97)."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import orjson

from mockserver.domain import participants as rules
from mockserver.domain.models import ParticipantRecord
from mockserver.domain.sorting import parse_sort
from mockserver.domain.states import transition
from mockserver.domain.timeparse import ruby_to_i
from mockserver.errors import ApiError, Violation
from mockserver.services.context import Context
from mockserver.services.rendering import Shown, page_bodies, record_body
from mockserver.store import applications as app_store
from mockserver.store import declarations as declaration_store
from mockserver.store import dfe_rows, records
from mockserver.store import participants as store
from mockserver.store.db import read_transaction, write_transaction
from mockserver.store.invalidation import PARTICIPANTS
from mockserver.store.paging import fetch_page


def _records(
    ctx: Context,
    users: Sequence[Mapping[str, Any]],
    *,
    training_status: str | None = None,
    from_participant_id: str | None = None,
) -> list[ParticipantRecord]:
    """Each person with their accepted applications with the caller (and, for v2/v3, the details); the
    v3 filters narrow the enrolments (V-35) and the id changes (V-36) they matched on."""
    ids = [u["id"] for u in users]
    details = ctx.rules.enrolment_details
    accepted = store.accepted_applications(
        ctx.conn, ids, ctx.provider_id, details=details, training_status=training_status
    )
    changes = store.id_changes(ctx.conn, ids, from_participant_id) if details else {}
    if training_status is None and from_participant_id is None:
        return [ParticipantRecord(u, accepted[u["id"]], changes.get(u["id"], ())) for u in users]
    # V-37: under these filters updated_at is computed over what the filtered eager load holds only
    records = []
    for u in users:
        mine, own_changes = accepted[u["id"]], changes.get(u["id"], ())
        stamps = [u["updated_at"], *(a["updated_at"] for a in mine), *(c["updated_at"] for c in own_changes)]
        records.append(ParticipantRecord({**u, "shown_updated_at": max(stamps)}, mine, own_changes))
    return records


def _serialize(ctx: Context, user: Mapping[str, Any]) -> ParticipantRecord:
    return _records(ctx, [user])[0]


def list_participants(
    ctx: Context,
    *,
    updated_since: str | None,
    page: int,
    per_page: int,
    shown: Shown,
    training_status: str | None = None,
    from_participant_id: str | None = None,
    sort: str | None = None,
) -> list[bytes]:
    """R-70: one page of the provider's participants as `shown` renders them; v3's filters (V-35, V-36)
    and `sort` on the user row's own columns (V-33)."""
    query = store.list_query(
        ctx.provider_id,
        updated_since,
        training_status=training_status,
        from_participant_id=from_participant_id,
    )
    if ctx.rules.sort:
        order = parse_sort(sort, app_store.columns(ctx.conn, "users"))
        if order:
            query = replace(query, order=", ".join(f"u.{c} {'DESC' if d else 'ASC'}" for c, d in order))
    with read_transaction(ctx.conn):
        if training_status is not None or from_participant_id is not None:
            # V-37: these filters change what a participant shows, so its stored body does not apply
            users = fetch_page(ctx.conn, query, page, per_page)
            found = _records(
                ctx, users, training_status=training_status, from_participant_id=from_participant_id
            )
            return [orjson.dumps(shown.show(record)) for record in found]
        return page_bodies(ctx, query, page, per_page, shown, PARTICIPANTS, partial(_records, ctx))


def participant_record(ctx: Context, user_id: str) -> ParticipantRecord:
    """A person with what the caller sees of them (whether or not they are the caller's participant)."""
    user = dfe_rows.participant_row(ctx.conn, user_id)
    if user is None:
        raise ApiError.of("resource.not_found")
    return _serialize(ctx, user)


def check_retired(ctx: Context, user_id: str) -> None:
    """V-53 (v3): a retired participant id is gone (410 with its change), whoever asks."""
    if not ctx.rules.retired_id_gone:
        return
    change = store.latest_change_from(ctx.conn, user_id)
    if change is not None:
        shown = {
            "from_participant_id": change["from_participant_id"],
            "to_participant_id": change["to_participant_id"],
            "changed_at": change["created_at"],
        }
        params = {"from_id": shown["from_participant_id"], "to_id": shown["to_participant_id"]}
        raise ApiError([Violation("participant.id_changed", params, {"participant_id_changes": [shown]})])


def find_participant(ctx: Context, user_id: str) -> sqlite3.Row:
    """R-14/R-71/R-73: the visible participant or 404."""
    user = store.visible(ctx.conn, user_id, ctx.provider_id)
    if user is None:
        raise ApiError.of("resource.not_found")
    return user


def participant_body(ctx: Context, user_id: str, shown: Shown) -> bytes:
    """R-71 as `shown` renders it (V-53 first): the body the provider's list shows for the person (the
    list's pairs are exactly the people with an accepted application with the provider: find_participant's
    scope)."""
    check_retired(ctx, user_id)
    query = store.list_query(ctx.provider_id, None).narrowed("pp.user_id = ?", [user_id])
    return record_body(ctx, query, shown, PARTICIPANTS, partial(_records, ctx))


def _common(ctx: Context, user_id: str, attrs: Mapping[str, Any]) -> tuple[list[Violation], Any]:
    course = attrs.get("course_identifier")
    row = None
    if isinstance(course, str) and course in ctx.catalog.courses:
        row = store.accepted_for(ctx.conn, user_id, ctx.provider_id, [course])
    target = records.application(row) if row is not None else None
    errors = rules.validate_common(
        retired_to=store.retired_to(ctx.conn, user_id),
        user_id=user_id,
        course_identifier=course,
        courses=ctx.catalog.courses,
        target=target,
    )
    return errors, target


def _finish(ctx: Context, user: sqlite3.Row, errors: list[Violation]) -> ParticipantRecord:
    if errors:
        raise ApiError(errors)
    return _serialize(ctx, store.visible(ctx.conn, user["id"], ctx.provider_id) or user)


def _move(ctx: Context, target: Any, event: str, reason: str | None) -> None:
    status = transition("training_status", target.training_status, event)
    app_store.set_training_status(ctx.conn, target.id, status, ctx.now_stamp)
    app_store.add_state(ctx.conn, target.id, ctx.provider_id, status, reason, ctx.now_stamp)


def defer(ctx: Context, user_id: str, attrs: Mapping[str, Any]) -> ParticipantRecord:
    """R-76."""
    with write_transaction(ctx.conn):
        user = find_participant(ctx, user_id)
        errors, target = _common(ctx, user_id, attrs)
        count = len(declaration_store.of_application(ctx.conn, target.id)) if target else 0
        errors = rules.validate_defer(
            errors,
            reason=attrs.get("reason"),
            reasons=ctx.catalog.ref.deferral_reasons,
            target=target,
            declaration_count=count,
        )
        if not errors:
            _move(ctx, target, "defer", attrs["reason"])
        return _finish(ctx, user, errors)


def resume(ctx: Context, user_id: str, attrs: Mapping[str, Any]) -> ParticipantRecord:
    """R-77."""
    with write_transaction(ctx.conn):
        user = find_participant(ctx, user_id)
        errors, target = _common(ctx, user_id, attrs)
        errors = rules.validate_resume(errors, target=target)
        if not errors:
            _move(ctx, target, "resume", None)
        return _finish(ctx, user, errors)


def withdraw(ctx: Context, user_id: str, attrs: Mapping[str, Any]) -> ParticipantRecord:
    """R-78."""
    with write_transaction(ctx.conn):
        user = find_participant(ctx, user_id)
        errors, target = _common(ctx, user_id, attrs)
        declarations = declaration_store.of_application(ctx.conn, target.id) if target else []
        errors = rules.validate_withdraw(
            errors,
            reason=attrs.get("reason"),
            reasons=_withdrawal_reasons(ctx),
            target=target,
            has_started_declaration=any(d["declaration_type"] == "started" for d in declarations),
        )
        if not errors:
            _move(ctx, target, "withdraw", attrs["reason"])
        return _finish(ctx, user, errors)


# VD11: the four reasons HEAD added to the 17 of R-134 (the fixtures list the 17).
EXTRA_WITHDRAWAL_REASONS = (
    "assessment-requirements-not-met",
    "change-in-career",
    "disengaged-and-unresponsive",
    "non-payment-of-invoice",
)


def _withdrawal_reasons(ctx: Context) -> tuple[str, ...]:
    reasons = ctx.catalog.ref.withdrawal_reasons
    return (*reasons, *EXTRA_WITHDRAWAL_REASONS) if ctx.rules.extra_withdrawal_reasons else reasons


def _target_cohort(ctx: Context, target: Any, raw: object) -> int | None:
    """The target start year: the `cohort` sent, else the current schedule's, else the current cohort's.
    HEAD (VD18) takes an empty string as sent (it then finds no schedule, R-90); the baseline treats a blank
    value like null."""
    given = raw is not None and not (isinstance(raw, str) and not raw.strip())
    if given or (ctx.rules.suffixed_schedules and isinstance(raw, str)):
        if isinstance(raw, str) and not raw.strip():
            return None
        return ruby_to_i(raw)
    if target is not None and target.schedule_cohort is not None:
        return target.schedule_cohort
    return ctx.catalog.current_cohort(ctx.now.date())


def change_schedule(ctx: Context, user_id: str, attrs: Mapping[str, Any]) -> ParticipantRecord:
    """R-90..R-97; at HEAD the latest-suffix cohort holding the schedule and the zero-funding rule (V-59)."""
    catalog, head = ctx.catalog, ctx.rules.suffixed_schedules
    with write_transaction(ctx.conn):
        user = find_participant(ctx, user_id)
        errors, target = _common(ctx, user_id, attrs)
        course = attrs.get("course_identifier")
        cohort = _target_cohort(ctx, target, attrs.get("cohort"))
        identifier = attrs.get("schedule_identifier")
        if head:
            new = catalog.latest_schedule(cohort, identifier)
        else:
            new = catalog.schedule(cohort, identifier) if cohort in catalog.cohorts else None
        suffix = new.suffix if new is not None else "a"
        current = (
            catalog.schedule(target.schedule_cohort, target.schedule_identifier, target.schedule_suffix)
            if target
            else None
        )
        declarations = declaration_store.of_application(ctx.conn, target.id) if target else []
        app_funding = catalog.funding(target.cohort, target.cohort_suffix) if target else None
        new_funding = catalog.funding(cohort, suffix)
        change = rules.ScheduleChange(
            course_identifier=str(course),
            course_group=catalog.group(course),
            target=target,
            new_schedule=new,
            current_schedule=current,
            target_cohort=cohort,
            has_contract=new is not None and catalog.has_contract(ctx.provider_id, cohort, course),
            declarations=[records.declaration(d) for d in declarations],
            app_cohort_capped=app_funding == "capped",
            # v1/v2 read zero as "no funding cap"; HEAD's rule is capped -> full only (V-59)
            target_cohort_capped=new_funding == "capped" or (head and new_funding == "zero") or new is None,
            target_suffix=suffix,
            zero_to_funded=head and app_funding == "zero" and new_funding in ("capped", "full"),
        )
        errors = rules.validate_change_schedule(errors, change)
        if not errors:
            funded_place = target.funded_place
            moved = (target.cohort, target.cohort_suffix) != (cohort, suffix)
            if moved and app_funding != "capped" and new_funding == "capped":
                funded_place = target.eligible_for_funding
            if head and moved and new_funding == "zero":
                funded_place = False
            app_store.change_schedule(
                ctx.conn,
                target.id,
                schedule=catalog.schedule_row_id(new),
                cohort=cohort,
                cohort_suffix=suffix,
                funded_place=funded_place,
                now=ctx.now_stamp,
            )
        return _finish(ctx, user, errors)
