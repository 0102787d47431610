"""The faults themselves, one per broken rule (see catalogue.py for the building blocks)."""

from __future__ import annotations

from tests.contract_tests.catalogue import (
    APPS,
    DECLS,
    Fault,
    _attrs,
    _body_edit,
    _cap_at_1000,
    _cap_refused,
    _crash,
    _csv_drop_column,
    _default_page_50,
    _drop,
    _env,
    _fake_declaration,
    _headers,
    _leak,
    _no_auth_needed,
    _on,
    _outcomes_hide_voided,
    _past_stamp,
    _query,
    _replace_error,
    _retype,
    _show_instead,
    _status,
    _void_noop,
)
from tests.contract_tests.faults import UUID, middleware

LIST_APPS = rf"{APPS}(/{UUID})?"


def _rename_404(payload: object) -> object:
    return {"error": "Not found"} if payload == {"error": "Resource not found"} else payload


def _reshape_422(payload: object) -> object:
    if isinstance(payload, dict) and isinstance(payload.get("errors"), list):
        return {
            "errors": [{"attribute": e.get("title"), "message": e.get("detail")} for e in payload["errors"]]
        }
    return payload


def _rename_401(payload: object) -> object:
    return {"error": "Unauthorized"} if payload == {"error": "HTTP Token: Access denied"} else payload


FAULTS = [
    Fault(
        "schema_missing_field",
        _attrs(lambda r, a: a.pop("email", None), _on(LIST_APPS, "GET")),
        "test_operation_conforms",
        "CONFORMANCE",
    ),
    Fault(
        "schema_wrong_type",
        _attrs(lambda r, a: a.update(voided=str(a.get("voided")).lower()), _on(rf"{DECLS}(/{UUID})?", "GET")),
        "test_operation_conforms",
        "CONFORMANCE",
    ),
    Fault(
        "schema_wrong_enum",
        _attrs(lambda r, a: a.update(status=str(a.get("status")).upper()), _on(LIST_APPS, "GET")),
        "test_operation_conforms",
        "CONFORMANCE",
    ),
    Fault(
        "wrong_type_name",
        _attrs(lambda r, a: r.update(type="npq-application"), _on(LIST_APPS, "GET")),
        "test_r21_r22_envelope",
        "R-21",
    ),
    Fault(
        "status_201_on_accept",
        _status(rf"{APPS}/{UUID}/accept", "POST", "201 CREATED"),
        "test_r56_accept_pending",
        "R-56",
    ),
    Fault("error_body_404", _body_edit(_rename_404, lambda env: True), "test_r15", "R-15"),
    Fault("error_body_422_shape", _body_edit(_reshape_422, lambda env: True), "test_r51", "R-51"),
    Fault("error_body_401", _body_edit(_rename_401, lambda env: True), "test_r12_missing_token", "R-12"),
    Fault(
        "csv_content_type",
        _headers(lambda env, h: _retype(env, h, rf"{APPS}\.csv", "text/plain")),
        "test_r30_applications_csv",
        "R-30",
    ),
    Fault(
        "json_content_type",
        _headers(lambda env, h: _retype(env, h, rf"{DECLS}", "text/html")),
        "test_r21_r22_envelope",
        "R-21",
    ),
    Fault("auth_bypass", _env(_no_auth_needed), "test_r12_missing_token", "R-12"),
    Fault("cross_provider_leak", middleware(_leak), "test_r15_cross_provider", "R-15"),
    Fault(
        "accept_twice_allowed",
        _replace_error(
            rf"{APPS}/{UUID}/accept", "POST", "already been accepted", _show_instead("npq-applications")
        ),
        "test_r51",
        "R-51",
    ),
    Fault(
        "declare_for_pending",
        _replace_error(DECLS, "POST", "is not recognised", _fake_declaration),
        "test_r81",
        "R-81",
    ),
    Fault("void_changes_nothing", middleware(_void_noop), "test_r109_r110", "R-110"),
    Fault(
        "duplicate_declarations",
        _replace_error(DECLS, "POST", "already been submitted", _fake_declaration),
        "test_r102",
        "R-102",
    ),
    Fault(
        "pagination_default_50", _query(r"/api/v1/.*", _default_page_50), "test_r33_default_and_cap", "R-33"
    ),
    Fault("pagination_cap_refused", middleware(_cap_refused), "test_r33_default_and_cap", "R-33"),
    Fault(
        "pagination_cap_1000",
        _query(r"/api/v1/npq-applications$", _cap_at_1000),
        "test_r33_cap_is_exactly",
        "R-33",
        quick=False,
    ),
    Fault("filter_cohort_ignored", _query(r"/api/v1/.*", _drop("filter[cohort]")), "test_r36", "R-36"),
    Fault(
        "filter_updated_since_ignored",
        _query(r"/api/v1/.*", _drop("filter[updated_since]")),
        "test_r38_since_is_exact",
        "R-38",
    ),
    Fault(
        "filter_created_since_ignored",
        _query(r"/api/v1/.*", _drop("filter[created_since]")),
        "test_r38_since_is_exact",
        "R-38",
    ),
    Fault(
        "filter_participant_id_ignored",
        _query(r"/api/v1/.*", _drop("filter[participant_id]")),
        "test_r39",
        "R-39",
    ),
    Fault("timestamps_do_not_move", _env(_past_stamp), "test_r58_change_moves_record", "R-58"),
    Fault("csv_missing_column", middleware(_csv_drop_column), "test_r30_applications_csv", "R-30"),
    Fault("server_error_5xx", middleware(_crash), "test_operation_conforms", "CONFORMANCE"),
    Fault("voided_outcome_missing", middleware(_outcomes_hide_voided), "test_r112", "R-112"),
    Fault(
        "withdraw_without_started",
        _replace_error(
            r"/api/v1/participants/npq/.*/withdraw",
            "PUT",
            "not got a started declaration",
            _show_instead("participants/npq"),
        ),
        "test_r78_withdraw_needs_started",
        "R-78",
    ),
]

from tests.contract_tests.fault_list_rules import RULE_FAULTS  # noqa: E402
from tests.contract_tests.fault_list_v3 import V3_FAULTS  # noqa: E402

FAULTS += RULE_FAULTS + V3_FAULTS
