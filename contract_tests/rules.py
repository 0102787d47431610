"""The rules the suite checks, once: each refusal's reference rule(s), status, error title and detail.

This is the suite's own copy of the behaviour reference (it never imports the mock). Checks, journeys and
Schemathesis checks name a row by its code (`expect.refused(reply, "application.already_accepted", ...)`);
adding a rule check is one row here and one test in the `test_rules_*.py` file of its resource.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Rule:
    code: str  # stable name the checks use
    ref: str  # the behaviour reference's rule number(s)
    status: int
    title: str  # the `errors[].title`; "" for the bare {"error": detail} bodies
    detail: str  # the exact message (may hold {placeholders}, filled by `expect.refused(..., **values)`)

    def body(self) -> dict[str, Any]:
        """The bare error body ({"error": ...}) of 401/404-style rules."""
        return {"error": self.detail}

    def message(self, **values: Any) -> str:
        return self.detail.format(**values) if values else self.detail

    def pattern(self, **regexes: str) -> str:
        """A regular expression of the detail, each {placeholder} matched by `regexes[name]` (else `.+?`)."""
        out = []
        for literal, name, _, _ in string.Formatter().parse(self.detail):
            out.append(re.escape(literal))
            if name is not None:
                out.append(regexes.get(name, ".+?"))
        return "".join(out)


_ROWS = [
    # --- bare error bodies ------------------------------------------------------------------------
    Rule("auth.access_denied", "R-10..R-12", 401, "", "HTTP Token: Access denied"),
    Rule("resource.not_found", "R-02, R-15", 404, "", "Resource not found"),
    Rule("request.unprocessable_entity", "3.2", 422, "", "Unprocessable entity"),
    # --- 400: request shape ---------------------------------------------------------------------
    Rule(
        "request.bad_json_structure",
        "R-72, R-79, R-115",
        400,
        "Bad request",
        "correct json data structure required. See API docs for reference",
    ),
    Rule(
        "page.invalid",
        "R-33",
        400,
        "Bad request",
        "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
    ),
    Rule(
        "filter.since_invalid",
        "R-37",
        400,
        "Bad request",
        "The filter '#/{name}' must be a valid ISO 8601 date",
    ),
    Rule(
        "filter.participant_id_invalid",
        "R-39",
        400,
        "Bad request",
        "The filter '#/participant_id' must be a comma-delimited list of valid UUIDs",
    ),
    # --- applications ---------------------------------------------------------------------------
    Rule(
        "application.funded_place_required",
        "R-50, R-65",
        422,
        "funded_place",
        "Set '#/funded_place' to true or false.",
    ),
    Rule(
        "application.already_accepted",
        "R-51",
        422,
        "application",
        "This NPQ application has already been accepted",
    ),
    Rule(
        "application.rejected_cannot_change",
        "R-52",
        422,
        "application",
        "Once rejected an application cannot change state",
    ),
    Rule(
        "application.other_accepted",
        "R-53",
        422,
        "application",
        "The participant has already had an application accepted for this course.",
    ),
    Rule(
        "application.not_eligible_for_funded_place",
        "R-54",
        422,
        "application",
        "The participant is not eligible for funding, so '#/funded_place' cannot be set to true.",
    ),
    Rule(
        "application.already_rejected",
        "R-60",
        422,
        "application",
        "This NPQ application has already been rejected",
    ),
    Rule(
        "application.accepted_cannot_change",
        "R-61",
        422,
        "application",
        "Once accepted an application cannot change state",
    ),
    Rule(
        "funded_place.not_accepted",
        "R-66",
        422,
        "application",
        "You must accept the application before attempting to change the '#/funded_place' setting.",
    ),
    Rule(
        "funded_place.not_eligible",
        "R-67",
        422,
        "application",
        "This participant is not eligible for funding. Contact us if you think this is wrong.",
    ),
    Rule(
        "funded_place.cohort_not_capped",
        "R-68",
        422,
        "application",
        "Leave the '#/funded_place' field blank. "
        "It's only needed for participants starting NPQs from autumn 2024 onwards.",
    ),
    Rule(
        "funded_place.declarations_exist",
        "R-69",
        422,
        "application",
        "You cannot change the funded place because declarations have been submitted. You will need to void "
        "the existing declarations and resubmit them after changing the funded place.",
    ),
    # --- participants ---------------------------------------------------------------------------
    Rule(
        "participant.course_not_recognised",
        "R-74, R-83, R-116",
        422,
        "course_identifier",
        "The entered '#/course_identifier' is not recognised for the given participant. "
        "Check details and try again.",
    ),
    Rule(
        "participant.no_accepted_application",
        "R-74",
        422,
        "participant_id",
        "Your update cannot be made as an accepted application cannot be found for the given "
        "'#/participant_id' and '#/course_identifier'.",
    ),
    Rule(
        "participant.invalid_reason",
        "R-76, R-78",
        422,
        "reason",
        "The property '#/reason' must be a valid reason",
    ),
    Rule(
        "participant.already_deferred", "R-76", 422, "participant_id", "The participant is already deferred"
    ),
    Rule(
        "participant.already_withdrawn",
        "R-76, R-78, R-92",
        422,
        "participant_id",
        "The participant is already withdrawn",
    ),
    Rule(
        "participant.defer_without_declarations",
        "R-76",
        422,
        "participant_id",
        "You cannot defer an NPQ participant that has no declarations",
    ),
    Rule("participant.already_active", "R-77", 422, "participant_id", "The participant is already active"),
    Rule(
        "participant.withdraw_without_started",
        "R-78",
        422,
        "participant_id",
        "An NPQ participant who has not got a started declaration cannot be withdrawn. "
        "Please contact support for assistance",
    ),
    # --- change-schedule ------------------------------------------------------------------------
    Rule(
        "schedule.identifier_invalid",
        "R-90",
        422,
        "schedule_identifier",
        "The property '#/schedule_identifier' must be present",
    ),
    Rule(
        "schedule.no_contract",
        "R-91",
        422,
        "cohort",
        "You cannot change a participant to this cohort as you do not have a contract for the cohort "
        "and course. Contact the DfE for assistance.",
    ),
    Rule(
        "schedule.invalidates_declarations",
        "R-93",
        422,
        "schedule_identifier",
        "Changing schedule would invalidate existing declarations. Please void them first.",
    ),
    Rule(
        "schedule.already_on_it",
        "R-94",
        422,
        "schedule_identifier",
        "The participant already has the specified schedule",
    ),
    Rule(
        "schedule.wrong_course",
        "R-95",
        422,
        "schedule_identifier",
        "The selected schedule is not valid for the course",
    ),
    Rule(
        "schedule.cohort_has_declarations",
        "R-96",
        422,
        "cohort",
        "You cannot change the '#/cohort' field when there are submitted, eligible, payable, or paid "
        "declarations in the new cohort",
    ),
    Rule(
        "schedule.capped_to_uncapped",
        "R-97",
        422,
        "cohort",
        "You cannot change the '#/cohort' field from one with a funding cap to one without a funding cap",
    ),
    # --- declarations ---------------------------------------------------------------------------
    Rule(
        "declaration.participant_not_recognised",
        "R-81",
        422,
        "participant_id",
        "Your update cannot be made as the '#/participant_id' is not recognised. "
        "Check participant details and try again.",
    ),
    Rule(
        "declaration.after_withdrawal",
        "R-82",
        422,
        "participant_id",
        "This participant withdrew from this course on {withdrawn_at}. "
        "Enter a '#/declaration_date' that's on or before the withdrawal date.",
    ),
    Rule(
        "declaration.before_schedule",
        "R-84",
        422,
        "declaration_date",
        "Enter a '#/declaration_date' that's on or after the schedule start.",
    ),
    Rule(
        "declaration.date_invalid",
        "R-84",
        422,
        "declaration_date",
        "Enter a valid RFC3339 '#/declaration_date'.",
    ),
    Rule("declaration.date_missing", "R-85", 422, "declaration_date", "Enter a '#/declaration_date'."),
    Rule(
        "declaration.type_not_recognised",
        "R-86",
        422,
        "declaration_type",
        "The entered '#/declaration_type' is not recognised.",
    ),
    Rule(
        "declaration.schedule_missing", "R-87", 422, "application", "The application is missing a schedule."
    ),
    Rule(
        "declaration.type_not_in_schedule",
        "R-88",
        422,
        "declaration_type",
        "The property '#/declaration_type' does not exist for this schedule.",
    ),
    Rule(
        "declaration.no_contract",
        "R-89",
        422,
        "cohort",
        "You cannot submit a declaration for this participant as you do not have a contract for the "
        "cohort and course. Contact the DfE for assistance.",
    ),
    Rule(
        "declaration.has_passed_required",
        "R-101",
        422,
        "has_passed",
        "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant has passed "
        "or failed their course.",
    ),
    Rule(
        "declaration.duplicate",
        "R-102",
        422,
        "base",
        "A declaration has already been submitted that will be, or has been, paid for this event",
    ),
    Rule(
        "declaration.future_date",
        "R-103",
        422,
        "declaration_date",
        "The '#/declaration_date' value cannot be a future date. Check the date and try again.",
    ),
    Rule(
        "declaration.delivery_partner_required",
        "R-103",
        422,
        "delivery_partner_id",
        "The property '#/delivery_partner_id' must be present",
    ),
    Rule(
        "declaration.contract_ended",
        "R-100, R-111",
        422,
        "{attribute}",
        "You cannot submit or void declarations for the {year} cohort. "
        "The funding contract for this cohort has ended. Get in touch if you need to discuss this with us.",
    ),
    Rule(
        "declaration.already_voided", "R-110", 422, "declaration", "This declaration has already been voided."
    ),
    Rule(
        "declaration.refunded", "R-111", 422, "declaration", "The declaration will or has been be refunded."
    ),
    # --- v3 (reference npq-v2-v3-behaviour.md, HEAD) -----------------------------------------------
    Rule("filter.not_object", "V-31", 400, "Bad request", "'#/filter' is not a valid field"),
    Rule(
        "filter.training_status_invalid",
        "V-35",
        422,
        "Unpermitted parameters",
        'The filter \'#/training_status\' must be ["active", "deferred", "withdrawn"]',
    ),
    Rule(
        "declaration.created_by_another_provider",
        "V-52",
        403,
        "Cannot modify declaration",
        "The declaration cannot be modified because it was created by another lead provider",
    ),
    Rule(
        "participant.id_changed",
        "V-53",
        410,
        "Participant ID has been changed",
        "The participant_id '{from_id}' has been replaced with '{to_id}'.",
    ),
    Rule(
        "application.reject_blocked_by_declarations",
        "V-55",
        422,
        "application",
        "This application has declarations that prevent it from being rejected. Void the declarations "
        "first, or contact us for assistance.",
    ),
    Rule(
        "accept.schedule_not_in_cohort",
        "V-54",
        422,
        "schedule_identifier",
        "The selected schedule cannot be found in the application cohort",
    ),
    Rule(
        "declaration.delivery_partner_unknown",
        "V-64 13",
        422,
        "delivery_partner_id",
        "The property '#/delivery_partner_id' does not exist",
    ),
    Rule(
        "declaration.secondary_delivery_partner_unknown",
        "V-64 14",
        422,
        "secondary_delivery_partner_id",
        "The property '#/secondary_delivery_partner_id' does not exist",
    ),
    Rule(
        "declaration.delivery_partner_overseas",
        "V-64 15c",
        422,
        "delivery_partner_id",
        "The property '#/delivery_partner_id' cannot be specified for Applications from outside of England",
    ),
    Rule(
        "declaration.delivery_partner_not_partnered",
        "V-64 15d, V-69",
        422,
        "{title}",
        "The entered '#/delivery_partner_id' is not from your list of confirmed Delivery Partners for the "
        "Cohort",
    ),
    Rule(
        "declaration.secondary_without_primary",
        "V-64 15e",
        422,
        "secondary_delivery_partner_id",
        "The property '#/secondary_delivery_partner_id' cannot be specified without the property "
        "'#/delivery_partner_id'",
    ),
    Rule(
        "declaration.secondary_overseas",
        "V-64 15f",
        422,
        "secondary_delivery_partner_id",
        "The property '#/secondary_delivery_partner_id' cannot be specified for Applications from outside "
        "of England",
    ),
    Rule(
        "declaration.secondary_not_partnered",
        "V-64 15g, V-69",
        422,
        "{title}",
        "The entered '#/secondary_delivery_partner_id' is not from your list of confirmed Delivery Partners "
        "for the Cohort",
    ),
    Rule(
        "declaration.secondary_same_as_primary",
        "V-64 15h",
        422,
        "secondary_delivery_partner_id",
        "The property '#/secondary_delivery_partner_id' cannot have the same value as the property "
        "'#/delivery_partner_id'",
    ),
    # --- outcomes -------------------------------------------------------------------------------
    Rule(
        "outcome.course_missing",
        "R-116",
        422,
        "course_identifier",
        "Enter a '#/course_identifier' value for this participant.",
    ),
    Rule(
        "outcome.state_missing",
        "R-117",
        422,
        "state",
        "The '#/state' is missing from your request. "
        "Please include a 'passed' or 'failed' value and try again.",
    ),
    Rule(
        "outcome.completion_date_missing",
        "R-118",
        422,
        "completion_date",
        "The '#/completion_date' is missing from your request. "
        "Please include a completion_date value and try again.",
    ),
    Rule(
        "outcome.state_invalid",
        "R-117",
        422,
        "state",
        "The attribute '#/state' can only include 'passed' or 'failed' values. "
        "If you need to void an outcome, you will need to void the associated 'completed' declaration.",
    ),
    Rule(
        "outcome.completion_date_format",
        "R-118",
        422,
        "completion_date",
        "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'",
    ),
    Rule(
        "outcome.completion_date_future",
        "R-118",
        422,
        "completion_date",
        "The '#/completion_date' value cannot be a future date. Check the date and try again.",
    ),
    Rule(
        "outcome.no_completed_declaration",
        "R-119",
        422,
        "base",
        "The participant has not had a 'completed' declaration submitted for them. "
        "Therefore you cannot update their outcome.",
    ),
]

RULES: dict[str, Rule] = {row.code: row for row in _ROWS}
assert len(RULES) == len(_ROWS), "two rows share a code"


def rule(code: str) -> Rule:
    """The row named `code` (a KeyError names a typo at import time of the check using it)."""
    return RULES[code]
