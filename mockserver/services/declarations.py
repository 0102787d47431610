"""Declaration use cases: list, show, CSV, create (R-79..R-106) and void (R-109..R-112)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from mockserver.domain import declarations as rules
from mockserver.domain.funding import fundable, previously_funded
from mockserver.domain.states import transition
from mockserver.domain.timeparse import stamp
from mockserver.domain.uuids import is_uuid
from mockserver.errors import ApiError
from mockserver.services.context import Context
from mockserver.services.outcomes import record_outcome, void_outcome_after_clawback
from mockserver.services.rendering import Lines, Shown, export_lines, page_bodies, record_body
from mockserver.services.statements import after_void, attach, next_output_fee
from mockserver.store import applications as app_store
from mockserver.store import declarations as store
from mockserver.store import delivery_partners as partner_store
from mockserver.store import participants as participant_store
from mockserver.store import records
from mockserver.store.db import read_transaction, write_transaction
from mockserver.store.invalidation import DECLARATIONS
from mockserver.store.paging import PageQuery


def list_declarations(
    ctx: Context,
    *,
    updated_since: str | None,
    participant_ids: Sequence[str] | None,
    page: int,
    per_page: int,
    shown: Shown,
    cohorts: Sequence[int] | None = None,
) -> list[bytes]:
    """R-107, V-62: one page of the provider's declarations as `shown` renders them (V-51 scope; V-38
    cohorts)."""
    query = _list_query(ctx, updated_since, participant_ids, cohorts)
    with read_transaction(ctx.conn):
        return page_bodies(ctx, query, page, per_page, shown, DECLARATIONS)


def _list_query(
    ctx: Context,
    updated_since: str | None,
    participant_ids: Sequence[str] | None,
    cohorts: Sequence[int] | None,
) -> PageQuery:
    """The declarations the caller's version lists (its scope, V-51, and what it computes)."""
    return store.list_query(
        ctx.provider_id,
        updated_since,
        participant_ids,
        cohorts=cohorts,
        owner_scope=ctx.rules.declaration_owner_scope,
        billing=ctx.rules.declaration_billing,
    )


def declarations_csv(
    ctx: Context, *, updated_since: str | None, participant_ids: Sequence[str] | None, lines: Lines
) -> Iterator[list[bytes]]:
    """R-31: every matching declaration as its line of the CSV, in batches as they are read."""
    query = store.list_query(
        ctx.provider_id, updated_since, participant_ids, billing=ctx.rules.declaration_billing
    )
    return export_lines(ctx, query, lines, DECLARATIONS)


def _load(ctx: Context, declaration_id: str) -> sqlite3.Row:
    flags = ctx.rules
    row = store.get(
        ctx.conn,
        declaration_id,
        ctx.provider_id,
        owner_scope=flags.declaration_owner_scope,
        billing=flags.declaration_billing,
    )
    if row is None:
        raise ApiError.of("resource.not_found")
    return row


def load_for_change(ctx: Context, declaration_id: str) -> sqlite3.Row:
    """V-52: the declaration in the caller's scope (404), then 403 unless the caller created it."""
    row = _load(ctx, declaration_id)
    if row["lead_provider_id"] != ctx.provider_id:
        raise ApiError.of("declaration.other_provider")
    return row


def check_owner(ctx: Context, declaration_id: str) -> None:
    """V-52: 404/403 before the body is read."""
    with read_transaction(ctx.conn):
        load_for_change(ctx, declaration_id)


def show_declaration(ctx: Context, declaration_id: str) -> dict[str, Any]:
    """R-108."""
    return _load(ctx, declaration_id)


def declaration_body(ctx: Context, declaration_id: str, shown: Shown) -> bytes:
    """R-108 as `shown` renders it: the body the provider's list shows for it (the list's scope, V-51)."""
    query = _list_query(ctx, None, None, None).narrowed("d.id = ?", [declaration_id])
    return record_body(ctx, query, shown, DECLARATIONS)


