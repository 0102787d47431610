"""The OpenAPI response net (spec_validation.py) refuses what the documents do not allow."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask, Response

from npq_lead_provider_kit.resources import TESTING_API_SPEC, V1_SPEC, V2_SPEC, V3_SPEC, openapi_path
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
    found = validator.match("GET", "/api/v1/participants/npq/outcomes")
    assert found is not None and found.operation_id == "listOutcomes"
    found = validator.match("GET", f"/api/v1/participants/npq/{DECLARATION_ID}")
    assert found is not None and found.operation_id == "getParticipant"
    assert found.template == "/api/v1/participants/npq/{id}"
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


# --- deliberately wrong responses: each must be named by document, operation and problem ---------------


def violation_text(
    validator: SpecValidator, method: str, path: str, status: int, media: str, body: bytes
) -> str:
    found = validator.violations(method, path, status, media, body)
    assert len(found) == 1, f"expected one violation, got {found}"
    return found[0].message(path)


@pytest.mark.parametrize(
    ("method", "path", "status", "media", "body", "document", "operation", "problem"),
    [
        pytest.param(
            "GET", f"{DECLARATIONS}/{DECLARATION_ID}", 200, "application/json", b"[]",
            "npq-lead-provider-v1.yaml", "GET /api/v1/participant-declarations/{id} (getDeclaration)",
            "at /: [] is not of type 'object'", id="wrong-body-shape",
        ),
        pytest.param(
            "GET", f"{DECLARATIONS}/{DECLARATION_ID}", 200, "application/json", b"",
            "npq-lead-provider-v1.yaml", "(getDeclaration)", "the body is not JSON", id="empty-json-body",
        ),
        pytest.param(
            "GET", f"{DECLARATIONS}/{DECLARATION_ID}", 200, "text/html", b"<p>hi</p>",
            "npq-lead-provider-v1.yaml", "(getDeclaration)",
            "content type text/html is not documented (application/json)", id="wrong-content-type",
        ),
        pytest.param(
            "GET", f"{DECLARATIONS}/{DECLARATION_ID}", 500, "application/json", b"{}",
            "npq-lead-provider-v1.yaml", "(getDeclaration)",
            "status 500 is not documented for this operation", id="wrong-status",
        ),
        pytest.param(
            "GET", "/api/v1/npq-applications/x.csv", 404, "text/csv", b"id\n1\n",
            "npq-lead-provider-v1.yaml", "(getApplication)",
            "is expected to be empty [value \"id\\n1\\n\"; failed 'maxLength'", id="csv-404-must-be-empty",
        ),
        pytest.param(
            "GET", "/api/v2/npq-enrolments.csv", 200, "application/json", b"[]",
            "npq-lead-provider-v2.yaml", "GET /api/v2/npq-enrolments.csv",
            "content type application/json is not documented (text/csv)", id="v2-csv-as-json",
        ),
        pytest.param(
            "GET", "/api/v3/participants/npq", 200, "application/json", b'{"data": {}}',
            "npq-lead-provider-v3.yaml", "GET /api/v3/participants/npq (", "at /data:",
            id="v3-list-not-a-list",
        ),
        pytest.param(
            "GET", "/api/v3/nope", 404, "application/json", b'{"errors": []}',
            "npq-lead-provider-v3.yaml", "GET /api/v3/nope (<routing miss>)",
            "'error' is a required property",
            id="routing-miss-wrong-envelope",
        ),
        pytest.param(
            "GET", "/__mock__/clock", 200, "application/json", b'{"now": 5}',
            "npq-mock-testing-api.yaml", "GET /__mock__/clock (", "at /now:", id="testing-api-wrong-type",
        ),
    ],
)
def test_a_wrong_response_is_a_violation_naming_document_operation_and_problem(
    validator: SpecValidator,
    method: str,
    path: str,
    status: int,
    media: str,
    body: bytes,
    document: str,
    operation: str,
    problem: str,
) -> None:
    text = violation_text(validator, method, path, status, media, body)
    assert f"does not conform to openapi/{document}" in text
    assert operation in text
    assert problem in text


def test_empty_and_text_bodies_pass_when_the_document_allows_them(validator: SpecValidator) -> None:
    # openapi-core alone calls any empty body "missing data"; an empty CSV is a valid `type: string` body.
    assert problems(validator, "GET", "/api/v1/npq-applications/x.csv", 404, "text/csv", b"") == ""
    assert problems(validator, "GET", "/api/v1/participant-declarations.csv", 200, "text/csv", b"") == ""
    yaml_path = "/__mock__/openapi/npq-lead-provider-v1.yaml"
    assert problems(validator, "GET", yaml_path, 200, "application/yaml", b"openapi: 3.0.3\n") == ""


def test_a_body_where_the_document_says_none_is_refused(tmp_path: Path) -> None:
    """No response of the kit's documents lacks `content` today; a copy with one shows the check works."""
    for name in (V1_SPEC, V2_SPEC, V3_SPEC, TESTING_API_SPEC):
        shutil.copy(openapi_path().parent / name, tmp_path / name)
    document = yaml.safe_load((tmp_path / V1_SPEC).read_text(encoding="utf-8"))
    responses = document["paths"]["/api/v1/participant-declarations/{id}"]["get"]["responses"]
    responses["204"] = {"description": "Nothing to say."}
    (tmp_path / V1_SPEC).write_text(yaml.safe_dump(document), encoding="utf-8")
    validator = SpecValidator(tmp_path)
    path = f"{DECLARATIONS}/{DECLARATION_ID}"
    assert problems(validator, "GET", path, 204, "", b"") == ""
    text = violation_text(validator, "GET", path, 204, "application/json", b'{"x": 1}')
    assert "openapi/npq-lead-provider-v1.yaml" in text and "(getDeclaration)" in text
    assert 'the document says no body, got "{\\"x\\": 1}"' in text


def test_known_issues_are_tolerated_counted_and_summarised(validator: SpecValidator) -> None:
    before = validator.tolerated.copy()
    validator.check("GET", "/api/v3/npq-applications.csv", 200, "application/json", b'{"data": []}')
    assert sum(validator.tolerated.values()) == sum(before.values()) + 1
    assert "V-05" in validator.summary()
    miss = r"(?s)npq-lead-provider-v3\.yaml.*<routing miss>.*must answer 404"
    with pytest.raises(SpecViolation, match=miss):
        validator.check("GET", "/api/v3/npq-applications.json", 200, "application/json", b'{"data": []}')
