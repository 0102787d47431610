"""Validation sequences of participant actions: common part (R-74), defer, resume, withdraw, schedule."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from mockserver.domain.models import BILLABLE_OR_CHANGEABLE, Application, Declaration, Schedule
from mockserver.domain.timeparse import precise
from mockserver.errors import Violation


def validate_common(
    *,
    retired_to: str | None,
    user_id: str,
    course_identifier: object,
    courses: Collection[str],
    target: Application | None,
) -> list[Violation]:
    """R-74: retired id, known course, then (if clean) an accepted application for exactly this course."""
    errors: list[Violation] = []
    if retired_to is not None:
        errors.append(Violation("participant.id_replaced", {"from_id": user_id, "to_id": retired_to}))
    if not isinstance(course_identifier, str) or course_identifier not in courses:
        errors.append(Violation("participant.course_not_recognised"))
    if not errors and target is None:
        errors.append(Violation("participant.no_accepted_application"))
    return errors


def validate_defer(
    errors: list[Violation],
    *,
    reason: object,
    reasons: Collection[str],
    target: Application | None,
    declaration_count: int,
) -> list[Violation]:
    """R-76: reason, already deferred, already withdrawn, no declarations (not skipped by earlier errors)."""
    errors = list(errors)
    if not isinstance(reason, str) or reason not in reasons:
        errors.append(Violation("participant.invalid_reason"))
    if target is not None:
        if target.training_status == "deferred":
            errors.append(Violation("participant.already_deferred"))
        if target.training_status == "withdrawn":
            errors.append(Violation("participant.already_withdrawn"))
        if declaration_count == 0:
            errors.append(Violation("participant.defer_without_declarations"))
    return errors


def validate_resume(errors: list[Violation], *, target: Application | None) -> list[Violation]:
    """R-77: only a deferred or withdrawn participant can resume."""
    errors = list(errors)
    if target is not None and target.training_status == "active":
        errors.append(Violation("participant.already_active"))
    return errors


def validate_withdraw(
    errors: list[Violation],
    *,
    reason: object,
    reasons: Collection[str],
    target: Application | None,
    has_started_declaration: bool,
) -> list[Violation]:
    """R-78: reason, already withdrawn, then (if still clean) a started declaration is needed."""
    errors = list(errors)
    if not isinstance(reason, str) or reason not in reasons:
        errors.append(Violation("participant.invalid_reason"))
    if target is not None and target.training_status == "withdrawn":
        errors.append(Violation("participant.already_withdrawn"))
    if not errors and not has_started_declaration:
        errors.append(Violation("participant.withdraw_without_started"))
    return errors


@dataclass(frozen=True)
class ScheduleChange:
    """The facts change-schedule decides on."""

    course_identifier: str
    course_group: str | None
    target: Application | None
    new_schedule: Schedule | None
    current_schedule: Schedule | None
    target_cohort: int | None
    has_contract: bool
    declarations: Sequence[Declaration]  # of the target application
    app_cohort_capped: bool
    target_cohort_capped: bool
    target_suffix: str = "a"
    zero_to_funded: bool = False  # V-59 (HEAD): from a zero-funded cohort into a funded one


def _invalidates(schedule: Schedule, declarations: Sequence[Declaration]) -> bool:
    # With the fraction: a declaration at 00:00:00.5 is after the schedule's midnight start.
    start = precise(schedule.applies_from.isoformat() + "T00:00:00Z")
    return any(
        d.declaration_type not in schedule.declaration_types or d.declaration_at <= start
        for d in declarations
        if d.state in BILLABLE_OR_CHANGEABLE
    )


def validate_change_schedule(errors: list[Violation], change: ScheduleChange) -> list[Violation]:
    """R-90..R-97 in order, with their skip rules."""
    errors = list(errors)
    new, target = change.new_schedule, change.target
    if new is None:
        errors.append(Violation("schedule.identifier_invalid"))
    if not errors and not change.has_contract:
        errors.append(Violation("schedule.no_contract"))
    if target is not None and target.training_status == "withdrawn":
        errors.append(Violation("participant.already_withdrawn"))
    if new is not None and _invalidates(new, change.declarations):
        errors.append(Violation("schedule.invalidates_declarations"))
    current = change.current_schedule
    if new is not None and current is not None and new == current:
        errors.append(Violation("schedule.already_set"))
    if not errors and new is not None and new.course_group != change.course_group:
        errors.append(Violation("schedule.invalid_for_course"))
    billable = any(d.state in BILLABLE_OR_CHANGEABLE for d in change.declarations)
    current_cohort = (current.cohort, current.suffix) if current is not None else None
    if not errors and billable and new is not None and (new.cohort, new.suffix) != current_cohort:
        errors.append(Violation("schedule.cohort_locked_by_declarations"))
    moved = target is not None and (target.cohort, target.cohort_suffix) != (
        change.target_cohort,
        change.target_suffix,
    )
    if moved and change.app_cohort_capped and not change.target_cohort_capped:
        errors.append(Violation("schedule.funding_cap_change"))
    if moved and change.zero_to_funded:
        errors.append(Violation("schedule.unfunded_to_funded"))
    return errors
