"""Participant actions as tables: the common part (R-74), defer (R-76), resume (R-77), withdraw (R-78).
Defer's checks are not skipped by earlier errors; withdraw's started-declaration check is."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mockserver.domain.models import Application
from mockserver.domain.participants import (
    validate_common,
    validate_defer,
    validate_resume,
    validate_withdraw,
)
from mockserver.errors import Violation
from mockserver.reference import load_reference
from mockserver.services.participants import EXTRA_WITHDRAWAL_REASONS
from tests.mockserver.domain.facts import ACCEPTED_APPLICATION

REF = load_reference()
DEFERRAL = REF.deferral_reasons
WITHDRAWAL_17 = REF.withdrawal_reasons
WITHDRAWAL_21 = (*WITHDRAWAL_17, *EXTRA_WITHDRAWAL_REASONS)  # VD11 (HEAD)
COURSES = ("npq-headship", "npq-senior-leadership", "npq-additional-support-offer")
EARLIER = "participant.course_not_recognised"  # stands for any error of the common part

TARGET = ACCEPTED_APPLICATION


def codes(found: list[Violation]) -> list[str]:
    return [v.code for v in found]


def test_reason_lists_17_and_21() -> None:
    assert len(WITHDRAWAL_17) == 17 and len(WITHDRAWAL_21) == 21 and len(set(WITHDRAWAL_21)) == 21


# R-74 -----------------------------------------------------------------------------------------------------


def common(
    *, retired_to: str | None = None, course: object = "npq-headship", target: Application | None = TARGET
) -> list[str]:
    """A current participant id, a known course and an accepted application for it, unless overridden."""
    return codes(
        validate_common(
            retired_to=retired_to, user_id="u", course_identifier=course, courses=COURSES, target=target
        )
    )


COMMON = [
    ("valid", {}, []),
    ("R-74.1 retired id", {"retired_to": "v"}, ["participant.id_replaced"]),
    ("R-74.2 unknown course", {"course": "npq-nope"}, ["participant.course_not_recognised"]),
    ("R-74.2 missing course", {"course": None}, ["participant.course_not_recognised"]),
    ("R-74.2 course not a string", {"course": ["npq-headship"]}, ["participant.course_not_recognised"]),
    (
        "R-74.2 not skipped by R-74.1",
        {"retired_to": "v", "course": "npq-nope"},
        ["participant.id_replaced", "participant.course_not_recognised"],
    ),
    ("R-74.3 no accepted application", {"target": None}, ["participant.no_accepted_application"]),
    ("R-74.3 skipped after R-74.1", {"retired_to": "v", "target": None}, ["participant.id_replaced"]),
    ("R-74.3 skipped after R-74.2", {"course": "x", "target": None}, ["participant.course_not_recognised"]),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), COMMON, ids=[row[0] for row in COMMON])
def test_common(rule: str, overrides: dict, expected: list[str]) -> None:
    assert common(**overrides) == expected, rule


def test_common_retired_id_params() -> None:
    found = validate_common(
        retired_to="v", user_id="u", course_identifier="npq-headship", courses=COURSES, target=None
    )
    assert found[0].params == {"from_id": "u", "to_id": "v"}


# R-76 -----------------------------------------------------------------------------------------------------


def defer(
    *,
    earlier: tuple[str, ...] = (),
    reason: object = "parental-leave",
    training_status: str | None = "active",
    target: bool = True,
    declaration_count: int = 1,
) -> list[str]:
    """An active target with one declaration and a valid reason, unless overridden."""
    app = replace(TARGET, training_status=training_status) if target else None
    found = validate_defer(
        [Violation(c) for c in earlier],
        reason=reason,
        reasons=DEFERRAL,
        target=app,
        declaration_count=declaration_count,
    )
    return codes(found)


DEFER = [
    ("valid", {}, []),
    ("R-76.1 unknown reason", {"reason": "holiday"}, ["participant.invalid_reason"]),
    ("R-76.1 missing reason", {"reason": None}, ["participant.invalid_reason"]),
    ("R-76.1 a withdrawal reason", {"reason": "started-in-error"}, ["participant.invalid_reason"]),
    ("R-76.2 already deferred", {"training_status": "deferred"}, ["participant.already_deferred"]),
    ("R-76.3 already withdrawn", {"training_status": "withdrawn"}, ["participant.already_withdrawn"]),
    ("R-76.4 no declarations", {"declaration_count": 0}, ["participant.defer_without_declarations"]),
    (
        "R-76 all in order",
        {"reason": None, "training_status": "deferred", "declaration_count": 0},
        [
            "participant.invalid_reason",
            "participant.already_deferred",
            "participant.defer_without_declarations",
        ],
    ),
    (
        "R-76 not skipped by R-74",
        {"earlier": (EARLIER,), "reason": "x", "declaration_count": 0},
        [EARLIER, "participant.invalid_reason", "participant.defer_without_declarations"],
    ),
    ("R-76 no target: reason only", {"target": False, "reason": "x"}, ["participant.invalid_reason"]),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), DEFER, ids=[row[0] for row in DEFER])
def test_defer(rule: str, overrides: dict, expected: list[str]) -> None:
    assert defer(**overrides) == expected, rule


@pytest.mark.parametrize("reason", DEFERRAL)
def test_defer_accepts_every_deferral_reason(reason: str) -> None:
    assert defer(reason=reason) == []


# R-77 -----------------------------------------------------------------------------------------------------


def resume(
    *, earlier: tuple[str, ...] = (), training_status: str | None = "deferred", target: bool = True
) -> list[str]:
    """A deferred target, unless overridden."""
    app = replace(TARGET, training_status=training_status) if target else None
    return codes(validate_resume([Violation(c) for c in earlier], target=app))


RESUME = [
    ("valid from deferred", {}, []),
    ("valid from withdrawn", {"training_status": "withdrawn"}, []),
    ("R-77 already active", {"training_status": "active"}, ["participant.already_active"]),
    (
        "R-77 after R-74",
        {"earlier": (EARLIER,), "training_status": "active"},
        [EARLIER, "participant.already_active"],
    ),
    ("R-77 no target", {"target": False, "earlier": (EARLIER,)}, [EARLIER]),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), RESUME, ids=[row[0] for row in RESUME])
def test_resume(rule: str, overrides: dict, expected: list[str]) -> None:
    assert resume(**overrides) == expected, rule


# R-78 -----------------------------------------------------------------------------------------------------


def withdraw(
    *,
    earlier: tuple[str, ...] = (),
    reason: object = "personal-reason-other",
    reasons: tuple[str, ...] = WITHDRAWAL_17,
    training_status: str | None = "active",
    target: bool = True,
    started: bool = True,
) -> list[str]:
    """An active target with a started declaration and a reason from the 17, unless overridden."""
    app = replace(TARGET, training_status=training_status) if target else None
    found = validate_withdraw(
        [Violation(c) for c in earlier],
        reason=reason,
        reasons=reasons,
        target=app,
        has_started_declaration=started,
    )
    return codes(found)


WITHDRAW = [
    ("valid from active", {}, []),
    ("valid from deferred", {"training_status": "deferred"}, []),
    ("R-78.1 unknown reason", {"reason": "bored"}, ["participant.invalid_reason"]),
    ("R-78.1 missing reason", {"reason": None}, ["participant.invalid_reason"]),
    ("R-78.1 a deferral reason", {"reason": "parental-leave"}, ["participant.invalid_reason"]),
    # R-134's exact string ends with a full stop
    (
        "R-78.1 no trailing full stop",
        {"reason": "quality-of-programme-structure-not-suitable"},
        ["participant.invalid_reason"],
    ),
    ("R-78.1 VD11 reason among the 17", {"reason": "change-in-career"}, ["participant.invalid_reason"]),
    ("R-78.1 VD11 reason among the 21", {"reason": "change-in-career", "reasons": WITHDRAWAL_21}, []),
    ("R-78.2 already withdrawn", {"training_status": "withdrawn"}, ["participant.already_withdrawn"]),
    (
        "R-78.2 not skipped by R-78.1",
        {"reason": None, "training_status": "withdrawn"},
        ["participant.invalid_reason", "participant.already_withdrawn"],
    ),
    ("R-78.3 no started declaration", {"started": False}, ["participant.withdraw_without_started"]),
    ("R-78.3 skipped after R-78.1", {"reason": None, "started": False}, ["participant.invalid_reason"]),
    (
        "R-78.3 skipped after R-78.2",
        {"training_status": "withdrawn", "started": False},
        ["participant.already_withdrawn"],
    ),
    ("R-78.3 skipped after R-74", {"earlier": (EARLIER,), "started": False}, [EARLIER]),
    (
        "R-78.1 not skipped by R-74",
        {"earlier": (EARLIER,), "reason": "x"},
        [EARLIER, "participant.invalid_reason"],
    ),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), WITHDRAW, ids=[row[0] for row in WITHDRAW])
def test_withdraw(rule: str, overrides: dict, expected: list[str]) -> None:
    assert withdraw(**overrides) == expected, rule


@pytest.mark.parametrize("reason", WITHDRAWAL_21)
def test_withdraw_accepts_every_reason_of_the_21(reason: str) -> None:
    assert withdraw(reason=reason, reasons=WITHDRAWAL_21) == []
    expected = [] if reason in WITHDRAWAL_17 else ["participant.invalid_reason"]
    assert withdraw(reason=reason) == expected
