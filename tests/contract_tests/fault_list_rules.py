"""Faults breaking business rules and record views: regressions a DfE release could plausibly ship."""

from __future__ import annotations

from tests.contract_tests.catalogue import (
    APPS,
    DECLS,
    Fault,
    _attrs,
    _body_edit,
    _env,
    _fake_declaration,
    _headers,
    _on,
    _query,
    _replace_error,
    _show_instead,
    _status,
)
from tests.contract_tests.catalogue_rules import (
    PARTS,
    catchment_as_string,
    cohort_as_integer,
    detail_swap,
    duplicate_trn_eligible,
    first_message_only,
    funded_place_echoed,
    has_passed_as_string,
    lenient_since,
    no_cache_control,
    on_records,
    only_bearer,
    paid_is_eligible_for_payment,
    participant_before_accept,
    rename_reason,
    schedule_missing_422,
    siblings_kept,
    stored_eligibility,
    underscored_state,
)
from tests.contract_tests.faults import UUID, middleware

LIST_APPS = rf"{APPS}(/{UUID})?"
DOT_REASON = "quality-of-programme-structure-not-suitable"
DECL_VIEWS = rf"{DECLS}(/{UUID}(/void)?)?"
VOID = rf"{DECLS}/{UUID}/void"
FUNDED_PLACE = rf"{APPS}/{UUID}/change-funded-place"


def _void_kept_submitted(rec: dict, attrs: dict) -> None:
    attrs["state"], attrs["voided"] = "submitted", False


# Regressions of the business rules and views a DfE release could plausibly ship.
RULE_FAULTS = [
    Fault("has_passed_as_string", on_records(DECL_VIEWS, has_passed_as_string), "test_r106", "R-106"),
    Fault("state_with_underscores", on_records(DECL_VIEWS, underscored_state), "test_r26_r29_r107", "R-26"),
    Fault(
        "paid_eligible_for_payment", on_records(DECL_VIEWS, paid_is_eligible_for_payment), "test_r26", "R-26"
    ),
    Fault(
        "previously_funded_ignored", on_records(LIST_APPS, stored_eligibility, "GET"), "test_r40_prev", "R-40"
    ),
    Fault("catchment_as_string", on_records(LIST_APPS, catchment_as_string), "catchment", "§3.3"),
    Fault("cohort_as_integer", on_records(rf"{APPS}.*", cohort_as_integer), "test_r24", "R-24"),
    Fault(
        "duplicate_trn_eligible", on_records(DECLS, duplicate_trn_eligible, "POST"), "test_r104_dup", "R-104"
    ),
    Fault("participant_before_accept", middleware(participant_before_accept), "test_r70", "R-70"),
    Fault("siblings_not_rejected", middleware(siblings_kept), "test_r57_siblings_own", "R-57"),
    Fault(
        "reject_accepted_allowed",
        _replace_error(rf"{APPS}/{UUID}/reject", "POST", "Once accepted", _show_instead("npq-applications")),
        "test_r61",
        "R-61",
    ),
    Fault(
        "withdraw_reason_without_dot_accepted",
        _env(rename_reason(DOT_REASON, DOT_REASON + ".")),
        "test_r78_withdraw_reason",
        "R-78",
    ),
    Fault(
        "withdraw_reason_with_dot_refused",
        _env(rename_reason(DOT_REASON + ".", DOT_REASON)),
        "test_r78_withdraw_dotted",
        "R-78",
    ),
    Fault(
        "defer_without_declarations",
        _replace_error(rf"{PARTS}/{UUID}/defer", "PUT", "no declarations", _show_instead("participants/npq")),
        "test_r76_defer_needs",
        "R-76",
    ),
    Fault(
        "resume_from_active",
        _replace_error(rf"{PARTS}/{UUID}/resume", "PUT", "already active", _show_instead("participants/npq")),
        "test_r76_r77",
        "R-77",
    ),
    Fault("declaration_create_201", _status(DECLS, "POST", "201 CREATED"), "test_r104_create", "R-104"),
    Fault("cache_control_missing", _headers(no_cache_control), "test_r20", "R-20"),
    Fault("token_scheme_refused", _env(only_bearer), "test_r10", "R-10"),
    Fault("since_positive_offset_accepted", _query(r"/api/v1/.*", lenient_since), "test_r37_offsets", "R-37"),
    Fault("schedule_missing_422", middleware(schedule_missing_422), "test_r55", "R-55"),
    Fault("uncapped_funded_place_stored", middleware(funded_place_echoed), "test_r50_uncapped", "R-50"),
    Fault(
        "funded_place_uncapped_allowed",
        _replace_error(FUNDED_PLACE, "PUT", "Leave the", _show_instead("npq-applications")),
        "test_r68",
        "R-68",
    ),
    Fault(
        "funded_place_ignores_declarations",
        _replace_error(
            FUNDED_PLACE, "PUT", "declarations have been submitted", _show_instead("npq-applications")
        ),
        "test_r69",
        "R-69",
    ),
    Fault(
        "declaration_without_contract",
        _replace_error(DECLS, "POST", "do not have a contract", _fake_declaration),
        "test_r89",
        "R-89",
    ),
    Fault(
        "closed_cohort_ignored",
        _replace_error(DECLS, "POST", "funding contract for this cohort has ended", _fake_declaration),
        "test_r100",
        "R-100",
    ),
    Fault(
        "capped_to_uncapped_allowed",
        _replace_error(
            rf"{PARTS}/{UUID}/change-schedule",
            "PUT",
            "from one with a funding cap",
            _show_instead("participants/npq"),
        ),
        "test_r97",
        "R-97",
    ),
    Fault(
        "clawback_message_wrong",
        _body_edit(
            detail_swap(
                "The declaration will or has been be refunded.",
                "The declaration must be paid before it can be clawed back.",
            ),
            lambda env: True,
        ),
        "test_r111_refunded",
        "R-111",
    ),
    # Sandbox mode (no testing API): the journey for a found participant must catch it.
    Fault(
        "void_leaves_found_declaration_submitted",
        _attrs(_void_kept_submitted, _on(VOID, "PUT")),
        "found",
        "R-109",
        sandbox=True,
    ),
    Fault(
        "missing_member_one_message", _body_edit(first_message_only, lambda env: True), "test_r116", "R-116"
    ),
]
