"""State machines are transition tables (section 7)."""

from __future__ import annotations

import pytest

from mockserver.domain.states import IllegalTransition, can, transition


def test_training_status_moves() -> None:
    assert transition("training_status", "active", "defer") == "deferred"
    assert transition("training_status", "withdrawn", "resume") == "active"
    assert not can("training_status", "withdrawn", "defer")


def test_declaration_void_and_clawback() -> None:
    assert transition("declaration_state", "ineligible", "void") == "voided"
    assert transition("declaration_state", "paid", "void") == "awaiting_clawback"
    with pytest.raises(IllegalTransition):
        transition("declaration_state", "voided", "void")


def test_application_status_has_no_way_back_to_pending() -> None:
    assert transition("application_status", "pending", "accept") == "accepted"
    assert not any(
        target == "pending"
        for target in __import__("mockserver.domain.states", fromlist=["x"]).APPLICATION_STATUS.values()
    )
