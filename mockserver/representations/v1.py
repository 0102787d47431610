"""v1: the objects exactly as the real service renders them (v1 reference sections 3.3 to 3.7)."""

from __future__ import annotations

from collections.abc import Mapping
from operator import itemgetter
from typing import Any

from mockserver.domain.funding import shown_funding
from mockserver.domain.models import CATCHMENT_UK, ParticipantRecord

Row = Mapping[str, Any]


def _bool(value: object) -> bool | None:
    return None if value is None else bool(value)


def _cohort(value: int | None) -> str | None:
    return None if value is None else str(value)


def application_attributes(row: Row) -> dict[str, Any]:
    """The v1 application attributes (3.3), in the real order, from an applications query row.

    Runs for every row of a page, so it reads the row directly (no Application record) and calls
    the funding rule once for both of the values it decides.
    """
    eligible, ineligible_reason = shown_funding(
        bool(row["eligible_for_funding"]),
        row["funding_eligibility_status_code"],
        bool(row["previously_funded"]),
    )
    return {
        "course_identifier": row["course_identifier"],
        "email": row["email"],
        "email_validated": True,
        "employer_name": row["employer_name"],
        "employment_role": row["employment_role"],
        "full_name": row["full_name"],
        "funding_choice": row["funding_choice"],
        "headteacher_status": row["headteacher_status"],
        "ineligible_for_funding_reason": ineligible_reason,
        "participant_id": row["user_id"],
        "private_childcare_provider_urn": row["private_childcare_provider_urn"],
        "teacher_reference_number": row["trn"],
        "teacher_reference_number_validated": bool(row["trn_verified"]),
        "school_urn": row["school_urn"],
        "school_ukprn": row["school_ukprn"],
        "status": row["status"],
        "works_in_school": _bool(row["works_in_school"]),
        "cohort": _cohort(row["cohort"]),
        "eligible_for_funding": eligible,
        "targeted_delivery_funding_eligibility": bool(row["targeted_delivery_funding_eligibility"]),
        "teacher_catchment": row["teacher_catchment"] in CATCHMENT_UK,
        "teacher_catchment_country": row["teacher_catchment_country"],
        "teacher_catchment_iso_country_code": row["teacher_catchment_iso_country_code"],
        "itt_provider": row["itt_provider"],
        "lead_mentor": bool(row["lead_mentor"]),
        "funded_place": _bool(row["funded_place"]),
        "created_at": row["created_at"],
        "updated_at": max(row["updated_at"], row["user_updated_at"]),
    }


def serialize_application(row: Row) -> dict[str, Any]:
    """{"id", "type": "npq_application", "attributes"} for one application row."""
    return {"id": row["id"], "type": "npq_application", "attributes": application_attributes(row)}


# fmt: off
APPLICATION_CSV_COLUMNS = (
    "id", "participant_id", "full_name", "email", "email_validated", "teacher_reference_number",
    "teacher_reference_number_validated", "school_urn", "school_ukprn", "private_childcare_provider_urn",
    "headteacher_status", "eligible_for_funding", "funded_place", "funding_choice", "course_identifier",
    "status", "works_in_school", "employer_name", "employment_role", "created_at", "updated_at", "cohort",
    "ineligible_for_funding_reason", "targeted_delivery_funding_eligibility", "teacher_catchment",
    "teacher_catchment_country", "teacher_catchment_iso_country_code", "itt_provider", "lead_mentor",
)
# fmt: on


_APPLICATION_CELLS = itemgetter(*APPLICATION_CSV_COLUMNS)


def application_csv_row(row: Row) -> tuple[Any, ...]:
    """One CSV row (R-30): the stored eligible_for_funding, updated_at as max(application, user)."""
    values = application_attributes(row)
    values["id"], values["eligible_for_funding"] = row["id"], bool(row["eligible_for_funding"])
    return _APPLICATION_CELLS(values)


def serialize_participant(participant: ParticipantRecord) -> dict[str, Any]:
    """The v1 participant (3.4): user plus the accepted applications with the current provider."""
    user, accepted = participant.user, participant.enrolments
    return {
        "id": user["id"],
        "type": "npq-participant",
        "attributes": {
            "participant_id": user["id"],
            "full_name": user["full_name"],
            "email": user["email"],
            "npq_courses": [a["course_identifier"] for a in accepted],
            "funded_places": [
                {
                    "npq_course": a["course_identifier"],
                    "funded_place": _bool(a["funded_place"]),
                    "npq_application_id": a["id"],
                }
                for a in accepted
            ],
            "teacher_reference_number": user["trn"] if user["trn_verified"] else None,
            "updated_at": user["shown_updated_at"],
        },
    }


_HAS_PASSED = {"passed": True, "failed": False}


def declaration_attributes(row: Row) -> dict[str, Any]:
    """The v1 declaration attributes (3.5) from a declarations query row."""
    state = row["state"]
    return {
        "participant_id": row["user_id"],
        "declaration_type": row["declaration_type"],
        "course_identifier": row["course_identifier"],
        "declaration_date": row["declaration_date"],
        "state": state.replace("_", "-"),
        "has_passed": _HAS_PASSED.get(row["latest_outcome_state"]),
        "voided": state == "voided",
        "eligible_for_payment": state in ("eligible", "payable"),
        "updated_at": row["updated_at"],
    }


def serialize_declaration(row: Row) -> dict[str, Any]:
    """{"id", "type": "participant-declaration", "attributes"} for one declaration row."""
    return {"id": row["id"], "type": "participant-declaration", "attributes": declaration_attributes(row)}


DECLARATION_CSV_COLUMNS = (
    "id",
    "participant_id",
    "declaration_type",
    "course_identifier",
    "declaration_date",
    "state",
    "has_passed",
    "voided",
    "eligible_for_payment",
    "updated_at",
)


_DECLARATION_CELLS = itemgetter(*DECLARATION_CSV_COLUMNS)


def declaration_csv_row(row: Row) -> tuple[Any, ...]:
    """One declarations CSV row (R-31)."""
    values = declaration_attributes(row)
    values["id"] = row["id"]
    return _DECLARATION_CELLS(values)


def serialize_outcome(row: Row) -> dict[str, Any]:
    """The v1 outcome (3.6); completion_date at midnight with a numeric offset (R-23)."""
    return {
        "id": row["id"],
        "type": "participant-outcome",
        "attributes": {
            "state": row["state"],
            "completion_date": f"{row['completion_date']}T00:00:00+00:00",
            "course_identifier": row["course_identifier"],
            "participant_id": row["user_id"],
            "created_at": row["created_at"],
        },
    }


class V1:
    """The v1 representation, as the routes use it (every version offers the same methods)."""

    application = staticmethod(serialize_application)
    participant = staticmethod(serialize_participant)
    declaration = staticmethod(serialize_declaration)
    outcome = staticmethod(serialize_outcome)
    application_csv_columns = APPLICATION_CSV_COLUMNS
    application_csv_row = staticmethod(application_csv_row)
    declaration_csv_columns = DECLARATION_CSV_COLUMNS
    declaration_csv_row = staticmethod(declaration_csv_row)
    # What a participant needs besides its accepted applications: v1 shows neither history nor id changes.
    participant_details = False
