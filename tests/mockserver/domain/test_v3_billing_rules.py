"""Table tests of the v3 delivery-partner validators (V-64 step 15, V-69) and statement rules (V-73, V-93)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from mockserver.domain.declarations import (
    ChangePartnerFacts,
    ModelFacts,
    inside_catchment,
    model_checks,
    validate_change_partner,
)
from mockserver.domain.statements import item_state_after, seeded_series, statement_path

BASE = ModelFacts(
    future_date=False,
    cohort=2024,
    inside_catchment=True,
    primary="P",
    secondary=None,
    primary_partnered=True,
    secondary_partnered=False,
)


@pytest.mark.parametrize(
    ("changes", "codes"),
    [
        ({}, []),
        ({"future_date": True}, ["declaration.future_date"]),
        ({"primary": None}, ["declaration.delivery_partner_required"]),
        ({"primary": None, "required_rule": False}, []),
        ({"primary": None, "cohort": 2023}, []),
        ({"inside_catchment": False}, ["declaration.delivery_partner_overseas"]),
        ({"primary_partnered": False}, ["declaration.delivery_partner_not_partnered"]),
        (
            {"primary": None, "cohort": 2023, "secondary": "S", "secondary_partnered": True},
            ["declaration.secondary_without_primary"],
        ),
        (
            {"inside_catchment": False, "secondary": "S", "secondary_partnered": True},
            ["declaration.delivery_partner_overseas", "declaration.secondary_delivery_partner_overseas"],
        ),
        ({"secondary": "S"}, ["declaration.secondary_delivery_partner_not_partnered"]),
        ({"secondary": "P", "secondary_partnered": True}, ["declaration.same_delivery_partners"]),
        ({"duplicate_state": "eligible", "duplicate_guard": True}, ["declaration.model_duplicate"]),
        ({"duplicate_state": "eligible", "duplicate_guard": False}, []),
        (
            {"duplicate_state": "eligible", "duplicate_guard": True, "future_date": True},
            ["declaration.future_date"],
        ),
    ],
)
def test_model_checks_v64_step_15(changes: dict, codes: list[str]) -> None:
    assert [v.code for v in model_checks(replace(BASE, **changes))] == codes


def test_model_checks_vd7_apostrophe() -> None:
    found = model_checks(replace(BASE, inside_catchment=False, apostrophe=True))
    assert found[0].params == {"apostrophe": "'"}


@pytest.mark.parametrize(
    ("catchment", "cohort", "urn", "inside"),
    [
        ("england", 2025, None, True),
        ("scotland", 2023, "123456", True),
        ("another", 2023, "234567", False),
        ("another", 2024, "123456", False),
        ("wales", None, "1", False),
    ],
)
def test_inside_catchment_v64(catchment, cohort, urn, inside) -> None:
    assert inside_catchment(catchment, cohort, urn) is inside


def test_change_partner_orders_vd9() -> None:
    unknown = ChangePartnerFacts(
        primary_blank=False,
        primary_exists=False,
        secondary_blank=True,
        secondary_exists=False,
        model=replace(BASE, primary=None),
        errors_first=True,
    )
    assert [v.code for v in validate_change_partner(unknown)] == [
        "change_partner.primary_unknown",
        "declaration.delivery_partner_required",
    ]
    assert [v.code for v in validate_change_partner(replace(unknown, errors_first=False))] == [
        "declaration.delivery_partner_required",
        "change_partner.primary_unknown",
    ]
    blank = replace(unknown, primary_blank=True)
    assert [v.code for v in validate_change_partner(blank)][-1] == "change_partner.primary_required"


def test_seeded_series_v93() -> None:
    series = seeded_series(date(2025, 4, 3))
    assert (series[0].year, series[0].month, series[-1].year, series[-1].month) == (2025, 2, 2027, 1)
    assert [(s.month, s.year) for s in series if s.output_fee][-2:] == [(12, 2026), (1, 2027)]
    assert series[1].deadline_date == date(2025, 2, 23) and series[1].payment_date == date(2025, 3, 23)


def test_statement_moves_v73() -> None:
    assert statement_path("open", "paid") == ["payable", "paid"]
    assert statement_path("paid", "payable") is None
    assert item_state_after(["payable", "paid"], "eligible") == "paid"
    assert item_state_after(["paid"], "awaiting_clawback") == "clawed_back"
    assert item_state_after(["payable"], "awaiting_clawback") == "awaiting_clawback"
