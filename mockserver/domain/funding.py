"""Funding rules: previously funded (R-40), fundable (R-41) and the values the application shows."""

from __future__ import annotations

from collections.abc import Iterable

from mockserver.domain.models import Application

MARKED_FUNDED_BY_POLICY = "marked_funded_by_policy"


def counts_as_funded(app: Application) -> bool:
    """An application that makes the person's other ones for the same course 'previously funded'."""
    return app.status == "accepted" and app.eligible_for_funding and app.funded_place is not False


def previously_funded(
    app: Application, users_applications: Iterable[Application], same_course: frozenset[str]
) -> bool:
    """R-40: another funded, accepted application of the same person for the same course exists."""
    return any(
        other.id != app.id and other.course_identifier in same_course and counts_as_funded(other)
        for other in users_applications
    )


def shown_funding(
    eligible_for_funding: bool, status_code: str | None, was_previously_funded: bool
) -> tuple[bool, str | None]:
    """The JSON (eligible_for_funding, ineligible_for_funding_reason) from the stored flag, the funding
    eligibility status code and R-40. Takes plain values so a page of rows needs no Application each."""
    if was_previously_funded:
        return status_code == MARKED_FUNDED_BY_POLICY and eligible_for_funding, "previously-funded"
    return eligible_for_funding, None if eligible_for_funding else "establishment-ineligible"


def shown_eligible_for_funding(app: Application, was_previously_funded: bool) -> bool:
    """The JSON eligible_for_funding: false when previously funded, unless marked funded by policy."""
    code = app.funding_eligibility_status_code
    return shown_funding(app.eligible_for_funding, code, was_previously_funded)[0]


def fundable(app: Application, was_previously_funded: bool) -> bool:
    """R-41: declarations on this application are paid for."""
    return shown_eligible_for_funding(app, was_previously_funded) and app.funded_place is not False
