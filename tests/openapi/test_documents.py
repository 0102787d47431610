"""The kit's OpenAPI documents: validity, agreement with DfE's v1 document, and per-operation metadata."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from npq_lead_provider_kit.resources import TESTING_API_SPEC, V1_SPEC, openapi_dir, openapi_path

from ._support import inline, mock_testing_api, operations, v1

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
UPSTREAM = SHARED / "reference" / "upstream-npq-v1-swagger.yaml"
SPEC_DIFF = SHARED / "tools" / "spec_diff.py"
ALLOW_FILE = openapi_dir() / "upstream-deviations.txt"

needs_shared = pytest.mark.skipif(
    not (UPSTREAM.is_file() and SPEC_DIFF.is_file()),
    reason=f"DfE's v1 document and spec_diff.py live outside the repository ({SHARED}); not in this checkout",
)


@pytest.mark.parametrize("name", [V1_SPEC, TESTING_API_SPEC])
def test_document_is_valid_openapi(name):
    path = openapi_path(name)
    spec, base_uri = read_from_filename(str(path))
    assert spec["openapi"].startswith("3.0.")
    validate(spec, base_uri=base_uri)


def test_v1_document_has_servers_and_description():
    doc = v1()
    assert doc["servers"] and doc["servers"][0]["url"].startswith("http")
    assert "real" in doc["info"]["description"].lower()


def _run_spec_diff(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SPEC_DIFF), str(UPSTREAM), str(openapi_path()), "--prefix", "/api/v1", *extra],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )


@needs_shared
def test_spec_diff_reports_no_errors_with_the_allow_file():
    result = _run_spec_diff("--allow", str(ALLOW_FILE))
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout + result.stderr
    match = re.match(r"spec_diff: (\d+) errors, (\d+) allowed, (\d+) infos over (\d+) operations", summary)
    assert match, summary
    assert match.group(1) == "0"
    assert match.group(4) == "20"


def _allow_entries() -> list[tuple[int, str, list[str]]]:
    """(line number, pattern, comment lines directly above it) for each pattern of the allow file."""
    entries, comments = [], []
    for number, raw in enumerate(ALLOW_FILE.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            comments = []
        elif line.startswith("#"):
            comments.append(line)
        else:
            entries.append((number, line, comments))
            comments = []
    return entries


def test_every_allowed_deviation_has_a_reason():
    entries = _allow_entries()
    assert entries, "the allow file lists no deviations"
    for number, pattern, comments in entries:
        assert comments, f"line {number} ({pattern!r}) has no '#' reason above it"
        reason = " ".join(comments)
        assert re.search(r"R-\d+|§10\.\d+|§\d", reason), f"line {number}: the reason cites no rule: {reason}"


@needs_shared
def test_every_allowed_deviation_is_used():
    result = _run_spec_diff()
    findings = [line for line in result.stdout.splitlines() if line.startswith("error")]
    assert findings, "without the allow file spec_diff should report the deliberate deviations"
    for number, pattern, _ in _allow_entries():
        assert any(pattern in finding for finding in findings), (
            f"allow-file line {number} is stale: {pattern!r}"
        )


@pytest.mark.parametrize("name", [V1_SPEC, TESTING_API_SPEC])
def test_operations_have_unique_ids_summaries_and_tags(name):
    doc = v1() if name == V1_SPEC else mock_testing_api()
    seen = set()
    for path, method, op in operations(doc):
        label = f"{method.upper()} {path}"
        op_id = op.get("operationId")
        assert op_id and re.fullmatch(r"[a-z][a-zA-Z0-9]+", op_id), f"{label}: operationId {op_id!r}"
        assert op_id not in seen, f"{label}: duplicate operationId {op_id}"
        seen.add(op_id)
        assert op.get("summary"), f"{label}: no summary"
        assert op.get("tags"), f"{label}: no tags"


EXPECTED_OPERATION_IDS = {
    ("get", "/api/v1/npq-applications"): "listApplications",
    ("get", "/api/v1/npq-applications.csv"): "listApplicationsCsv",
    ("get", "/api/v1/npq-applications/{id}"): "getApplication",
    ("post", "/api/v1/npq-applications/{id}/accept"): "acceptApplication",
    ("post", "/api/v1/npq-applications/{id}/reject"): "rejectApplication",
    ("put", "/api/v1/npq-applications/{id}/change-funded-place"): "changeApplicationFundedPlace",
    ("get", "/api/v1/participants/npq"): "listParticipants",
    ("get", "/api/v1/participants/npq/{id}"): "getParticipant",
    ("put", "/api/v1/participants/npq/{id}/defer"): "deferParticipant",
    ("put", "/api/v1/participants/npq/{id}/resume"): "resumeParticipant",
    ("put", "/api/v1/participants/npq/{id}/withdraw"): "withdrawParticipant",
    ("put", "/api/v1/participants/npq/{id}/change-schedule"): "changeParticipantSchedule",
    ("get", "/api/v1/participants/npq/outcomes"): "listOutcomes",
    ("get", "/api/v1/participants/npq/{id}/outcomes"): "listParticipantOutcomes",
    ("post", "/api/v1/participants/npq/{id}/outcomes"): "createParticipantOutcome",
    ("get", "/api/v1/participant-declarations"): "listDeclarations",
    ("get", "/api/v1/participant-declarations.csv"): "listDeclarationsCsv",
    ("get", "/api/v1/participant-declarations/{id}"): "getDeclaration",
    ("post", "/api/v1/participant-declarations"): "createDeclaration",
    ("put", "/api/v1/participant-declarations/{id}/void"): "voidDeclaration",
}


def test_v1_operations_are_exactly_the_twenty_with_stable_ids():
    found = {(method, path): op["operationId"] for path, method, op in operations(v1())}
    assert found == EXPECTED_OPERATION_IDS


def test_every_v1_operation_requires_the_bearer_token_and_documents_a_json_401():
    doc = v1()
    schemes = doc["components"]["securitySchemes"]
    for path, method, op in operations(doc):
        label = f"{method.upper()} {path}"
        security = op.get("security", doc.get("security"))
        assert security, f"{label}: no security requirement"
        for requirement in security:
            assert requirement, f"{label}: an empty requirement makes the token optional"
            for name in requirement:
                assert schemes[name]["type"] == "http" and schemes[name]["scheme"] == "bearer", label
        response = inline(op["responses"].get("401"))
        assert response, f"{label}: no 401"
        assert list(response["content"]) == ["application/json"], f"{label}: 401 must be JSON only (R-12)"
        schema = response["content"]["application/json"]["schema"]
        assert schema["required"] == ["error"], label


def test_writes_answer_200_never_201():
    for path, method, op in operations(v1()):
        if method != "get":
            assert "200" in op["responses"], path
            assert "201" not in op["responses"], path


def test_response_content_types():
    for path, _method, op in operations(v1()):
        ok = op["responses"]["200"]["content"]
        if path.endswith(".csv"):
            assert list(ok) == ["text/csv"], path
            assert inline(ok["text/csv"]["schema"])["type"] == "string", path
        else:
            assert list(ok) == ["application/json"], path
        for status, response in op["responses"].items():
            if status == "404":
                # a record URL with a `.csv` extension answers its 404 with an empty non-JSON body.
                assert list(inline(response)["content"]) == ["application/json", "text/csv"], path
            elif status != "200":
                assert list(inline(response)["content"]) == ["application/json"], f"{path} {status}"


def test_reject_and_void_document_422_and_lists_document_400():
    doc = v1()
    assert "422" in doc["paths"]["/api/v1/npq-applications/{id}/reject"]["post"]["responses"]
    assert "422" in doc["paths"]["/api/v1/participant-declarations/{id}/void"]["put"]["responses"]
    for path, method, op in operations(doc):
        if method == "get" and (
            any(p.get("$ref", "").endswith("/page") for p in op.get("parameters", []))
            or any(p.get("name") == "filter" for p in op.get("parameters", []))
        ):
            assert "400" in op["responses"], path


def test_no_request_schema_forbids_unknown_attributes():
    def walk(node, where):
        if isinstance(node, dict):
            assert node.get("additionalProperties", True) is not False, f"{where}: additionalProperties false"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    doc = v1()
    for path, method, op in operations(doc):
        if "requestBody" in op:
            walk(inline(op["requestBody"]), f"{method.upper()} {path}")
    for path, method, op in operations(mock_testing_api()):
        if "requestBody" in op:
            walk(inline(op["requestBody"], TESTING_API_SPEC), f"{method.upper()} {path}")
