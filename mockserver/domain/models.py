"""Records as the rules see them; timestamps are UTC strings 'YYYY-MM-DDTHH:MM:SSZ' (text order = time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mockserver.domain.timeparse import precise

BILLABLE_OR_CHANGEABLE = frozenset({"submitted", "eligible", "payable", "paid"})


class _Missing:
    """An attribute absent from the request body (distinct from JSON null)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()
CATCHMENT_UK = frozenset({"england", "scotland", "wales", "northern_ireland", "jersey_guernsey_isle_of_man"})


FUNDING_LEVELS = ("zero", "capped", "full")


@dataclass(frozen=True)
class Cohort:
    """A cohort: start year and suffix (2025a, 2025b, ...), its funding and registration start (V-91)."""

    start_year: int
    suffix: str
    funding: str  # zero | capped | full (VD17); v1/v2's "funding cap" is funding == "capped"
    registration_start_date: date

    @property
    def identifier(self) -> str:
        """e.g. "2026b"."""
        return f"{self.start_year}{self.suffix}"


@dataclass(frozen=True)
class Schedule:
    """A schedule row of one exact cohort (V-92)."""

    cohort: int
    identifier: str
    course_group: str
    applies_from: date
    declaration_types: tuple[str, ...]
    suffix: str = "a"


@dataclass(frozen=True)
class User:
    """A person; their id is the participant_id."""

    id: str
    full_name: str
    email: str
    trn: str | None
    trn_verified: bool
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Application:
    """An NPQ application with the fields the rules read."""

    id: str
    user_id: str
    lead_provider_id: str
    course_identifier: str
    cohort: int | None
    status: str
    training_status: str | None
    schedule_cohort: int | None
    schedule_identifier: str | None
    funded_place: bool | None
    eligible_for_funding: bool
    funding_eligibility_status_code: str | None
    teacher_catchment: str | None
    created_at: str
    updated_at: str
    cohort_suffix: str = "a"
    schedule_suffix: str | None = None


@dataclass(frozen=True)
class Declaration:
    """A participant declaration."""

    id: str
    application_id: str
    user_id: str
    lead_provider_id: str
    cohort: int
    declaration_type: str
    declaration_date: str
    state: str
    superseded_by_id: str | None
    created_at: str
    updated_at: str
    declaration_usec: int = 0  # the fraction of declaration_date, kept for comparisons

    @property
    def declaration_at(self) -> str:
        """declaration_date with its microseconds, sortable against other precise() stamps."""
        return precise(self.declaration_date, self.declaration_usec)


@dataclass(frozen=True)
class Outcome:
    """A participant outcome (append-only)."""

    id: str
    declaration_id: str
    lead_provider_id: str
    user_id: str
    state: str
    completion_date: str  # YYYY-MM-DD
    created_at: str


@dataclass(frozen=True)
class ParticipantRecord:
    """What any version shows of a participant: the person, their accepted applications with the caller
    (each with its latest deferred/withdrawn record by the caller when details were loaded), and their
    participant-id changes, newest first."""

    user: Mapping[str, Any]
    enrolments: Sequence[Mapping[str, Any]]
    id_changes: Sequence[Mapping[str, Any]] = field(default=())
