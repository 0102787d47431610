"""Statements (V-71, V-93, V-94): the seeded monthly series, DfE's transitions, and what items show.

A statement is one (provider, cohort, year, month) with `output_fee`, `deadline_date`, `payment_date` and a
state open -> payable -> paid. Statement items link declarations to statements with their own state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

STATEMENT_STATES = ("open", "payable", "paid")
BILLABLE_ITEM_STATES = ("eligible", "payable", "paid")
REFUND_ITEM_STATES = ("awaiting_clawback", "clawed_back")
# DfE's payment runs (V-73): the item (and declaration) states each statement move turns into others.
STATEMENT_MOVES: dict[str, dict[str, str]] = {
    "payable": {"eligible": "payable"},
    "paid": {"payable": "paid", "awaiting_clawback": "clawed_back"},
}


@dataclass(frozen=True)
class SeededStatement:
    """One statement of a seeded series."""

    year: int
    month: int
    output_fee: bool
    deadline_date: date
    payment_date: date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's end, as Rails' `+ n.months`)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover - day 28 always exists


def seeded_series(registration_start: date, months: int = 24) -> list[SeededStatement]:
    """V-93: monthly from two months before the registration-start month, for two years; output_fee on
    months 3, 6, 9, 12 and on the last one; deadline = the 1st of the month minus 6 days; payment =
    deadline + 1 month."""
    first = add_months(registration_start.replace(day=1), -2)
    series = []
    for index in range(months):
        month_start = add_months(first, index)
        deadline = month_start - timedelta(days=6)
        series.append(
            SeededStatement(
                year=month_start.year,
                month=month_start.month,
                output_fee=month_start.month in (3, 6, 9, 12) or index == months - 1,
                deadline_date=deadline,
                payment_date=add_months(deadline, 1),
            )
        )
    return series


def statement_path(start: str, target: str) -> list[str] | None:
    """The states a statement passes through from start to target ([] when already there), None if DfE
    cannot move it back."""
    if start not in STATEMENT_STATES or target not in STATEMENT_STATES:
        return None
    here, there = STATEMENT_STATES.index(start), STATEMENT_STATES.index(target)
    if there < here:
        return None
    return list(STATEMENT_STATES[here + 1 : there + 1])


def item_state_after(moves: list[str], item_state: str) -> str:
    """An item's (and its declaration's) state after the statement passed through `moves`."""
    for move in moves:
        item_state = STATEMENT_MOVES.get(move, {}).get(item_state, item_state)
    return item_state


def billable_item_state(declaration_state: str) -> str | None:
    """The billable item a declaration in this state holds (V-94), None if it holds none."""
    if declaration_state in BILLABLE_ITEM_STATES:
        return declaration_state
    if declaration_state in REFUND_ITEM_STATES:
        return "paid"
    return None
