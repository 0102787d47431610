"""v2: v1's applications and outcomes; its own participants, declarations and enrolments CSV (V-10..V-25)."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from mockserver.domain.models import ParticipantRecord
from mockserver.representations.v1 import V1, Row, _bool, _cohort, declaration_attributes

_V1_ONLY_DECLARATION_FIELDS = ("voided", "eligible_for_payment")


def enrolment(application: Row) -> dict[str, Any]:
    """One v2 enrolment (V-13): the stored eligible_for_funding, not the derived one (V-16)."""
    return {
        "course_identifier": application["course_identifier"],
        "schedule_identifier": application["schedule_identifier"],
        "cohort": _cohort(application["cohort"]),
        "npq_application_id": application["id"],
        "eligible_for_funding": bool(application["eligible_for_funding"]),
        "training_status": application["training_status"],
        "school_urn": application["school_urn"],
        "targeted_delivery_funding_eligibility": bool(application["targeted_delivery_funding_eligibility"]),
        "funded_place": _bool(application["funded_place"]),
    }


def serialize_participant(participant: ParticipantRecord) -> dict[str, Any]:
    """V-13: email, full_name, TRN (verified only), updated_at, npq_enrolments."""
    user = participant.user
    return {
        "id": user["id"],
        "type": "npq-participant",
        "attributes": {
            "email": user["email"],
            "full_name": user["full_name"],
            "teacher_reference_number": user["trn"] if user["trn_verified"] else None,
            "updated_at": user["shown_updated_at"],
            "npq_enrolments": [enrolment(a) for a in participant.enrolments],
        },
    }


def v2_declaration_attributes(row: Row) -> dict[str, Any]:
    """V-17: v1's attributes without voided and eligible_for_payment."""
    attributes = declaration_attributes(row)
    for name in _V1_ONLY_DECLARATION_FIELDS:
        del attributes[name]
    return attributes


def serialize_declaration(row: Row) -> dict[str, Any]:
    """{"id", "type": "participant-declaration", "attributes"} with the v2 attributes."""
    return {"id": row["id"], "type": "participant-declaration", "attributes": v2_declaration_attributes(row)}


# fmt: off
DECLARATION_CSV_COLUMNS = (
    "id", "participant_id", "declaration_type", "course_identifier", "declaration_date", "state",
    "has_passed", "updated_at",
)
ENROLMENT_CSV_COLUMNS = (
    "participant_id", "course_identifier", "schedule_identifier", "cohort", "npq_application_id",
    "eligible_for_funding", "training_status", "school_urn", "funded_place",
)
# fmt: on


_DECLARATION_CELLS = itemgetter(*DECLARATION_CSV_COLUMNS)
_ENROLMENT_CELLS = itemgetter(*ENROLMENT_CSV_COLUMNS)


def declaration_csv_row(row: Row) -> tuple[Any, ...]:
    """V-24: id then the v2 attributes."""
    values = v2_declaration_attributes(row)
    values["id"] = row["id"]
    return _DECLARATION_CELLS(values)


def enrolment_csv_row(application: Row) -> tuple[Any, ...]:
    """V-25: one accepted application of the provider."""
    values = enrolment(application)
    values["participant_id"] = application["user_id"]
    return _ENROLMENT_CELLS(values)


class V2(V1):
    """The v2 representation."""

    participant = staticmethod(serialize_participant)
    declaration = staticmethod(serialize_declaration)
    declaration_csv_columns = DECLARATION_CSV_COLUMNS
    declaration_csv_row = staticmethod(declaration_csv_row)
    enrolment_csv_columns = ENROLMENT_CSV_COLUMNS
    enrolment_csv_row = staticmethod(enrolment_csv_row)
    participant_details = True
