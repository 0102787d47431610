"""Faults of v2/v3 servers: each breaks one v2/v3 rule (reference npq-v2-v3-behaviour.md), and the suite run
with that --api-version must name it."""

from __future__ import annotations

from typing import Any

from tests.contract_tests.catalogue import Fault, _attrs, _on, _query, _uuid_in
from tests.contract_tests.faults import (
    UUID,
    WSGIApp,
    call,
    edit_json,
    json_response,
    middleware,
    path_is,
    records,
    request_json,
    with_query,
)

V3 = "/api/v3"
V3_DECLS = rf"{V3}/participant-declarations"


def _retired_404(app: WSGIApp, environ: dict) -> Any:
    """A retired participant id answered 404 (as v1/v2 do) instead of v3's 410 (V-53)."""
    status, headers, body = call(app, environ)
    if path_is(environ, rf"{V3}/participants/npq/{UUID}(/outcomes)?", "GET") and status.startswith("410"):
        return json_response("404 NOT FOUND", {"error": "Resource not found"})
    return status, headers, body


def _void_by_anyone(app: WSGIApp, environ: dict) -> Any:
    """Another provider's void of a declaration succeeds (no 403, V-52)."""
    resp = call(app, environ)
    if not (path_is(environ, rf"{V3_DECLS}/{UUID}/void", "PUT") and resp[0].startswith("403")):
        return resp
    shown = call(app, request_json("GET", f"{V3_DECLS}/{_uuid_in(environ['PATH_INFO'])}", environ))

    def voided(payload: Any) -> Any:
        for rec in records(payload):
            rec["attributes"]["state"] = "voided"
        return payload

    return edit_json(shown, voided)


def _v3_csv_as_csv(app: WSGIApp, environ: dict) -> Any:
    """v3 `.csv` URLs answer CSV (v1's export) instead of the JSON list (V-05)."""
    if path_is(environ, rf"{V3}/.*\.csv", "GET"):
        environ = dict(environ, PATH_INFO=environ["PATH_INFO"].replace(V3, "/api/v1", 1))
    return call(app, environ)


def _v1_declarations(app: WSGIApp, environ: dict) -> Any:
    """v3 declarations served in the v1 shape (V-18)."""
    if path_is(environ, rf"{V3_DECLS}(/{UUID})?(/void)?"):
        environ = dict(environ, PATH_INFO=environ["PATH_INFO"].replace(V3, "/api/v1", 1))
    return call(app, environ)


def _loose_training_status(app: WSGIApp, environ: dict) -> Any:
    """filter[training_status] read case-insensitively, unknown values ignored (no 422, V-35)."""

    def edit(query: list[tuple[str, str]]) -> list[tuple[str, str]]:
        out = []
        for key, value in query:
            if key == "filter[training_status]":
                value = value.lower()
                if value not in ("active", "deferred", "withdrawn"):
                    continue
            out.append((key, value))
        return out

    return call(app, with_query(environ, edit) if path_is(environ, rf"{V3}/participants/npq") else environ)


def _v2_enrolments_all(app: WSGIApp, environ: dict) -> Any:
    """The v2 enrolments CSV drops its header when no row matches (V-25: header always)."""
    status, headers, body = call(app, environ)
    if path_is(environ, r"/api/v2/npq-enrolments\.csv", "GET") and body.count(b"\n") <= 1:
        body = b""
    return status, headers, body


V3_FAULTS = [
    Fault(
        "v3_declaration_without_delivery_partner",
        _attrs(lambda r, a: a.pop("delivery_partner_id", None), _on(rf"{V3_DECLS}(/{UUID})?", "GET")),
        "test_representation_fields",
        "§2",
        version="v3",
    ),
    Fault("v3_retired_id_404", middleware(_retired_404), "test_v53", "V-53", version="v3"),
    Fault(
        "v3_sort_ignored",
        _query(rf"{V3}/.*", lambda q: [(k, v) for k, v in q if k != "sort"]),
        "test_v33",
        "V-33",
        version="v3",
    ),
    Fault("v3_void_by_non_creator", middleware(_void_by_anyone), "test_v52", "V-52", version="v3"),
    Fault("v3_csv_answers_csv", middleware(_v3_csv_as_csv), "test_v05", "V-05", version="v3"),
    Fault(
        "v3_v1_shaped_declarations",
        middleware(_v1_declarations),
        "test_representation_fields",
        "§2",
        version="v3",
    ),
    Fault(
        "v3_training_status_loose",
        middleware(_loose_training_status),
        "test_v35_training_status_invalid",
        "V-35",
        version="v3",
    ),
    Fault("v2_enrolments_header_dropped", middleware(_v2_enrolments_all), "test_v77", "V-77", version="v2"),
]
