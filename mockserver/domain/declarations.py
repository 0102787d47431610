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
    # state of a billable/submitted twin with this type and date; read by R-100 only, so the service looks
    # it up only when the cohort's contract has ended (cohort_closed)
    same_type_and_date_state: str | None
    cohort_closed: bool  # no next output-fee statement for the cohort (V-71)
    same_type_billable: bool
    now: datetime
    delivery_partner_rule: bool
    inside_catchment: bool = False  # V-64's definition (Application#inside_catchment?)
    partners: PartnerFacts | None = None  # v3 (V-63): the delivery partners sent; None when not read
    model_duplicate_state: str | None = None  # VD19: a billable same-type declaration seen by the model
    duplicate_guard: bool = False  # VD19 (HEAD)
    overseas_apostrophe: bool = False  # VD7 (Aug 2025)


@dataclass(frozen=True)
class PartnerFacts:
    """The delivery partners of a would-be declaration (V-63, V-64 steps 13-15)."""

    primary_sent: bool  # the key is present with a non-null value (even "" or a number)
    secondary_sent: bool
    primary_exists: bool  # a delivery partner has that UUID
    secondary_exists: bool
    primary_partnered: bool  # partnered with this provider for the declaration's exact cohort
    secondary_partnered: bool
    same: bool  # primary and secondary are the same partner


@dataclass(frozen=True)
class ModelFacts:
    """What the Declaration model's validations read (V-64 step 15, V-69 step 3)."""

    future_date: bool
    cohort: int  # the declaration's cohort start year
    inside_catchment: bool
    primary: str | None  # the partner ids assigned (None: no partner)
    secondary: str | None
    primary_partnered: bool
    secondary_partnered: bool
    check_required: bool = True  # create: always; change: only when the primary changed
    check_primary_partnered: bool = True  # change: only when it changed
    check_secondary_partnered: bool = True
    required_rule: bool = True  # VD6 / D4
    apostrophe: bool = False  # VD7
    duplicate_state: str | None = None  # VD19: checked only when a-h found nothing
    duplicate_guard: bool = False


def inside_catchment(teacher_catchment: object, application_cohort: int | None, school_urn: object) -> bool:
    """V-64: catchment england, or (application cohort before 2024 and a school URN starting with 1)."""
    if teacher_catchment == "england":
        return True
    return (
        application_cohort is not None
        and application_cohort < 2024
        and isinstance(school_urn, str)
        and school_urn.startswith("1")
    )


def model_checks(m: ModelFacts) -> list[Violation]:
    """V-64 step 15 a-i in order: the Declaration model's validations (all evaluated, i only when clean)."""
    apostrophe = {"apostrophe": "'" if m.apostrophe else ""}
    errors: list[Violation] = []
    if m.future_date:
        errors.append(Violation("declaration.future_date"))
    if m.required_rule and m.check_required and m.cohort >= 2024 and m.inside_catchment and m.primary is None:
        errors.append(Violation("declaration.delivery_partner_required"))
    if m.primary is not None and not m.inside_catchment:
        errors.append(Violation("declaration.delivery_partner_overseas", apostrophe))
    if m.primary is not None and m.check_primary_partnered and not m.primary_partnered:
        errors.append(Violation("declaration.delivery_partner_not_partnered"))
    if m.secondary is not None and m.primary is None:
        errors.append(Violation("declaration.secondary_without_primary"))
    if m.primary is not None and m.secondary is not None and not m.inside_catchment:
        errors.append(Violation("declaration.secondary_delivery_partner_overseas", apostrophe))
    if m.secondary is not None and m.check_secondary_partnered and not m.secondary_partnered:
        errors.append(Violation("declaration.secondary_delivery_partner_not_partnered"))
    if m.primary is not None and m.primary == m.secondary:
        errors.append(Violation("declaration.same_delivery_partners"))
    if not errors and m.duplicate_guard and m.duplicate_state is not None:
        errors.append(Violation("declaration.model_duplicate", {"state": m.duplicate_state}))
    return errors


@dataclass(frozen=True)
class ChangePartnerFacts:
    """PUT change-delivery-partner (V-68, V-69): what was sent and what the declaration holds."""

    primary_blank: bool  # missing, null or ""
    primary_exists: bool
    secondary_blank: bool
    secondary_exists: bool
    model: ModelFacts  # with the new partners assigned (an unknown partner assigns none)
    errors_first: bool  # HEAD order (VD9): steps 1, 2 before the model's


def validate_change_partner(f: ChangePartnerFacts) -> list[Violation]:
    """V-69: HEAD 1, 2, 3 (model), 4; Aug 2025 3, 1, 2, 4. Duplicates collapse when rendered."""
    lookups: list[Violation] = []
    if f.primary_blank or not f.primary_exists:
        lookups.append(Violation("change_partner.primary_unknown"))
    if not f.secondary_blank and not f.secondary_exists:
        lookups.append(Violation("change_partner.secondary_unknown"))
    model = model_checks(f.model)
    errors = lookups + model if f.errors_first else model + lookups
    if f.primary_blank:
        errors.append(Violation("change_partner.primary_required"))
    return errors


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
    p = f.partners
    if p is not None and p.primary_sent and not p.primary_exists:
        errors.append(Violation("declaration.delivery_partner_unknown"))
    if p is not None and p.secondary_sent and not p.secondary_exists:
        errors.append(Violation("declaration.secondary_delivery_partner_unknown"))
    if not errors and f.schedule is not None and f.application is not None:
        primary = "primary" if p is not None and p.primary_sent else None
        secondary = ("primary" if p.same else "secondary") if p is not None and p.secondary_sent else None
        errors.extend(
            model_checks(
                ModelFacts(
                    future_date=when is not None and when > f.now,
                    cohort=f.schedule.cohort,
                    inside_catchment=f.inside_catchment,
                    primary=primary,
                    secondary=secondary,
                    primary_partnered=p is not None and p.primary_partnered,
                    secondary_partnered=p is not None and p.secondary_partnered,
                    required_rule=f.delivery_partner_rule,
                    apostrophe=f.overseas_apostrophe,
                    duplicate_state=f.model_duplicate_state,
                    duplicate_guard=f.duplicate_guard,
                )
            )
        )
    elif not errors and when is not None and when > f.now:
        errors.append(Violation("declaration.future_date"))
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


# A void of a declaration in these states is a claw-back's business: only then do the
# cohort's funding contract and its next output-fee statement (the refund's) matter.
CLAWBACK_STATES = ("paid", "awaiting_clawback", "clawed_back")


def validate_void(declaration: Declaration, *, cohort_closed: bool) -> list[Violation]:
    """R-110/R-111: what stops a void or a claw-back."""
    state = declaration.state
    if state == "voided":
        return [Violation("void.already_voided")]
    if state not in CLAWBACK_STATES:
        return []
    errors: list[Violation] = []
    if state in ("awaiting_clawback", "clawed_back"):
        errors.append(Violation("void.refund_exists"))
    if cohort_closed:
        errors.append(Violation("void.funding_contract_ended", {"cohort": str(declaration.cohort)}))
    if not errors and state != "paid":
        errors.append(Violation("void.not_paid"))
    return errors