def _facts(
    ctx: Context, attrs: Mapping[str, Any]
) -> tuple[rules.DeclarationFacts, Any, Any, str | None, str]:
    catalog, conn = ctx.catalog, ctx.conn
    pid, course = attrs.get("participant_id"), attrs.get("course_identifier")
    # Postgres compares uuid values case-insensitively; ids are stored lower-case (as URL ids are matched).
    pid = pid.lower() if is_uuid(pid) else pid
    declaration_type = rules.as_rails_string(attrs.get("declaration_type"))
    person = participant_store.person(conn, pid) if is_uuid(pid) else None
    # Every application of the person, read once: visibility, the application declared against and
    # whether any provider accepted them for the course (R-84), and R-40's previous funding read them all.
    rows = app_store.of_people(conn, [pid]) if person is not None else []
    theirs = [records.application(r) for r in rows]
    mine = any(a.lead_provider_id == ctx.provider_id and a.status == "accepted" for a in theirs)
    user = person if mine else None
    courses = catalog.same_course(course) if isinstance(course, str) and course in catalog.courses else ()
    accepted = [i for i, a in enumerate(theirs) if a.status == "accepted" and a.course_identifier in courses]
    accepted = accepted if user else []
    # of_people's order is (created_at, rowid): the provider's last one is its most recent
    row = next((rows[i] for i in reversed(accepted) if theirs[i].lead_provider_id == ctx.provider_id), None)
    app = records.application(row) if row is not None else None
    schedule = (
        catalog.schedule(app.schedule_cohort, app.schedule_identifier, app.schedule_suffix) if app else None
    )
    suffix = str(row["cohort_suffix"]) if row is not None else "a"
    ended, statement = next_output_fee(ctx, ctx.provider_id, schedule and schedule.cohort, suffix)
    withdrawn_at = None
    if app is not None:
        latest = app_store.latest_state(conn, app.id, ctx.provider_id)
        withdrawn_at = latest["created_at"] if latest is not None and latest["state"] == "withdrawn" else None
    is_fundable, twin, same_type_state = False, None, None
    _, when = rules.declaration_date_checks(attrs.get("declaration_date"))
    if app is not None:
        is_fundable = fundable(app, _previously_funded(ctx, app, theirs))
        # VD19's state and R-102's "already declared": the same billable declaration of this type
        same_type_state = store.same_type_state(conn, app.id, str(declaration_type))
        if ended and when is not None and isinstance(course, str):  # R-100 alone reads it (domain)
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
        accepted_for_course_anywhere=bool(accepted),
        course_has_outcomes=isinstance(course, str) and catalog.ref.has_outcomes(course),
        has_contract=bool(
            schedule
            and isinstance(course, str)
            and catalog.has_contract(ctx.provider_id, schedule.cohort, course)
        ),
        fundable=is_fundable,
        same_type_and_date_state=twin,
        cohort_closed=ended,
        same_type_billable=same_type_state is not None,
        now=ctx.now,
        delivery_partner_rule=ctx.rules.delivery_partner_required,
        inside_catchment=row is not None
        and rules.inside_catchment(row["teacher_catchment"], row["cohort"], row["school_urn"]),
        partners=_partner_facts(ctx, attrs, schedule and schedule.cohort, suffix)
        if ctx.rules.delivery_partner_input
        else None,
        model_duplicate_state=same_type_state,
        duplicate_guard=ctx.rules.declaration_duplicate_guard,
        overseas_apostrophe=ctx.rules.overseas_apostrophe,
    )
    return facts, user, app, statement, suffix


def _sent(attrs: Mapping[str, Any], name: str) -> bool:
    return attrs.get(name) is not None


def _partner_facts(
    ctx: Context, attrs: Mapping[str, Any], cohort: int | None, suffix: str
) -> rules.PartnerFacts:
    """V-63/V-64 steps 13-15: the partners sent, whether they exist and are partnered for the cohort."""
    conn, primary, secondary = (
        ctx.conn,
        attrs.get("delivery_partner_id"),
        attrs.get("secondary_delivery_partner_id"),
    )
    primary_exists, secondary_exists = (
        partner_store.exists(conn, primary),
        partner_store.exists(conn, secondary),
    )

    def partnered(partner: object, exists: bool) -> bool:
        return bool(
            exists
            and cohort is not None
            and partner_store.partnered(conn, str(partner), ctx.provider_id, cohort, suffix)
        )

    return rules.PartnerFacts(
        primary_sent=_sent(attrs, "delivery_partner_id"),
        secondary_sent=_sent(attrs, "secondary_delivery_partner_id"),
        primary_exists=primary_exists,
        secondary_exists=secondary_exists,
        primary_partnered=partnered(primary, primary_exists),
        secondary_partnered=partnered(secondary, secondary_exists),
        same=primary_exists and secondary_exists and str(primary).lower() == str(secondary).lower(),
    )


