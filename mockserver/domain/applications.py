"""Validation sequences: accept (R-50..R-55), reject (R-60..R-62, D1), change-funded-place (R-65..R-69)."""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.domain.models import MISSING, Application
from mockserver.errors import Violation


def is_json_boolean(value: object) -> bool:
    """Only JSON true/false pass the funded_place checks (R-50, R-65)."""
    return isinstance(value, bool)


def _truthy(value: object) -> bool:
    """Ruby truthiness: everything but nil and false."""
    return value is not None and value is not False and value is not MISSING


def other_accepted(
    app: Application, candidates: Iterable[Application], same_course: frozenset[str], ignore_withdrawn: bool
) -> bool:
    """R-53: another accepted application for this cohort and course (or its alternative) exists."""
    return any(
        other.id != app.id
        and other.status == "accepted"
        and other.cohort == app.cohort
        and other.course_identifier in same_course
        and not (ignore_withdrawn and other.training_status == "withdrawn")
        for other in candidates
    )


def validate_accept(
    app: Application,
    *,
    capped: bool,
    funded_place: object,
    candidates: Iterable[Application],
    same_course: frozenset[str],
    ignore_withdrawn: bool = False,
) -> list[Violation]:
    """Accept's 422 checks in the real order; schedule resolution (R-55) is the caller's next step."""
    errors: list[Violation] = []
    if capped and not is_json_boolean(funded_place):
        errors.append(Violation("application.funded_place_required"))
    if app.status == "accepted":
        errors.append(Violation("application.already_accepted"))
    elif app.status == "rejected":
        errors.append(Violation("application.rejected_cannot_change"))
    if other_accepted(app, candidates, same_course, ignore_withdrawn):
        errors.append(Violation("application.other_accepted"))
    if not errors and capped and funded_place is True and not app.eligible_for_funding:
        errors.append(Violation("application.not_eligible_for_funded_place"))
    return errors


def siblings_to_reject(app: Application, users_applications: Iterable[Application]) -> list[str]:
    """R-57: ids of the same person's other applications for exactly this course and cohort."""
    return [
        other.id
        for other in users_applications
        if other.id != app.id
        and other.course_identifier == app.course_identifier
        and other.cohort == app.cohort
    ]


def validate_reject(
    app: Application, *, drift_requires_reason: bool, has_billable_declarations: bool
) -> list[Violation]:
    """Reject's checks: baseline R-60/R-61, or the D1 drift behaviour when switched on."""
    if not drift_requires_reason:
        if app.status == "rejected":
            return [Violation("application.already_rejected")]
        if app.status == "accepted":
            return [Violation("application.accepted_cannot_change")]
        return []
    # D1: the Reject service validates reason_for_rejection first (the v1 controller never sends it), then
    # its two application checks independently, so a rejected application with billable declarations
    # (e.g. an accepted, withdrawn one rejected as a sibling under D2) reports both.
    errors = [Violation("application.reason_for_rejection_required")]
    if app.status == "rejected":
        errors.append(Violation("application.already_rejected"))
    if has_billable_declarations:
        errors.append(Violation("application.reject_blocked_by_declarations"))
    return errors


def validate_change_funded_place(
    app: Application, *, capped: bool, funded_place: object, has_billable_declarations: bool
) -> list[Violation]:
    """R-65..R-69 in order."""
    errors: list[Violation] = []
    if not is_json_boolean(funded_place):
        errors.append(Violation("application.funded_place_required"))
    if app.status != "accepted":
        errors.append(Violation("funded_place.not_accepted"))
    if _truthy(funded_place) and not app.eligible_for_funding:
        errors.append(Violation("funded_place.not_eligible"))
    if not errors and not capped:
        errors.append(Violation("funded_place.cohort_not_capped"))
    if has_billable_declarations:
        errors.append(Violation("funded_place.declarations_exist"))
    return errors
