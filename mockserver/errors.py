"""One catalogue of the API's rules and errors, and one renderer emitting the real service's envelopes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import orjson

RULE_HEADER = "X-NPQ-Mock-Rule"


@dataclass(frozen=True)
class Rule:
    """A rule of the behaviour reference: its stable code, HTTP status, title attribute and message."""

    code: str
    status: int
    title: str | None  # None: the single-message {"error": ...} envelope
    detail: str  # may hold {placeholders}
    ref: str  # the behaviour reference's rule number(s)


_BAD = "Bad request"
# fmt: off
_RULES: tuple[Rule, ...] = (
    Rule("auth.access_denied", 401, None, "HTTP Token: Access denied", "R-10..R-12"),
    Rule("route.not_found", 404, None, "Resource not found", "R-02"),
    Rule("resource.not_found", 404, None, "Resource not found", "R-15"),
    Rule("application.schedule_not_found", 404, None, "Resource not found", "R-55"),
    Rule("request.too_large", 413, None, "Request entity too large", "mock"),
    # The testing API's own refusals (/__mock__/, and the X-NPQ-Mock-Fault header): the same envelopes.
    Rule("testing_api.invalid_attribute", 422, "{attribute}", "{detail}", "testing API"),
    Rule("testing_api.world_not_found", 404, None, "Resource not found", "testing API"),
    Rule("testing_api.admin_required", 403, None,
         "The testing API needs the X-NPQ-Mock-Admin header with this server's testing-API token",
         "testing API"),
    Rule("fault.header_invalid", 400, "X-NPQ-Mock-Fault", "{detail}", "testing API"),
    Rule("request.unprocessable_entity", 422, None, "Unprocessable entity", "3.2"),
    Rule("server.internal_error", 500, None, "Internal server error", "3.2"),
    Rule("request.bad_json_structure", 400, _BAD,
         "correct json data structure required. See API docs for reference", "R-72, R-79, R-115"),
    Rule("request.malformed_json", 400, _BAD, "The request body is not valid JSON", "11"),
    Rule("page.invalid", 400, _BAD,
         "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive "
         "number", "R-33"),
    Rule("filter.updated_since_invalid", 400, _BAD,
         "The filter '#/updated_since' must be a valid ISO 8601 date", "R-37"),
    Rule("filter.created_since_invalid", 400, _BAD,
         "The filter '#/created_since' must be a valid ISO 8601 date", "R-37"),
    Rule("filter.participant_id_invalid", 400, _BAD,
         "The filter '#/participant_id' must be a comma-delimited list of valid UUIDs", "R-39"),
    Rule("request.argument_error", 400, _BAD, "{message}", "3.2"),
    Rule("filter.not_object", 400, _BAD, "'#/filter' is not a valid field", "V-31"),
    Rule("filter.training_status_invalid", 422, "Unpermitted parameters",
         "The filter '#/training_status' must be [\"active\", \"deferred\", \"withdrawn\"]", "V-35"),
    Rule("participant.id_changed", 410, "Participant ID has been changed",
         "The participant_id '{from_id}' has been replaced with '{to_id}'.", "V-53"),
    Rule("application.funded_place_required", 422, "funded_place",
         "Set '#/funded_place' to true or false.", "R-50, R-65"),
    Rule("application.funded_place_unfunded_cohort", 422, "funded_place",
         "The '#/funded_place' field should be false for unfunded cohorts.", "V-54"),
    Rule("application.schedule_not_in_cohort", 422, "schedule_identifier",
         "The selected schedule cannot be found in the application cohort", "V-54"),
    Rule("application.schedule_invalid_for_course", 422, "schedule_identifier",
         "The selected schedule is not valid for the course", "V-54"),
    Rule("application.already_accepted", 422, "application",
         "This NPQ application has already been accepted", "R-51"),
    Rule("application.rejected_cannot_change", 422, "application",
         "Once rejected an application cannot change state", "R-52"),
    Rule("application.other_accepted", 422, "application",
         "The participant has already had an application accepted for this course.", "R-53"),
    Rule("application.not_eligible_for_funded_place", 422, "application",
         "The participant is not eligible for funding, so '#/funded_place' cannot be set to true.", "R-54"),
    Rule("application.already_rejected", 422, "application",
         "This NPQ application has already been rejected", "R-60"),
    Rule("application.accepted_cannot_change", 422, "application",
         "Once accepted an application cannot change state", "R-61"),
    Rule("application.reason_for_rejection_required", 422, "reason_for_rejection",
         "The reason_for_rejection cannot be blank.", "D1"),
    Rule("application.reject_blocked_by_declarations", 422, "application",
         "This application has declarations that prevent it from being rejected. Void the "
         "declarations first, or contact us for assistance.", "D1, V-55"),
    Rule("funded_place.not_accepted", 422, "application",
         "You must accept the application before attempting to change the '#/funded_place' setting.", "R-66"),
    Rule("funded_place.not_eligible", 422, "application",
         "This participant is not eligible for funding. Contact us if you think this is wrong.", "R-67"),
    Rule("funded_place.cohort_not_capped", 422, "application",
         "Leave the '#/funded_place' field blank. It's only needed for participants starting NPQs "
         "from autumn 2024 onwards.", "R-68"),
    Rule("funded_place.declarations_exist", 422, "application",
         "You cannot change the funded place because declarations have been submitted. You will need "
         "to void the existing declarations and resubmit them after changing the funded place.", "R-69"),
    Rule("participant.id_replaced", 422, "participant_id",
         "The participant_id '{from_id}' has been replaced with '{to_id}'.", "R-74, R-80, R-116"),
    Rule("participant.course_not_recognised", 422, "course_identifier",
         "The entered '#/course_identifier' is not recognised for the given participant. Check "
         "details and try again.", "R-74"),
    Rule("participant.no_accepted_application", 422, "participant_id",
         "Your update cannot be made as an accepted application cannot be found for the given "
         "'#/participant_id' and '#/course_identifier'.", "R-74"),
    Rule("participant.invalid_reason", 422, "reason",
         "The property '#/reason' must be a valid reason", "R-76, R-78"),
    Rule("participant.already_deferred", 422, "participant_id",
         "The participant is already deferred", "R-76"),
    Rule("participant.already_withdrawn", 422, "participant_id",
         "The participant is already withdrawn", "R-76, R-78, R-92"),
    Rule("participant.defer_without_declarations", 422, "participant_id",
         "You cannot defer an NPQ participant that has no declarations", "R-76"),
    Rule("participant.already_active", 422, "participant_id", "The participant is already active", "R-77"),
    Rule("participant.withdraw_without_started", 422, "participant_id",
         "An NPQ participant who has not got a started declaration cannot be withdrawn. Please "
         "contact support for assistance", "R-78"),
    Rule("schedule.identifier_invalid", 422, "schedule_identifier",
         "The property '#/schedule_identifier' must be present", "R-90"),
    Rule("schedule.no_contract", 422, "cohort",
         "You cannot change a participant to this cohort as you do not have a contract for the "
         "cohort and course. Contact the DfE for assistance.", "R-91"),
    Rule("schedule.invalidates_declarations", 422, "schedule_identifier",
         "Changing schedule would invalidate existing declarations. Please void them first.", "R-93"),
    Rule("schedule.already_set", 422, "schedule_identifier",
         "The participant already has the specified schedule", "R-94"),
    Rule("schedule.invalid_for_course", 422, "schedule_identifier",
         "The selected schedule is not valid for the course", "R-95"),
    Rule("schedule.cohort_locked_by_declarations", 422, "cohort",
         "You cannot change the '#/cohort' field when there are submitted, eligible, payable, or "
         "paid declarations in the new cohort", "R-96"),
    Rule("schedule.funding_cap_change", 422, "cohort",
         "You cannot change the '#/cohort' field from one with a funding cap to one without a "
         "funding cap", "R-97"),
    Rule("schedule.unfunded_to_funded", 422, "cohort",
         "You cannot change the '#/cohort' field from one that is not funded to with that is funded", "V-59"),
    Rule("declaration.participant_id_required", 422, "participant_id",
         "The property '#/participant_id' must be present", "R-80"),
    Rule("declaration.participant_not_recognised", 422, "participant_id",
         "Your update cannot be made as the '#/participant_id' is not recognised. Check participant "
         "details and try again.", "R-81"),
    Rule("declaration.after_withdrawal", 422, "participant_id",
         "This participant withdrew from this course on {withdrawn_at}. Enter a '#/declaration_date' "
         "that's on or before the withdrawal date.", "R-82"),
    Rule("declaration.course_not_recognised", 422, "course_identifier",
         "The entered '#/course_identifier' is not recognised for the given participant. Check "
         "details and try again.", "R-83"),
    Rule("declaration.date_not_rfc3339", 422, "declaration_date",
         "Enter a valid RFC3339 '#/declaration_date'.", "R-84"),
    Rule("declaration.date_before_schedule_start", 422, "declaration_date",
         "Enter a '#/declaration_date' that's on or after the schedule start.", "R-84"),
    Rule("declaration.date_required", 422, "declaration_date", "Enter a '#/declaration_date'.", "R-85"),
    Rule("declaration.type_required", 422, "declaration_type", "Enter a '#/declaration_type'.", "R-86"),
    Rule("declaration.type_not_recognised", 422, "declaration_type",
         "The entered '#/declaration_type' is not recognised.", "R-86"),
    Rule("declaration.schedule_missing", 422, "application",
         "The application is missing a schedule.", "R-87"),
    Rule("declaration.type_not_in_schedule", 422, "declaration_type",
         "The property '#/declaration_type' does not exist for this schedule.", "R-88"),
    Rule("declaration.no_contract", 422, "cohort",
         "You cannot submit a declaration for this participant as you do not have a contract for the "
         "cohort and course. Contact the DfE for assistance.", "R-89"),
    Rule("declaration.funding_contract_ended", 422, "cohort",
         "You cannot submit or void declarations for the {cohort} cohort. The funding contract for "
         "this cohort has ended. Get in touch if you need to discuss this with us.", "R-100"),
    Rule("declaration.has_passed_invalid", 422, "has_passed",
         "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant "
         "has passed or failed their course.", "R-101"),
    Rule("declaration.duplicate", 422, "base",
         "A declaration has already been submitted that will be, or has been, paid for this event", "R-102"),
    Rule("declaration.future_date", 422, "declaration_date",
         "The '#/declaration_date' value cannot be a future date. Check the date and try again.", "R-103"),
    Rule("declaration.delivery_partner_required", 422, "delivery_partner_id",
         "The property '#/delivery_partner_id' must be present", "R-103, D4"),
    Rule("declaration.delivery_partner_unknown", 422, "delivery_partner_id",
         "The property '#/delivery_partner_id' does not exist", "V-64 step 13"),
    Rule("declaration.secondary_delivery_partner_unknown", 422, "secondary_delivery_partner_id",
         "The property '#/secondary_delivery_partner_id' does not exist", "V-64 step 14"),
    Rule("declaration.delivery_partner_overseas", 422, "delivery_partner_id",
         "The property '#/delivery_partner_id' cannot be specified for Applications from outside of "
         "England{apostrophe}", "V-64 15c, VD7"),
    Rule("declaration.delivery_partner_not_partnered", 422, "delivery_partner_id",
         "The entered '#/delivery_partner_id' is not from your list of confirmed Delivery Partners for "
         "the Cohort", "V-64 15d, V-69"),
    Rule("declaration.secondary_without_primary", 422, "secondary_delivery_partner_id",
         "The property '#/secondary_delivery_partner_id' cannot be specified without the property "
         "'#/delivery_partner_id'", "V-64 15e"),
    Rule("declaration.secondary_delivery_partner_overseas", 422, "secondary_delivery_partner_id",
         "The property '#/secondary_delivery_partner_id' cannot be specified for Applications from "
         "outside of England{apostrophe}", "V-64 15f, VD7"),
    Rule("declaration.secondary_delivery_partner_not_partnered", 422, "secondary_delivery_partner_id",
         "The entered '#/secondary_delivery_partner_id' is not from your list of confirmed Delivery "
         "Partners for the Cohort", "V-64 15g, V-69"),
    Rule("declaration.same_delivery_partners", 422, "secondary_delivery_partner_id",
         "The property '#/secondary_delivery_partner_id' cannot have the same value as the property "
         "'#/delivery_partner_id'", "V-64 15h"),
    Rule("declaration.model_duplicate", 422, "base",
         "There is already a declaration with state {state} for this application", "V-64 15i, VD19"),
    Rule("declaration.other_provider", 403, "Cannot modify declaration",
         "The declaration cannot be modified because it was created by another lead provider", "V-52, VD8"),
    Rule("change_partner.primary_unknown", 422, "delivery_partner",
         "The entered '#/delivery_partner_id' is not from your list of confirmed Delivery Partners for "
         "the Cohort", "V-69 step 1"),
    Rule("change_partner.secondary_unknown", 422, "secondary_delivery_partner",
         "The entered '#/secondary_delivery_partner_id' is not from your list of confirmed Delivery "
         "Partners for the Cohort", "V-69 step 2"),
    Rule("change_partner.primary_required", 422, "delivery_partner_id",
         "The property '#/delivery_partner_id' must be present", "V-69 step 4"),
    Rule("declaration.outcome_not_created", 400, _BAD,
         "Could not create completed declaration. Contact the DfE for support.", "R-106"),
    Rule("void.already_voided", 422, "declaration", "This declaration has already been voided.", "R-110"),
    Rule("void.refund_exists", 422, "declaration", "The declaration will or has been be refunded.", "R-111"),
    Rule("void.funding_contract_ended", 422, "declaration",
         "You cannot submit or void declarations for the {cohort} cohort. The funding contract for "
         "this cohort has ended. Get in touch if you need to discuss this with us.", "R-111"),
    Rule("void.not_paid", 422, "declaration",
         "The declaration must be paid before it can be clawed back.", "R-111"),
    Rule("outcome.course_not_recognised", 422, "course_identifier",
         "The entered '#/course_identifier' is not recognised for the given participant. Check "
         "details and try again.", "R-116"),
    Rule("outcome.course_required", 422, "course_identifier",
         "Enter a '#/course_identifier' value for this participant.", "R-116"),
    Rule("outcome.state_invalid", 422, "state",
         "The attribute '#/state' can only include 'passed' or 'failed' values. If you need to void "
         "an outcome, you will need to void the associated 'completed' declaration.", "R-117"),
    Rule("outcome.state_required", 422, "state",
         "The '#/state' is missing from your request. Please include a 'passed' or 'failed' value "
         "and try again.", "R-117"),
    Rule("outcome.completion_date_required", 422, "completion_date",
         "The '#/completion_date' is missing from your request. Please include a completion_date "
         "value and try again.", "R-118"),
    Rule("outcome.completion_date_format", 422, "completion_date",
         "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'", "R-118, D3"),
    Rule("outcome.no_completed_declaration", 422, "base",
         "The participant has not had a 'completed' declaration submitted for them. Therefore you "
         "cannot update their outcome.", "R-119"),
    Rule("outcome.completion_date_future", 422, "completion_date",
         "The '#/completion_date' value cannot be a future date. Check the date and try again.", "R-119"),
)
# fmt: on

RULES: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in _RULES})

# What the served mock's transport refuses before the app runs (mockserver/resilience/body.py, head.py): not
# rules of the API, but answered in its single-message envelope with the rule header all the same.
REFUSALS: Mapping[str, Rule] = MappingProxyType({rule.code: rule for rule in (
    Rule("request.timeout", 408, None, "Request timeout", "mock"),
    Rule("request.uri_too_long", 414, None, "Request-URI too long", "mock"),
    Rule("request.headers_too_large", 431, None, "Request header fields too large", "mock"),
)})


@dataclass(frozen=True)
class Violation:
    """One fired rule, with the values its message needs."""

    code: str
    params: Mapping[str, str] = field(default_factory=dict)
    extra: Mapping[str, object] = field(default_factory=dict)  # more members of its error entry (V-53)

    @property
    def rule(self) -> Rule:
        """The catalogue entry of this violation."""
        return RULES[self.code]


class ApiError(Exception):
    """A request refused by one or more rules; the first rule decides the HTTP status."""

    def __init__(self, violations: Iterable[Violation | str]) -> None:
        self.violations = tuple(v if isinstance(v, Violation) else Violation(v) for v in violations)
        if not self.violations:
            raise ValueError("an ApiError needs at least one violation")
        super().__init__(", ".join(v.code for v in self.violations))

    @classmethod
    def of(cls, code: str, **params: str) -> ApiError:
        """An error for a single rule."""
        return cls([Violation(code, params)])

    @property
    def status(self) -> int:
        """The HTTP status of the first fired rule."""
        return self.violations[0].rule.status


class InvalidAttribute(ApiError):
    """A testing-API attribute with a bad value: a 422 whose title is the attribute's name."""

    def __init__(self, attribute: str, detail: str) -> None:
        params = {"attribute": attribute, "detail": detail}
        super().__init__([Violation("testing_api.invalid_attribute", params)])
        self.attribute, self.detail = attribute, detail


