"""Rows to domain records, and the column lists the API's queries select."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from mockserver.domain.models import Application, Declaration, Outcome, User

# Courses that count as the same course for previous funding and declarations (ASO <-> EHCO).
SAME_COURSE_SQL = "{o}.course_identifier IN ({a}.course_identifier, {alt})"


@lru_cache(maxsize=8)
def alternative_case(pairs: tuple[tuple[str, str], ...], alias: str = "a") -> str:
    """SQL naming the interchangeable alternative of {alias}.course_identifier (or itself)."""
    if not pairs:
        return f"{alias}.course_identifier"
    whens = " ".join(f"WHEN '{course}' THEN '{alt}'" for course, alt in pairs)
    return f"CASE {alias}.course_identifier {whens} ELSE {alias}.course_identifier END"


def pairs_of(alternatives: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """A hashable form of the interchangeable-course mapping."""
    return tuple(sorted(alternatives.items()))


def previously_funded_sql(pairs: tuple[tuple[str, str], ...]) -> str:
    """R-40 as a correlated EXISTS over alias `a`."""
    alt = alternative_case(pairs, "a")
    return (
        "EXISTS (SELECT 1 FROM applications o WHERE o.user_id = a.user_id AND o.id <> a.id "
        "AND o.status = 'accepted' AND o.eligible_for_funding = 1 AND COALESCE(o.funded_place, 1) = 1 "
        f"AND o.course_identifier IN (a.course_identifier, {alt}))"
    )


APPLICATION_COLUMNS = (
    "a.*, a.rowid AS seq, u.full_name, u.email, u.trn, u.trn_verified, u.updated_at AS user_updated_at, "
    "s.cohort AS schedule_cohort, s.identifier AS schedule_identifier, s.cohort_suffix AS schedule_suffix"
)
APPLICATION_FROM = (
    "applications a JOIN users u ON u.id = a.user_id LEFT JOIN schedules s ON s.id = a.schedule_id"
)


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def application(row: Mapping[str, Any]) -> Application:
    """An Application from a row selected with APPLICATION_COLUMNS (or at least the same names)."""
    keys = row.keys()
    return Application(
        id=row["id"],
        user_id=row["user_id"],
        lead_provider_id=row["lead_provider_id"],
        course_identifier=row["course_identifier"],
        cohort=row["cohort"],
        status=row["status"],
        training_status=row["training_status"],
        schedule_cohort=row["schedule_cohort"] if "schedule_cohort" in keys else None,
        schedule_identifier=row["schedule_identifier"] if "schedule_identifier" in keys else None,
        funded_place=_bool(row["funded_place"]),
        eligible_for_funding=bool(row["eligible_for_funding"]),
        funding_eligibility_status_code=row["funding_eligibility_status_code"],
        teacher_catchment=row["teacher_catchment"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        cohort_suffix=row["cohort_suffix"] if "cohort_suffix" in keys else "a",
        schedule_suffix=row["schedule_suffix"] if "schedule_suffix" in keys else None,
    )


def user(row: sqlite3.Row) -> User:
    """A User from a users row."""
    return User(
        id=row["id"],
        full_name=row["full_name"],
        email=row["email"],
        trn=row["trn"],
        trn_verified=bool(row["trn_verified"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def declaration(row: sqlite3.Row) -> Declaration:
    """A Declaration from a declarations row."""
    return Declaration(
        id=row["id"],
        application_id=row["application_id"],
        user_id=row["user_id"],
        lead_provider_id=row["lead_provider_id"],
        cohort=row["cohort"],
        declaration_type=row["declaration_type"],
        declaration_date=row["declaration_date"],
        state=row["state"],
        superseded_by_id=row["superseded_by_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        declaration_usec=row["declaration_usec"],
    )


def outcome(row: sqlite3.Row) -> Outcome:
    """An Outcome from an outcomes row."""
    return Outcome(
        id=row["id"],
        declaration_id=row["declaration_id"],
        lead_provider_id=row["lead_provider_id"],
        user_id=row["user_id"],
        state=row["state"],
        completion_date=row["completion_date"],
        created_at=row["created_at"],
    )
