"""Schedule choice on accept (R-120) and the current cohort (R-123)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

LEADERSHIP_OR_SPECIALIST = frozenset({"leadership", "specialist"})


def _between(today: date, start: date, end: date) -> bool:
    return start <= today <= end


def _last_day_of_february(year: int) -> date:
    return date.fromordinal(date(year, 3, 1).toordinal() - 1)


def accept_schedule_identifier(
    course_group: str,
    cohort: int,
    today: date,
    ehco_in_cohort: Iterable[str] = (),
    *,
    suffix: str = "a",
    head: bool = True,
) -> str:
    """The identifier of the schedule accept gives (looked up in the application's exact cohort afterwards).

    head: the branches added after Aug 2025 (V-03, VD20): the 2025 autumn branch, then in front of all
    others cohort 2026a -> spring and 2026b -> autumn, and EHCO's single schedule in 2026a."""
    identifier = f"{cohort}{suffix}"
    if course_group in LEADERSHIP_OR_SPECIALIST:
        prefix = f"npq-{course_group}"
        if head and identifier == "2026a":
            return f"{prefix}-spring"
        if head and identifier == "2026b":
            return f"{prefix}-autumn"
        if head and cohort == 2025 and _between(today, date(2025, 8, 1), date(2026, 4, 30)):
            return f"{prefix}-autumn"
        if _between(today, date(2024, 6, 28), date(2025, 6, 6)):
            if cohort == 2025:
                return f"{prefix}-spring"
            if cohort == 2024:
                return f"{prefix}-autumn"
        if today <= date(today.year, 4, 2) or today >= date(today.year, 12, 26):
            return f"{prefix}-spring"
        return f"{prefix}-autumn"
    if course_group == "ehco":
        if cohort <= 2021 or (head and identifier == "2026a"):
            return next(iter(sorted(ehco_in_cohort)), "npq-ehco-june")
        if _between(today, date(cohort, 9, 1), date(cohort, 11, 30)):
            return "npq-ehco-november"
        if _between(today, date(cohort, 12, 1), _last_day_of_february(cohort + 1)):
            return "npq-ehco-december"
        if _between(today, date(cohort + 1, 3, 1), date(cohort + 1, 5, 31)):
            return "npq-ehco-march"
        return "npq-ehco-june"
    return "npq-aso-december"


def current_cohort(registration_starts: Iterable[tuple[int, date]], today: date) -> int | None:
    """The latest cohort whose registration has opened on or before today."""
    opened = [year for year, start in registration_starts if start <= today]
    return max(opened) if opened else None
