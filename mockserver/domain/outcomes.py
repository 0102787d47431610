"""Outcome rules: the create sequence (R-116..R-119, D3)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from mockserver.domain.timeparse import completion_date_parts
from mockserver.errors import ApiError, Violation

OUTCOME_STATES = ("passed", "failed")


def _blank(value: object) -> bool:
    return (
        value is None or value is False or (isinstance(value, str) and not value.strip()) or value in ([], {})
    )


def validate_create(
    *,
    retired_to: str | None,
    participant_id: str,
    course_identifier: object,
    state: object,
    completion_date: object,
    outcome_courses: Collection[str],
    has_completed_declaration: bool,
    today: date,
    invalid_date_is_bad_request: bool = False,
) -> tuple[list[Violation], date | None]:
    """The ordered checks (none skipped except the future check) and the completion date they accept."""
    errors: list[Violation] = []
    if retired_to is not None:
        errors.append(Violation("participant.id_replaced", {"from_id": participant_id, "to_id": retired_to}))
    # Only a string can name a course or a state: a JSON object or array is simply not one (never a 500).
    if not (isinstance(course_identifier, str) and course_identifier in outcome_courses):
        errors.append(Violation("outcome.course_not_recognised"))
    if _blank(course_identifier):
        errors.append(Violation("outcome.course_required"))
    if not (isinstance(state, str) and state in OUTCOME_STATES):
        errors.append(Violation("outcome.state_invalid"))
    if _blank(state):
        errors.append(Violation("outcome.state_required"))
    date_failed = False
    if _blank(completion_date):
        errors.append(Violation("outcome.completion_date_required"))
        date_failed = True
    has_pattern, real_date = completion_date_parts(completion_date)
    if not has_pattern:
        errors.append(Violation("outcome.completion_date_format"))
        date_failed = True
    if not has_completed_declaration:
        errors.append(Violation("outcome.no_completed_declaration"))
    if has_pattern and real_date is None:
        if invalid_date_is_bad_request:
            raise ApiError.of("request.argument_error", message="invalid date")
        errors.append(Violation("outcome.completion_date_format"))
        date_failed = True
    if not date_failed and real_date is not None and real_date > today:
        errors.append(Violation("outcome.completion_date_future"))
    return errors, real_date

