"""Statements as the billing model (V-71..V-73, V-93, V-94): the next output-fee statement, attaching
declarations to it, DfE's payment runs, and the v3 statements endpoints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mockserver.domain import statements as rules
from mockserver.errors import ApiError
from mockserver.services.context import Context
from mockserver.store import statements as store
from mockserver.store.db import read_transaction
from mockserver.store.paging import fetch_page


def next_output_fee(
    ctx: Context, provider_id: str, cohort: int | None, suffix: str
) -> tuple[bool, str | None]:
    """(funding contract ended, the next output-fee statement's id) for a provider and cohort (V-71).

    A cohort in the `closed_cohorts` setting has no open output-fee statement for anyone. A provider with
    no statement at all for the cohort (an empty world, or one made before statements) is treated as open
    with nothing to attach to: the mock only applies R-100/R-111 step 2 where statements are modelled."""
    if cohort is None:
        return False, None
    if ctx.cohort_closed(cohort):
        return True, None
    found = store.next_output_fee(ctx.conn, provider_id, cohort, suffix, ctx.now_stamp[:10])
    if found is not None:
        return False, found
    return store.any_for(ctx.conn, provider_id, cohort, suffix), None


def attach(ctx: Context, statement_id: str | None, declaration_id: str, state: str) -> None:
    """R-105/R-111: a statement item for the declaration on the given statement (none: nothing)."""
    if statement_id is not None:
        store.add_item(ctx.conn, statement_id, declaration_id, state, ctx.now_stamp)


def after_void(ctx: Context, declaration_id: str, before: str, refund_statement: str | None) -> None:
    """R-109: voiding voids the declaration's eligible/ineligible/payable lines; R-111: a claw-back of a
    paid declaration gets a refund line on the next output-fee statement."""
    if before == "paid":
        attach(ctx, refund_statement, declaration_id, "awaiting_clawback")
    else:
        store.set_items_state(
            ctx.conn, declaration_id, ("eligible", "ineligible", "payable"), "voided", ctx.now_stamp
        )


def _next_for(ctx: Context, declaration: Mapping[str, Any]) -> str | None:
    provider, suffix = str(declaration["lead_provider_id"]), str(declaration["cohort_suffix"])
    return next_output_fee(ctx, provider, declaration["cohort"], suffix)[1]


def _ensure_item(ctx: Context, declaration: Mapping[str, Any], states: Sequence[str], state: str) -> None:
    """The declaration's item in one of `states` moved to `state`, or a new one on the next statement."""
    item = store.item_of(ctx.conn, str(declaration["id"]), states)
    if item is None:
        attach(ctx, _next_for(ctx, declaration), str(declaration["id"]), state)
    elif item["state"] != state:
        store.set_item_state(ctx.conn, item["id"], state, ctx.now_stamp)


def sync_items(ctx: Context, declaration: Mapping[str, Any], target: str) -> None:
    """Keep a declaration's items consistent after DfE moved it to `target` (testing API, V-94)."""
    billable = rules.billable_item_state(target)
    if billable is not None:
        _ensure_item(ctx, declaration, rules.BILLABLE_ITEM_STATES, billable)
    if target == "ineligible":
        _ensure_item(ctx, declaration, ("ineligible",), "ineligible")
    if target in rules.REFUND_ITEM_STATES:
        _ensure_item(ctx, declaration, rules.REFUND_ITEM_STATES, target)


def move_statement(ctx: Context, statement: Mapping[str, Any], target: str) -> bool:
    """V-73: DfE marks a statement payable or paid, moving its items and their declarations along.
    False when the move goes backwards."""
    path = rules.statement_path(str(statement["state"]), target)
    if path is None:
        return False
    now = ctx.now_stamp
    for move in path:
        for before, after in rules.STATEMENT_MOVES[move].items():
            store.move_statement_items(ctx.conn, str(statement["id"]), before, after, now)
    return True


def list_statements(
    ctx: Context, *, cohorts: Sequence[int] | None, updated_since: str | None, page: int, per_page: int
) -> list[dict[str, Any]]:
    """V-72: one page of the provider's output-fee statements."""
    with read_transaction(ctx.conn):
        return fetch_page(ctx.conn, store.list_query(ctx.provider_id, cohorts, updated_since), page, per_page)


def show_statement(ctx: Context, statement_id: str) -> dict[str, Any]:
    """V-72: one of the provider's output-fee statements, else 404."""
    row = store.get(ctx.conn, statement_id, ctx.provider_id)
    if row is None:
        raise ApiError.of("resource.not_found")
    return row
