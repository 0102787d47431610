"""Declaration create (R-80..R-103 with V-64's delivery-partner steps 13-15) and void (R-109..R-111).
"(skip)" rules run only while no error exists; the rows pin both the order and the skipping. The model checks
of step 15 themselves are tabled in test_v3_billing_rules.py; here only how validate_create reaches them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from mockserver.domain.declarations import DeclarationFacts, PartnerFacts, validate_create, validate_void
from mockserver.domain.models import MISSING, Declaration, Schedule
from tests.mockserver.domain.facts import ACCEPTED_APPLICATION

SCHEDULE = Schedule(
    2025, "npq-leadership-autumn", "leadership", date(2025, 10, 1), ("started", "retained-1", "completed")
)
APPLICATION = replace(ACCEPTED_APPLICATION, funded_place=True, funding_eligibility_status_code="funded")
PARTNERS = PartnerFacts(
    primary_sent=True,
    secondary_sent=False,
    primary_exists=True,
    secondary_exists=False,
    primary_partnered=True,
    secondary_partnered=False,
    same=False,
)
DATE = "2025-11-03T10:00:00Z"


def facts(**overrides: object) -> DeclarationFacts:
    """A valid `started` declaration by v1/v2 (no partners read) for an overseas application, so the delivery
    partner rule (D4) does not apply; each row overrides what it tests."""
    valid = dict(
        participant_id="u",
        declaration_type="started",
        declaration_date=DATE,
        course_identifier="npq-headship",
        has_passed=MISSING,
        retired_to=None,
        participant_visible=True,
        application=APPLICATION,
        schedule=SCHEDULE,
        withdrawn_at=None,
        accepted_for_course_anywhere=True,
        course_has_outcomes=True,
        has_contract=True,
        fundable=True,
        same_type_and_date_state=None,
        cohort_closed=False,
        same_type_billable=False,
        now=datetime(2026, 1, 1, tzinfo=UTC),
        delivery_partner_rule=True,
        inside_catchment=False,
    )
    valid.update(overrides)
    return DeclarationFacts(**valid)  # type: ignore[arg-type]


def codes(**overrides: object) -> list[str]:
    return [v.code for v in validate_create(facts(**overrides))[0]]


INVISIBLE = {"participant_visible": False}  # R-81: the earliest (skip) error, used to show what is skipped
NOT_RFC = "2025-11-03"  # a date-only value: fails R-84 only

CREATE = [
    ("valid", {}, []),
    ("valid: completed with has_passed", {"declaration_type": "completed", "has_passed": True}, []),
    # R-80
    ("R-80 participant_id missing", {"participant_id": None}, ["declaration.participant_id_required"]),
    ("R-80 participant_id blank", {"participant_id": "  "}, ["declaration.participant_id_required"]),
    ("R-80 retired id", {"retired_to": "v"}, ["participant.id_replaced"]),
    ("R-81 skipped after R-80", {"participant_id": "", **INVISIBLE}, ["declaration.participant_id_required"]),
    # R-81
    ("R-81 not visible", INVISIBLE, ["declaration.participant_not_recognised"]),
    # R-82: at or before the declaration date
    ("R-82 withdrawn before", {"withdrawn_at": "2025-11-02T00:00:00Z"}, ["declaration.after_withdrawal"]),
    ("R-82 withdrawn at the same second", {"withdrawn_at": DATE}, ["declaration.after_withdrawal"]),
    ("R-82 withdrawn after", {"withdrawn_at": "2025-11-03T10:00:01Z"}, []),
    (
        "R-82 skipped after R-81",
        {"withdrawn_at": DATE, **INVISIBLE},
        ["declaration.participant_not_recognised"],
    ),
    # R-83
    (
        "R-83 no accepted application",
        {"accepted_for_course_anywhere": False},
        ["declaration.course_not_recognised"],
    ),
    (
        "R-83 skipped after R-82",
        {"withdrawn_at": DATE, "accepted_for_course_anywhere": False},
        ["declaration.after_withdrawal"],
    ),
    # R-84 / R-85
    ("R-84 date only", {"declaration_date": NOT_RFC}, ["declaration.date_not_rfc3339"]),
    (
        "R-84 zone out of range",
        {"declaration_date": "2025-11-03T10:00:00+25:00"},
        ["declaration.date_not_rfc3339"],
    ),
    (
        "R-84 before schedule start",
        {"declaration_date": "2025-09-30T23:59:59Z"},
        ["declaration.date_before_schedule_start"],
    ),
    ("R-84 at schedule start", {"declaration_date": "2025-10-01T00:00:00Z"}, []),
    (
        "R-84 skipped after R-83",
        {"accepted_for_course_anywhere": False, "declaration_date": NOT_RFC},
        ["declaration.course_not_recognised"],
    ),
    (
        "R-84 + R-85 impossible month",
        {"declaration_date": "2025-19-03T10:00:00Z"},
        ["declaration.date_not_rfc3339", "declaration.date_required"],
    ),
    ("R-85 day overflow rolls over", {"declaration_date": "2025-11-31T10:00:00Z"}, []),
    (
        "R-84 a number",
        {"declaration_date": 20251103},
        ["declaration.date_not_rfc3339", "declaration.date_required"],
    ),
    ("R-85 missing: format check skipped", {"declaration_date": None}, ["declaration.date_required"]),
    ("R-85 blank: format check skipped", {"declaration_date": " "}, ["declaration.date_required"]),
    (
        "R-85 not skipped",
        {"declaration_date": None, **INVISIBLE},
        ["declaration.participant_not_recognised", "declaration.date_required"],
    ),
    # R-86 (not skipped)
    (
        "R-86 type missing",
        {"declaration_type": None},
        ["declaration.type_required", "declaration.type_not_recognised"],
    ),
    ("R-86 type unknown", {"declaration_type": "finished"}, ["declaration.type_not_recognised"]),
    ("R-86 type a boolean", {"declaration_type": True}, ["declaration.type_not_recognised"]),
    (
        "R-86 not skipped",
        {"declaration_type": "finished", **INVISIBLE},
        ["declaration.participant_not_recognised", "declaration.type_not_recognised"],
    ),
    # R-87 / R-88 / R-89
    ("R-87 no schedule", {"schedule": None}, ["declaration.schedule_missing"]),
    (
        "R-87 skipped after R-86",
        {"schedule": None, "declaration_type": "x"},
        ["declaration.type_not_recognised"],
    ),
    ("R-88 type not in schedule", {"declaration_type": "retained-2"}, ["declaration.type_not_in_schedule"]),
    ("R-89 no contract", {"has_contract": False}, ["declaration.no_contract"]),
    (
        "R-89 skipped after R-88",
        {"has_contract": False, "declaration_type": "retained-2"},
        ["declaration.type_not_in_schedule"],
    ),
    # R-100
    ("R-100 fundable, cohort closed", {"cohort_closed": True}, ["declaration.funding_contract_ended"]),
    ("R-100 not fundable: not blocked", {"cohort_closed": True, "fundable": False}, []),
    (
        "R-100 not fundable, billable twin",
        {"cohort_closed": True, "fundable": False, "same_type_and_date_state": "paid"},
        ["declaration.funding_contract_ended"],
    ),
    (
        "R-100 submitted twin does not count",
        {"cohort_closed": True, "same_type_and_date_state": "submitted"},
        [],
    ),
    ("R-100 skipped after R-89", {"cohort_closed": True, "has_contract": False}, ["declaration.no_contract"]),
    # R-101 (not skipped)
    (
        "R-101 has_passed missing",
        {"declaration_type": "completed"},
        ["declaration.has_passed_invalid"],
    ),
    ("R-101 the string 'false'", {"declaration_type": "completed", "has_passed": "false"}, []),
    (
        "R-101 other string",
        {"declaration_type": "completed", "has_passed": "yes"},
        ["declaration.has_passed_invalid"],
    ),
    (
        "R-101 course without outcomes",
        {"declaration_type": "completed", "course_has_outcomes": False},
        [],
    ),
    ("R-101 other types ignore it", {"has_passed": "yes"}, []),
    (
        "R-101 not skipped",
        {"declaration_type": "completed", "has_contract": False},
        ["declaration.no_contract", "declaration.has_passed_invalid"],
    ),
    # R-102
    ("R-102 slot taken", {"same_type_billable": True}, ["declaration.duplicate"]),
    (
        "R-102 skipped after R-101",
        {"same_type_billable": True, "declaration_type": "completed"},
        ["declaration.has_passed_invalid"],
    ),
    # V-64 steps 13-14 (v3): unknown partners, not skipped
    (
        "V-64.13 primary unknown",
        {"partners": replace(PARTNERS, primary_exists=False)},
        ["declaration.delivery_partner_unknown"],
    ),
    (
        "V-64.14 secondary unknown",
        {"partners": replace(PARTNERS, secondary_sent=True)},
        ["declaration.secondary_delivery_partner_unknown"],
    ),
    (
        "V-64.13 not skipped",
        {"partners": replace(PARTNERS, primary_exists=False), "same_type_billable": True},
        ["declaration.duplicate", "declaration.delivery_partner_unknown"],
    ),
    # R-103 / V-64 step 15 (skip)
    ("R-103 future date", {"declaration_date": "2026-01-01T00:00:01Z"}, ["declaration.future_date"]),
    ("R-103 now is not future", {"declaration_date": "2026-01-01T00:00:00Z"}, []),
    (
        "R-103 future without application",
        {"declaration_date": "2026-02-01T00:00:00Z", "application": None},
        ["declaration.future_date"],
    ),
    (
        "R-103 skipped after R-102",
        {"declaration_date": "2026-02-01T00:00:00Z", "same_type_billable": True},
        ["declaration.duplicate"],
    ),
    (
        "R-103 skipped after V-64.13",
        {"declaration_date": "2026-02-01T00:00:00Z", "partners": replace(PARTNERS, primary_exists=False)},
        ["declaration.delivery_partner_unknown"],
    ),
    ("R-103 D4 partner required (v1)", {"inside_catchment": True}, ["declaration.delivery_partner_required"]),
    ("R-103 D4 rule off", {"inside_catchment": True, "delivery_partner_rule": False}, []),
    ("R-103 D4 cohort 2023", {"inside_catchment": True, "schedule": replace(SCHEDULE, cohort=2023)}, []),
    ("V-64.15 partner given (v3)", {"inside_catchment": True, "partners": PARTNERS}, []),
    ("V-64.15c overseas partner", {"partners": PARTNERS}, ["declaration.delivery_partner_overseas"]),
    (
        "V-64.15h same partners",
        {
            "inside_catchment": True,
            "partners": replace(
                PARTNERS, secondary_sent=True, secondary_exists=True, secondary_partnered=True, same=True
            ),
        },
        ["declaration.same_delivery_partners"],
    ),
    (
        "V-64.15i model duplicate (HEAD)",
        {"model_duplicate_state": "eligible", "duplicate_guard": True},
        ["declaration.model_duplicate"],
    ),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), CREATE, ids=[row[0] for row in CREATE])
def test_create_sequence(rule: str, overrides: dict, expected: list[str]) -> None:
    assert codes(**overrides) == expected, rule


def test_create_returns_the_parsed_date() -> None:
    assert validate_create(facts())[1] == datetime(2025, 11, 3, 10, tzinfo=UTC)
    assert validate_create(facts(declaration_date="2025-19-03T10:00:00Z"))[1] is None


def test_create_messages_params() -> None:
    (retired,) = validate_create(facts(retired_to="v"))[0]
    assert retired.params == {"from_id": "u", "to_id": "v"}
    (withdrawn,) = validate_create(facts(withdrawn_at=DATE))[0]
    assert withdrawn.params == {"withdrawn_at": DATE}
    (ended,) = validate_create(facts(cohort_closed=True))[0]
    assert ended.params == {"cohort": "2025"}


# R-109..R-111 ---------------------------------------------------------------------------------------------

DECLARATION = Declaration(
    id="d",
    application_id="a",
    user_id="u",
    lead_provider_id="p",
    cohort=2024,
    declaration_type="started",
    declaration_date=DATE,
    state="submitted",
    superseded_by_id=None,
    created_at=DATE,
    updated_at=DATE,
)


def void(*, state: str = "submitted", cohort_closed: bool = False) -> list[str]:
    """A submitted declaration whose cohort still has an open output-fee statement, unless overridden."""
    return [v.code for v in validate_void(replace(DECLARATION, state=state), cohort_closed=cohort_closed)]


VOID = [
    *((f"R-109 {s}", {"state": s}, []) for s in ("submitted", "eligible", "payable", "ineligible")),
    # R-109: no statement check on the void path
    *(
        (f"R-109 {s}, cohort closed", {"state": s, "cohort_closed": True}, [])
        for s in ("submitted", "payable")
    ),
    ("R-110 already voided", {"state": "voided"}, ["void.already_voided"]),
    ("R-110 before the statement check", {"state": "voided", "cohort_closed": True}, ["void.already_voided"]),
    ("R-111 paid: claw-back", {"state": "paid"}, []),
    (
        "R-111.2 paid, cohort closed",
        {"state": "paid", "cohort_closed": True},
        ["void.funding_contract_ended"],
    ),
    ("R-111.1 awaiting clawback", {"state": "awaiting_clawback"}, ["void.refund_exists"]),
    ("R-111.1 clawed back", {"state": "clawed_back"}, ["void.refund_exists"]),
    (
        "R-111.2 not skipped by R-111.1",
        {"state": "clawed_back", "cohort_closed": True},
        ["void.refund_exists", "void.funding_contract_ended"],
    ),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), VOID, ids=[row[0] for row in VOID])
def test_void_sequence(rule: str, overrides: dict, expected: list[str]) -> None:
    assert void(**overrides) == expected, rule


def test_void_funding_contract_ended_names_the_cohort() -> None:
    (ended,) = validate_void(replace(DECLARATION, state="paid"), cohort_closed=True)
    assert ended.params == {"cohort": "2024"}
