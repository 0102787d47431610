"""v3: the objects as the service shows them today (HEAD), or as in August 2025 (V-11..V-22, VD4/5/10)."""

from __future__ import annotations

import calendar
from typing import Any

import orjson

from mockserver.domain.models import ParticipantRecord
from mockserver.representations.v1 import (
    Row,
    _bool,
    _cohort,
    application_attributes,
    declaration_attributes,
    serialize_outcome,
)

# Courses whose started declarations never carry the targeted-delivery uplift (V-18, field 14).
NO_UPLIFT_COURSES = frozenset({"npq-additional-support-offer", "npq-early-headship-coaching-offer"})
UPLIFT_STATES = frozenset({"paid", "awaiting_clawback", "clawed_back"})
_V1_ONLY_DECLARATION_FIELDS = ("voided", "eligible_for_payment", "updated_at")


def _suffix(row: Row) -> str | None:
    return None if row["cohort"] is None else row["cohort_suffix"]


class V3:
    """The v3 representation; `head` False gives the August 2025 epoch (the v3_epoch setting)."""

    participant_details = True

    def __init__(self, head: bool = True) -> None:
        self.head = head

    # Applications (V-11, V-12) ---------------------------------------------------------------------
    def application_attributes(self, row: Row) -> dict[str, Any]:
        """The v3 application attributes in the real order."""
        base = application_attributes(row)
        if not self.head:
            return {**base, "schedule_identifier": row["schedule_identifier"]}
        shown: dict[str, Any] = {}
        for name, value in base.items():
            if name == "teacher_reference_number":
                value = row["trn"] if row["trn_verified"] else None
            shown[name] = value
            if name == "status":
                shown["reason_for_rejection"] = row["reason_for_rejection"]
            elif name == "cohort":
                shown["cohort_suffix"] = _suffix(row)
        shown["schedule_identifier"] = row["schedule_identifier"]
        shown["works_as_senco"] = row["senco_in_role"]
        shown["senco_start_date"] = row["senco_start_date"]
        return shown

    def application(self, row: Row) -> dict[str, Any]:
        """{"id", "type": "npq_application", "attributes"}."""
        return {"id": row["id"], "type": "npq_application", "attributes": self.application_attributes(row)}

    # Participants (V-14, V-15) ---------------------------------------------------------------------
    def enrolment(self, application: Row) -> dict[str, Any]:
        """One v3 enrolment: deferral/withdrawal objects only in that training status (V-14)."""
        status = application["training_status"]
        item: dict[str, Any] = {
            "email": application["email"],
            "course_identifier": application["course_identifier"],
            "schedule_identifier": application["schedule_identifier"],
            "cohort": _cohort(application["cohort"]),
        }
        if self.head:
            item["cohort_suffix"] = _suffix(application)
        item.update(
            npq_application_id=application["id"],
            eligible_for_funding=bool(application["eligible_for_funding"]),
            training_status=status,
            school_urn=application["school_urn"],
            targeted_delivery_funding_eligibility=bool(application["targeted_delivery_funding_eligibility"]),
            withdrawal=_history(application, "withdrawal") if status == "withdrawn" else None,
            deferral=_history(application, "deferral") if status == "deferred" else None,
            created_at=application["accepted_at"],
            funded_place=_bool(application["funded_place"]),
        )
        return item

    def participant(self, participant: ParticipantRecord) -> dict[str, Any]:
        """full_name, [previous_names], TRN if verified, updated_at, enrolments, participant_id_changes."""
        user = participant.user
        attributes: dict[str, Any] = {"full_name": user["full_name"]}
        if self.head:
            attributes["previous_names"] = orjson.loads(user["previous_names"])  # stored as a JSON array
        attributes.update(
            teacher_reference_number=user["trn"] if user["trn_verified"] else None,
            updated_at=user["shown_updated_at"],
            npq_enrolments=[self.enrolment(a) for a in participant.enrolments],
            participant_id_changes=[id_change(c) for c in participant.id_changes],
        )
        return {"id": user["id"], "type": "npq-participant", "attributes": attributes}

    # Declarations (V-18, V-19) ---------------------------------------------------------------------
    def declaration(self, row: Row) -> dict[str, Any]:
        """The 18 v3 attributes (HEAD) or the August 2025 list without application_id."""
        attributes = declaration_attributes(row)
        for name in _V1_ONLY_DECLARATION_FIELDS:
            del attributes[name]
        state = row["state"]
        attributes.update(
            delivery_partner_id=row["delivery_partner_id"],
            delivery_partner_name=row["delivery_partner_name"],
            secondary_delivery_partner_id=row["secondary_delivery_partner_id"],
            secondary_delivery_partner_name=row["secondary_delivery_partner_name"],
            statement_id=row["statement_id"],
        )
        if self.head:
            attributes["application_id"] = row["application_id"]
        attributes.update(
            clawback_statement_id=row["clawback_statement_id"],
            uplift_paid=state in UPLIFT_STATES
            and row["declaration_type"] == "started"
            and row["course_identifier"] not in NO_UPLIFT_COURSES
            and bool(row["targeted_delivery_funding_eligibility"]),
            lead_provider_name=row["lead_provider_name"],
            ineligible_for_funding_reason="duplicate_declaration"
            if state == "ineligible" and row["state_reason"] == "duplicate"
            else None,
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )
        return {"id": row["id"], "type": "participant-declaration", "attributes": attributes}

    # Outcomes (V-21), statements (2.5), delivery partners (2.6) --------------------------------------
    @staticmethod
    def outcome(row: Row) -> dict[str, Any]:
        """v1's outcome plus updated_at (outcomes never change, so it is their creation time)."""
        shown = serialize_outcome(row)
        shown["attributes"]["updated_at"] = row["created_at"]
        return shown

    @staticmethod
    def statement(row: Row) -> dict[str, Any]:
        """month by name, year and cohort as strings, dates as YYYY-MM-DD, paid only in state paid."""
        return {
            "id": row["id"],
            "type": "statement",
            "attributes": {
                "month": calendar.month_name[row["month"]],
                "year": str(row["year"]),
                "cohort": str(row["cohort"]),
                "cut_off_date": row["deadline_date"],
                "payment_date": row["payment_date"],
                "paid": row["state"] == "paid",
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            },
        }

    def delivery_partner(self, row: Row, cohorts: list[int]) -> dict[str, Any]:
        """cohort: the start years of the caller's partnerships, unique and ascending at HEAD (V-22)."""
        shown = sorted(set(cohorts)) if self.head else list(cohorts)
        return {
            "id": row["id"],
            "type": "delivery-partner",
            "attributes": {
                "name": row["name"],
                "cohort": shown,
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            },
        }


def _history(application: Row, kind: str) -> dict[str, Any] | None:
    """{"reason", "date"} of the caller's latest record of that kind, or None when it has none (V-14)."""
    at = application.get(f"{kind}_at")
    return None if at is None else {"reason": application.get(f"{kind}_reason"), "date": at}


def id_change(change: Row) -> dict[str, Any]:
    """One participant-id change as v3 shows it (also inside the 410 body, V-53)."""
    return {
        "from_participant_id": change["from_participant_id"],
        "to_participant_id": change["to_participant_id"],
        "changed_at": change["created_at"],
    }



