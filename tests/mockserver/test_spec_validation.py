"""The OpenAPI response net (spec_validation.py) refuses what the documents do not allow."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from flask import Flask, Response

from tests.mockserver.spec_validation import (
    KNOWN_ISSUES,
    VALIDATOR,
    SpecValidator,
    SpecViolation,
    ValidatingClient,
    validating,
)

DECLARATIONS = "/api/v1/participant-declarations"
DECLARATION_ID = "4ccd9937-1a73-4b11-81e6-259f5bd3ca9d"
DECLARATION: dict[str, Any] = {
    "data": {
        "id": DECLARATION_ID,
        "type": "participant-declaration",
        "attributes": {
            "participant_id": "7a8fef46-3c43-42c0-b3d5-1ba5904ba562",
            "declaration_type": "started",
            "course_identifier": "npq-senior-leadership",
            "declaration_date": "2024-10-01T09:00:00Z",
            "state": "eligible",
            "has_passed": None,
            "voided": False,
            "eligible_for_payment": True,
            "updated_at": "2024-10-02T10:15:00Z",
        },
    }
}


def declaration(**attributes: Any) -> bytes:
    body = copy.deepcopy(DECLARATION)
    body["data"]["attributes"].update(attributes)
    return json.dumps(body).encode()


@pytest.fixture(scope="module")
def validator() -> SpecValidator:
    return SpecValidator()  # a private instance: the shared VALIDATOR's counters stay the suite's


def problems(validator: SpecValidator, method: str, path: str, status: int, media: str, body: bytes) -> str:
    return "\n".join(v.message(path) for v in validator.violations(method, path, status, media, body))


def test_a_conforming_declaration_passes(validator: SpecValidator) -> None:
    # `has_passed: null` is allowed through OAS 3.0 `nullable`.
    assert (
        problems(validator, "GET", f"{DECLARATIONS}/{DECLARATION_ID}", 200, "application/json", declaration())
        == ""
    )
    assert (
        problems(
            validator,
            "POST",
            DECLARATIONS,
            200,
            "application/json; charset=utf-8",
            declaration(has_passed=True),
        )
        == ""
    )


def test_a_wrong_type_is_refused_with_operation_pointer_and_value(validator: SpecValidator) -> None:
    text = problems(validator, "POST", DECLARATIONS, 200, "application/json", declaration(has_passed="yes"))
    assert "POST /api/v1/participant-declarations (createDeclaration)" in text
    assert "status:    200" in text
    assert "at /data/attributes/has_passed: 'yes' is not of type 'boolean'" in text
    assert "npq-lead-provider-v1.yaml#/paths/" in text


def test_formats_and_enums_are_checked(validator: SpecValidator) -> None:
    path = f"{DECLARATIONS}/{DECLARATION_ID}"
    assert "at /data/id:" in problems(
        validator,
        "GET",
        path,
        200,
        "application/json",
        json.dumps({**DECLARATION, "data": {**DECLARATION["data"], "id": "not-a-uuid"}}).encode(),
    )
    assert "at /data/attributes/updated_at:" in problems(
        validator, "GET", path, 200, "application/json", declaration(updated_at="yesterday")
    )
    assert "at /data/attributes/state:" in problems(
        validator, "GET", path, 200, "application/json", declaration(state="lost")
    )


def test_an_undocumented_status_is_refused(validator: SpecValidator) -> None:
    text = problems(
        validator,
        "GET",
        f"{DECLARATIONS}/{DECLARATION_ID}",
        422,
        "application/json",
        b'{"errors":[{"title":"x","detail":"y"}]}',
    )
    assert "status 422 is not documented for this operation (documented: 200, 401, 404)" in text


def test_an_undocumented_content_type_is_refused(validator: SpecValidator) -> None:
    text = problems(validator, "GET", "/api/v1/npq-applications.csv", 200, "application/json", b"[]")
    assert "content type application/json is not documented (text/csv)" in text
    assert problems(validator, "GET", "/api/v1/npq-applications.csv", 200, "text/csv", b"id\n") == ""
    assert "the body is not JSON" in problems(
        validator, "GET", f"{DECLARATIONS}/{DECLARATION_ID}", 404, "application/json", b"oops"
    )


def test_routing_misses_must_be_the_not_found_envelope(validator: SpecValidator) -> None:
    ok = b'{"error": "Resource not found"}'
    assert problems(validator, "GET", "/api/v1/nope", 404, "application/json", ok) == ""
    assert problems(validator, "DELETE", "/api/v1/participants/npq", 404, "application/json", ok) == ""
    assert "'error' is a required property" in problems(
        validator, "GET", "/api/v1/nope", 404, "application/json", b"{}"
    )
    assert "must answer 404" in problems(validator, "GET", "/api/v1/nope", 200, "application/json", ok)
    assert "must answer application/json" in problems(validator, "GET", "/api/v1/nope", 404, "text/html", ok)


def test_literal_paths_win_over_templates(validator: SpecValidator) -> None:
    route, operation = validator.match("GET", "/api/v1/participants/npq/outcomes") or (None, {})
    assert operation["operationId"] == "listOutcomes"
    route, operation = validator.match("GET", f"/api/v1/participants/npq/{DECLARATION_ID}") or (None, {})
    assert operation["operationId"] == "getParticipant"
    assert validator.match("GET", "/api/v1/participant-declarations/x/void") is None  # PUT only


def test_the_testing_api_document_and_its_refs_into_v1(validator: SpecValidator) -> None:
    path = f"/__mock__/declarations/{DECLARATION_ID}/state"
    assert problems(validator, "PUT", path, 200, "application/json", declaration()) == ""
    text = problems(validator, "PUT", path, 200, "application/json", declaration(has_passed="yes"))
    assert "npq-mock-testing-api.yaml" in text and "/data/attributes/has_passed" in text
    assert "status 500 is not documented" in problems(
        validator, "PUT", "/__mock__/clock", 500, "application/json", b"{}"
    )
    assert "/now" in problems(validator, "PUT", "/__mock__/clock", 200, "application/json", b'{"now": 5}')


def test_the_client_hook_fails_the_request_that_breaks_the_document() -> None:
    """End to end through ValidatingClient, on a stand-in app (the mock itself is never altered)."""
    app = validating(Flask("stand-in"))

    @app.get("/api/v1/participant-declarations/<declaration_id>")
    def show(declaration_id: str) -> Response:
        return Response(declaration(has_passed="yes"), mimetype="application/json")

    client = app.test_client()
    assert isinstance(client, ValidatingClient)
    before = sum(VALIDATOR.validated.values())
    with pytest.raises(SpecViolation, match=r"(?s)getDeclaration.*has_passed: 'yes' is not of type"):
        client.get(f"{DECLARATIONS}/{DECLARATION_ID}")
    assert sum(VALIDATOR.validated.values()) == before + 1


def test_known_issues_are_narrow() -> None:
    """Each tolerated mismatch names one operation and status and a specific problem, with a reason."""
    for issue in KNOWN_ISSUES:
        assert issue.method and issue.path.startswith("/") and 100 <= issue.status <= 599
        assert issue.detail and issue.reason
