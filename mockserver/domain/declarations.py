"""Declaration rules: create sequence (R-80..R-103), resulting state (R-104), void (R-109..R-111)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mockserver.domain.models import Application, Declaration, Schedule
from mockserver.domain.timeparse import declaration_date_checks, stamp
from mockserver.errors import Violation

DECLARATION_TYPES = ("started", "retained-1", "retained-2", "completed")


@dataclass(frozen=True)
class DeclarationFacts:
    """What the create sequence needs, loaded by the service."""

    participant_id: object
    declaration_type: object
    declaration_date: object
    course_identifier: object
    has_passed: object
    retired_to: str | None  # the participant_id was replaced with this id
    participant_visible: bool
    application: Application | None  # accepted, this provider, course or alternative, most recent
    schedule: Schedule | None
    withdrawn_at: str | None  # latest training-status record of the application, when it is `withdrawn`
    accepted_for_course_anywhere: bool
    course_has_outcomes: bool  # leadership or specialist course
    has_contract: bool
    fundable: bool
    same_type_and_date_state: str | None  # state of a billable/submitted twin with this type and date
    cohort_closed: bool
    same_type_billable: bool
    now: datetime
    delivery_partner_rule: bool


def validate_create(f: DeclarationFacts) -> tuple[list[Violation], datetime | None]:
    """The ordered 422 checks and the parsed declaration_date; '(skip)' checks run only while clean."""
    errors: list[Violation] = []
    participant_id = f.participant_id
    if participant_id in (None, "") or (isinstance(participant_id, str) and not participant_id.strip()):
        errors.append(Violation("declaration.participant_id_required"))
    elif f.retired_to is not None:
        errors.append(
            Violation("participant.id_replaced", {"from_id": str(participant_id), "to_id": f.retired_to})
        )
    if not errors and not f.participant_visible:
        errors.append(Violation("declaration.participant_not_recognised"))
    format_ok, when = declaration_date_checks(f.declaration_date)
    if not errors and f.withdrawn_at is not None and when is not None and f.withdrawn_at <= stamp(when):
        errors.append(Violation("declaration.after_withdrawal", {"withdrawn_at": f.withdrawn_at}))
    if not errors and not f.accepted_for_course_anywhere:
        errors.append(Violation("declaration.course_not_recognised"))
    if not errors:
        if not format_ok:
            errors.append(Violation("declaration.date_not_rfc3339"))
        if f.schedule is not None and when is not None and when.date() < f.schedule.applies_from:
            errors.append(Violation("declaration.date_before_schedule_start"))
    if when is None:
        errors.append(Violation("declaration.date_required"))
    declaration_type = as_rails_string(f.declaration_type)
    if declaration_type is None or not declaration_type.strip():
        errors.append(Violation("declaration.type_required"))
    if declaration_type not in DECLARATION_TYPES:
        errors.append(Violation("declaration.type_not_recognised"))
    if not errors and f.schedule is None:
        errors.append(Violation("declaration.schedule_missing"))
    if not errors and f.schedule is not None and declaration_type not in f.schedule.declaration_types:
        errors.append(Violation("declaration.type_not_in_schedule"))
    if not errors and not f.has_contract:
        errors.append(Violation("declaration.no_contract"))
    if not errors and f.cohort_closed and f.schedule and _counts_for_statement(f):
        errors.append(Violation("declaration.funding_contract_ended", {"cohort": str(f.schedule.cohort)}))
    if declaration_type == "completed" and f.course_has_outcomes and not _valid_has_passed(f.has_passed):
        errors.append(Violation("declaration.has_passed_invalid"))
    if not errors and f.same_type_billable:
        errors.append(Violation("declaration.duplicate"))
    if not errors:
        if when is not None and when > f.now:
            errors.append(Violation("declaration.future_date"))
        if (
            f.delivery_partner_rule
            and f.schedule is not None
            and f.schedule.cohort >= 2024
            and f.application is not None
            and f.application.teacher_catchment == "england"
        ):
            errors.append(Violation("declaration.delivery_partner_required"))
    return errors, when


def _valid_has_passed(value: object) -> bool:
    """R-101: JSON true/false or the strings "true"/"false" (Ruby's to_s of the value)."""
    return value is True or value is False or value in ("true", "false")


def as_rails_string(value: object) -> str | None:
    """How a Rails :string attribute casts a JSON value."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value)


def _counts_for_statement(f: DeclarationFacts) -> bool:
    """R-100 applies to fundable applications or when a billable twin (same type and date) exists."""
    if f.same_type_and_date_state == "submitted":
        return False
    return f.same_type_and_date_state is not None or f.fundable


def initial_state(duplicate_of: str | None, fundable: bool) -> str:
    """R-104: ineligible when a same-TRN duplicate exists, else eligible when fundable, else submitted."""
    if duplicate_of is not None:
        return "ineligible"
    return "eligible" if fundable else "submitted"


def outcome_state(has_passed: object) -> str:
    """R-106: passed for true/"true", failed otherwise."""
    return "passed" if has_passed in (True, "true") else "failed"


def validate_void(declaration: Declaration, *, cohort_closed: bool) -> list[Violation]:
    """R-110/R-111: what stops a void or a claw-back."""
    state = declaration.state
    if state == "voided":
        return [Violation("void.already_voided")]
    if state not in ("paid", "awaiting_clawback", "clawed_back"):
        return []
    errors: list[Violation] = []
    if state in ("awaiting_clawback", "clawed_back"):
        errors.append(Violation("void.refund_exists"))
    if cohort_closed:
        errors.append(Violation("void.funding_contract_ended", {"cohort": str(declaration.cohort)}))
    if not errors and state != "paid":
        errors.append(Violation("void.not_paid"))
    return errors
