"""Application use cases: list, show, CSV, accept, reject, change-funded-place."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from mockserver.domain import applications as rules
from mockserver.domain.models import MISSING
from mockserver.domain.schedules import accept_schedule_identifier
from mockserver.domain.sorting import parse_sort
from mockserver.domain.states import transition
from mockserver.errors import ApiError
from mockserver.services.context import Context
from mockserver.services.rendering import Lines, Shown, export_lines, page_bodies, record_body
from mockserver.store import applications as store
from mockserver.store import records
from mockserver.store.db import read_transaction, write_transaction
from mockserver.store.invalidation import APPLICATIONS

Row = dict[str, Any]


def list_applications(
    ctx: Context,
    *,
    cohorts: Sequence[int] | None,
    updated_since: str | None,
    page: int,
    per_page: int,
    shown: Shown,
    participant_ids: Sequence[str] | None = None,
    sort: str | None = None,
) -> list[bytes]:
    """R-45: one page of the provider's applications as `shown` renders them; v3 also by participant
    (V-34) and `sort` (V-33)."""
    query = store.list_query(ctx.catalog.pairs, ctx.provider_id, cohorts, updated_since)
    if participant_ids is not None:
        query = store.for_participants(query, participant_ids)
    if ctx.rules.sort:
        order = parse_sort(sort, store.columns(ctx.conn, "applications"))
        if order:  # None: the default order; () nothing survived: any stable order (the default's)
            query = replace(query, order=", ".join(f"a.{c} {'DESC' if d else 'ASC'}" for c, d in order))
    with read_transaction(ctx.conn):
        return page_bodies(ctx, query, page, per_page, shown, APPLICATIONS)


def all_applications(
    ctx: Context, *, cohorts: Sequence[int] | None, updated_since: str | None, lines: Lines
) -> Iterator[list[bytes]]:
    """R-30: every matching application as its line of the CSV, in batches as they are read."""
    query = store.list_query(ctx.catalog.pairs, ctx.provider_id, cohorts, updated_since)
    return export_lines(ctx, query, lines, APPLICATIONS)


def enrolments(ctx: Context, *, updated_since: str | None, lines: Lines) -> Iterator[list[bytes]]:
    """V-25: every accepted application of the provider as its line of v2's enrolments CSV, in batches."""
    query = store.list_query(ctx.catalog.pairs, ctx.provider_id, None, updated_since, accepted_only=True)
    return export_lines(ctx, query, lines, APPLICATIONS)


def _load(ctx: Context, app_id: str) -> dict[str, Any]:
    row = store.get(ctx.conn, ctx.catalog.pairs, app_id, ctx.provider_id)
    if row is None:
        raise ApiError.of("resource.not_found")
    return row


def check_application(ctx: Context, app_id: str) -> None:
    """R-46's 404 alone, for a write that answers it before reading its body (the write loads the row)."""
    if not store.exists(ctx.conn, app_id, ctx.provider_id):
        raise ApiError.of("resource.not_found")


def show_application(ctx: Context, app_id: str) -> Row:
    """R-46."""
    return _load(ctx, app_id)


def application_body(ctx: Context, app_id: str, shown: Shown) -> bytes:
    """R-46 as `shown` renders it: the body the provider's list shows for it."""
    query = store.list_query(ctx.catalog.pairs, ctx.provider_id, None, None).narrowed("a.id = ?", [app_id])
    return record_body(ctx, query, shown, APPLICATIONS)


