"""R-120 schedule choice on accept and R-123 current cohort, as plain functions."""

from __future__ import annotations

from datetime import date

import pytest

from mockserver.domain.schedules import accept_schedule_identifier, current_cohort


@pytest.mark.parametrize(
    ("group", "cohort", "today", "expected"),
    [
        ("leadership", 2025, date(2025, 9, 1), "npq-leadership-autumn"),
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
    assert accept_schedule_identifier(group, cohort, today) == expected


def test_current_cohort_is_latest_opened_registration() -> None:
    starts = [(2024, date(2024, 4, 3)), (2025, date(2025, 4, 3))]
    assert current_cohort(starts, date(2025, 4, 2)) == 2024
    assert current_cohort(starts, date(2025, 4, 3)) == 2025
    assert current_cohort(starts, date(2020, 1, 1)) is None
