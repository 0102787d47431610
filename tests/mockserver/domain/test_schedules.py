"""R-120 schedule choice on accept and R-123 current cohort, as plain functions."""

from __future__ import annotations

from datetime import date

import pytest

from mockserver.domain.schedules import accept_schedule_identifier, current_cohort


@pytest.mark.parametrize(
    ("group", "cohort", "today", "expected"),
    [
        ("leadership", 2025, date(2025, 9, 1), "npq-leadership-autumn"),  # rule 5 at the baseline (V-03)
        ("leadership", 2025, date(2025, 1, 10), "npq-leadership-spring"),
        ("specialist", 2024, date(2025, 1, 10), "npq-specialist-autumn"),
        ("leadership", 2023, date(2026, 1, 10), "npq-leadership-spring"),
        ("leadership", 2023, date(2026, 12, 26), "npq-leadership-spring"),
        ("specialist", 2026, date(2026, 4, 3), "npq-specialist-autumn"),
        ("ehco", 2024, date(2024, 9, 1), "npq-ehco-november"),
        ("ehco", 2024, date(2025, 2, 28), "npq-ehco-december"),
        ("ehco", 2024, date(2025, 3, 1), "npq-ehco-march"),
        ("ehco", 2024, date(2025, 6, 1), "npq-ehco-june"),
        ("ehco", 2024, date(2027, 1, 1), "npq-ehco-june"),
        ("ehco", 2021, date(2027, 1, 1), "npq-ehco-june"),
        ("support", 2021, date(2021, 5, 1), "npq-aso-december"),
    ],
)
def test_accept_schedule_identifier(group: str, cohort: int, today: date, expected: str) -> None:
    assert accept_schedule_identifier(group, cohort, today, head=False) == expected


@pytest.mark.parametrize(
    ("group", "cohort", "suffix", "today", "head", "expected"),
    [
        # V-03: the 2025 autumn branch exists only after Aug 2025 (HEAD)
        ("leadership", 2025, "a", date(2026, 1, 10), True, "npq-leadership-autumn"),
        ("leadership", 2025, "a", date(2026, 1, 10), False, "npq-leadership-spring"),
        ("specialist", 2025, "b", date(2026, 4, 30), True, "npq-specialist-autumn"),
        ("specialist", 2025, "a", date(2026, 5, 1), True, "npq-specialist-autumn"),
        # VD20: 2026a -> spring, 2026b -> autumn, in front of every other branch (HEAD only)
        ("leadership", 2026, "a", date(2026, 9, 1), True, "npq-leadership-spring"),
        ("specialist", 2026, "b", date(2026, 1, 10), True, "npq-specialist-autumn"),
        ("leadership", 2026, "a", date(2026, 9, 1), False, "npq-leadership-autumn"),
        ("leadership", 2026, "b", date(2026, 1, 10), False, "npq-leadership-spring"),
        ("support", 2026, "a", date(2026, 9, 1), True, "npq-aso-december"),
    ],
)
def test_accept_schedule_identifier_by_epoch(
    group: str, cohort: int, suffix: str, today: date, head: bool, expected: str
) -> None:
    assert accept_schedule_identifier(group, cohort, today, suffix=suffix, head=head) == expected


def test_ehco_in_2026a_is_the_cohorts_single_schedule_at_head() -> None:
    assert accept_schedule_identifier("ehco", 2026, date(2026, 9, 1), ["npq-ehco-2026"], head=True) == (
        "npq-ehco-2026"
    )
    assert accept_schedule_identifier("ehco", 2026, date(2026, 9, 1), ["npq-ehco-2026"], head=False) == (
        "npq-ehco-november"
    )


def test_current_cohort_is_latest_opened_registration() -> None:
    starts = [(2024, date(2024, 4, 3)), (2025, date(2025, 4, 3))]
    assert current_cohort(starts, date(2025, 4, 2)) == 2024
    assert current_cohort(starts, date(2025, 4, 3)) == 2025
    assert current_cohort(starts, date(2020, 1, 1)) is None