def _previously_funded(ctx: Context, app: Any, mine: Sequence[Any]) -> bool:
    return previously_funded(app, mine, frozenset(ctx.catalog.same_course(app.course_identifier)))


def create_declaration(ctx: Context, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """R-80..R-106 in one transaction; 200 with the new declaration."""
    with write_transaction(ctx.conn):
        facts, user, app, statement, suffix = _facts(ctx, attrs)
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
                "cohort_suffix": suffix,
                "delivery_partner_id": _partner_id(facts, attrs, "delivery_partner_id"),
                "secondary_delivery_partner_id": _partner_id(facts, attrs, "secondary_delivery_partner_id"),
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
            attach(ctx, statement, declaration_id, state)
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
        row = load_for_change(ctx, declaration_id)
        declaration = records.declaration(row)
        ended, refund_statement = (
            next_output_fee(ctx, declaration.lead_provider_id, declaration.cohort, str(row["cohort_suffix"]))
            if declaration.state in rules.CLAWBACK_STATES
            else (False, None)  # read by neither the checks nor the void of another state
        )
        errors = rules.validate_void(declaration, cohort_closed=ended)
        if errors:
            raise ApiError(errors)
        now = ctx.now_stamp
        store.set_state(
            ctx.conn, declaration.id, transition("declaration_state", declaration.state, "void"), now
        )
        after_void(ctx, declaration.id, declaration.state, refund_statement)
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


def _partner_id(facts: rules.DeclarationFacts, attrs: Mapping[str, Any], name: str) -> str | None:
    """V-66: v3 stores the partners sent (validated, so real ids); v1/v2 never read them."""
    if facts.partners is None or attrs.get(name) is None:
        return None
    return str(attrs[name]).lower()


def change_delivery_partner(ctx: Context, declaration_id: str, attrs: Mapping[str, Any]) -> dict[str, Any]:
    """V-68..V-70: replace the declaration's delivery partners; 200 with it, updated_at moved."""
    with write_transaction(ctx.conn):
        row = load_for_change(ctx, declaration_id)
        conn, primary, secondary = (
            ctx.conn,
            attrs.get("delivery_partner_id"),
            attrs.get("secondary_delivery_partner_id"),
        )
        primary_blank = primary is None or (isinstance(primary, str) and not primary.strip())
        secondary_blank = secondary is None or (isinstance(secondary, str) and not secondary.strip())
        primary_exists = partner_store.exists(conn, primary)
        secondary_exists = partner_store.exists(conn, secondary)
        new_primary = str(primary).lower() if primary_exists else None
        new_secondary = str(secondary).lower() if secondary_exists else None
        cohort, suffix = int(row["cohort"]), str(row["cohort_suffix"])
        app = app_store.catchment_of(conn, row["application_id"])
        primary_changed = new_primary != row["delivery_partner_id"]
        secondary_changed = new_secondary != row["secondary_delivery_partner_id"]
        model = rules.ModelFacts(
            future_date=row["declaration_date"] > ctx.now_stamp,
            cohort=cohort,
            inside_catchment=rules.inside_catchment(
                app["teacher_catchment"], app["cohort"], app["school_urn"]
            ),
            primary=new_primary,
            secondary=new_secondary,
            primary_partnered=bool(
                new_primary and partner_store.partnered(conn, new_primary, ctx.provider_id, cohort, suffix)
            ),
            secondary_partnered=bool(
                new_secondary
                and partner_store.partnered(conn, new_secondary, ctx.provider_id, cohort, suffix)
            ),
            check_required=primary_changed,
            check_primary_partnered=primary_changed,
            check_secondary_partnered=secondary_changed,
            required_rule=ctx.rules.delivery_partner_required,
            apostrophe=ctx.rules.overseas_apostrophe,
            duplicate_state=store.same_type_state(
                conn, row["application_id"], row["declaration_type"], row["id"]
            )
            if row["state"] in ("submitted", "eligible", "payable", "paid")
            else None,
            duplicate_guard=ctx.rules.declaration_duplicate_guard,
        )
        errors = rules.validate_change_partner(
            rules.ChangePartnerFacts(
                primary_blank=primary_blank,
                primary_exists=primary_exists,
                secondary_blank=secondary_blank,
                secondary_exists=secondary_exists,
                model=model,
                errors_first=ctx.rules.delivery_partner_errors_first,
            )
        )
        if errors:
            raise ApiError(errors)
        store.set_partners(conn, row["id"], new_primary, new_secondary, ctx.now_stamp)
        return _load(ctx, declaration_id)