def accept_application(
    ctx: Context, app_id: str, funded_place: object = MISSING, schedule_identifier: object = MISSING
) -> Row:
    """R-50..R-58 and V-54 in one transaction (schedule_identifier: v3 only, read by the route)."""
    catalog, flags = ctx.catalog, ctx.rules
    with write_transaction(ctx.conn):
        row = _load(ctx, app_id)
        app = records.application(row)
        people = [app.user_id]
        if row["trn_verified"] and row["trn"]:
            people = list(dict.fromkeys([app.user_id, *store.people_with_trn(ctx.conn, row["trn"])]))
        candidates = [records.application(r) for r in store.of_people(ctx.conn, people)]
        capped = catalog.capped(app.cohort, app.cohort_suffix)
        zero = flags.funding_levels and catalog.funding(app.cohort, app.cohort_suffix) == "zero"
        errors = rules.validate_accept(
            app,
            capped=capped,
            funded_place=funded_place,
            candidates=candidates,
            same_course=frozenset(catalog.same_course(app.course_identifier)),
            ignore_withdrawn=flags.accept_ignores_withdrawn,
            zero_funded=zero,
        )
        group = catalog.group(app.course_identifier) or ""
        if flags.schedule_on_accept and not rules.blank(schedule_identifier):
            # V-54 step 6: the named schedule of the application's exact cohort; never the automatic rule.
            chosen = catalog.schedule(app.cohort, schedule_identifier, app.cohort_suffix)
            errors = rules.validate_chosen_schedule(errors, found=chosen, course_group=group)
            schedule = None if chosen is None else catalog.schedule_row_id(chosen)
        else:
            cohort = app.cohort if app.cohort is not None else 0
            ehco = [
                identifier
                for (year, suffix, identifier), s in catalog.exact_schedules.items()
                if (year, suffix) == (cohort, app.cohort_suffix) and s.course_group == "ehco"
            ]
            identifier = accept_schedule_identifier(
                group, cohort, ctx.now.date(), ehco, suffix=app.cohort_suffix, head=flags.autumn_2025_schedule
            )
            found = catalog.schedule(app.cohort, identifier, app.cohort_suffix)
            schedule = None if found is None else catalog.schedule_row_id(found)
            if schedule is None:
                raise ApiError.of("application.schedule_not_found")
        if errors:
            raise ApiError(errors)
        now = ctx.now_stamp
        store.accept(
            ctx.conn,
            app.id,
            status=transition("application_status", app.status, "accept"),
            # accept starts the participant's training status: the table's entry from no status (7.2)
            training_status=transition("training_status", None, "accept"),
            schedule=int(schedule or 0),
            funded_place=funded_place if capped else None,
            store_funded_place=capped,
            provider_id=ctx.provider_id,
            now=now,
        )
        own = [a for a in candidates if a.user_id == app.user_id]
        reason = "other_application_in_this_cohort_accepted" if flags.rejection_reasons else None
        statuses = {a.id: a.status for a in own}
        siblings = [
            (i, transition("application_status", statuses[i], "other_application_accepted"))
            for i in rules.siblings_to_reject(app, own)
        ]
        store.set_statuses(ctx.conn, siblings, now, reason=reason)
        store.touch_user(ctx.conn, app.user_id, now)
        return _load(ctx, app_id)


def reject_application(ctx: Context, app_id: str) -> Row:
    """R-60..R-62 (or D1 when switched on); HEAD's V-55 (accepted can be rejected, reason stored)."""
    with write_transaction(ctx.conn):
        app = records.application(_load(ctx, app_id))
        head = ctx.rules.reject_accepted
        errors = rules.validate_reject(
            app,
            drift_requires_reason=ctx.rules.reject_requires_reason,
            has_billable_declarations=store.has_billable_declarations(ctx.conn, app.id),
            reject_accepted=head,
        )
        if errors:
            raise ApiError(errors)
        rejected = transition("application_status", app.status, "reject")
        reason = "rejected_by_provider" if head else None
        store.set_statuses(ctx.conn, [(app.id, rejected)], ctx.now_stamp, reason=reason)
        store.touch_user(ctx.conn, app.user_id, ctx.now_stamp)
        return _load(ctx, app_id)


def change_funded_place(ctx: Context, app_id: str, funded_place: object = MISSING) -> Row:
    """R-65..R-69."""
    with write_transaction(ctx.conn):
        app = records.application(_load(ctx, app_id))
        errors = rules.validate_change_funded_place(
            app,
            capped=ctx.catalog.capped(app.cohort, app.cohort_suffix),
            funded_place=funded_place,
            has_billable_declarations=store.has_billable_declarations(ctx.conn, app.id),
        )
        if errors:
            raise ApiError(errors)
        store.set_funded_place(ctx.conn, app.id, bool(funded_place), ctx.now_stamp)
        return _load(ctx, app_id)
