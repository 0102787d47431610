"""Validation sequences: accept (R-50..R-55), reject (R-60..R-62, D1), change-funded-place (R-65..R-69)."""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.domain.models import MISSING, Application, Schedule
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
        and (other.cohort, other.cohort_suffix) == (app.cohort, app.cohort_suffix)
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
    zero_funded: bool = False,
) -> list[Violation]:
    """Accept's 422 checks in the real order; schedule resolution (R-55, V-54 step 6) is the caller's next
    step. zero_funded: the application's cohort has funding `zero` and its rule is in force (HEAD)."""
    errors: list[Violation] = []
    if capped and not is_json_boolean(funded_place):
        errors.append(Violation("application.funded_place_required"))
    if zero_funded and funded_place is not False:
        errors.append(Violation("application.funded_place_unfunded_cohort"))
    if app.status == "accepted":
        errors.append(Violation("application.already_accepted"))
    elif app.status == "rejected":
        errors.append(Violation("application.rejected_cannot_change"))
    if other_accepted(app, candidates, same_course, ignore_withdrawn):
        errors.append(Violation("application.other_accepted"))
    if not errors and capped and funded_place is True and not app.eligible_for_funding:
        errors.append(Violation("application.not_eligible_for_funded_place"))
    return errors


def blank(value: object) -> bool:
    """Rails' blank?: nil, false, empty or whitespace-only strings, empty collections."""
    return (
        value is None
        or value is False
        or value is MISSING
        or (isinstance(value, str) and not value.strip())
        or (isinstance(value, (list, dict)) and not value)
    )


def validate_chosen_schedule(
    errors: list[Violation], *, found: Schedule | None, course_group: str | None
) -> list[Violation]:
    """V-54 steps 6-7 for a schedule_identifier sent on accept: it must exist in the application's exact
    cohort, then (only if nothing failed so far) serve the application's course group."""
    errors = list(errors)
    if found is None:
        errors.append(Violation("application.schedule_not_in_cohort"))
    elif not errors and found.course_group != course_group:
        errors.append(Violation("application.schedule_invalid_for_course"))
    return errors


def siblings_to_reject(app: Application, users_applications: Iterable[Application]) -> list[str]:
    """R-57: ids of the same person's other applications for exactly this course and (exact) cohort."""
    return [
        other.id
        for other in users_applications
        if other.id != app.id
        and other.course_identifier == app.course_identifier
        and (other.cohort, other.cohort_suffix) == (app.cohort, app.cohort_suffix)
    ]


def validate_reject(
    app: Application,
    *,
    drift_requires_reason: bool,
    has_billable_declarations: bool,
    reject_accepted: bool = False,
) -> list[Violation]:
    """Reject's checks: baseline R-60/R-61, the D1 drift behaviour when switched on, or HEAD's (V-55:
    the reason is always given, an accepted application can be rejected unless declarations block it)."""
    if reject_accepted:
        head: list[Violation] = []
        if app.status == "rejected":
            head.append(Violation("application.already_rejected"))
        if has_billable_declarations:
            head.append(Violation("application.reject_blocked_by_declarations"))
        return head
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