def error_body(violations: Iterable[Violation]) -> dict:
    """The envelope for the given violations, grouped by attribute as Rails' errors object does."""
    violations = list(violations)
    first = violations[0].rule
    if first.title is None:
        return {"error": first.detail.format_map(violations[0].params)}
    if violations[0].extra:
        v = violations[0]
        return {"errors": [{"title": first.title, "detail": first.detail.format_map(v.params), **v.extra}]}
    grouped: dict[str, list[str]] = {}
    for violation in violations:
        rule = violation.rule
        title = (rule.title or "base").format_map(violation.params)  # a testing-API title names its attribute
        messages = grouped.setdefault(title, [])
        detail = rule.detail.format_map(violation.params)
        if detail not in messages:
            messages.append(detail)
    return {"errors": [{"title": title, "detail": d} for title, details in grouped.items() for d in details]}


def render_refusal(code: str) -> tuple[int, bytes, dict[str, str]]:
    """(status, JSON body, headers) for one of REFUSALS."""
    refusal = REFUSALS[code]
    return refusal.status, orjson.dumps({"error": refusal.detail}), {RULE_HEADER: code}


def render_error(error: ApiError) -> tuple[int, bytes, dict[str, str]]:
    """(status, JSON body, headers) for an ApiError; the headers name every fired rule."""
    body = orjson.dumps(error_body(error.violations))
    codes = ",".join(dict.fromkeys(v.code for v in error.violations))
    return error.status, body, {RULE_HEADER: codes}
