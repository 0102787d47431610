"""The kit's OpenAPI documents: validity, agreement with DfE's documents, and per-operation metadata.

Every check on the lead provider API runs for each version's document (v1 hand-written, v2 and v3 built from
openapi/src)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from npq_lead_provider_kit.resources import API_SPECS, TESTING_API_SPEC, openapi_dir, openapi_path

from ._support import VERSIONS, api, inline, load, operations

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED = REPO_ROOT.parent / "shared"
SPEC_DIFF = SHARED / "tools" / "spec_diff.py"
ALLOW_FILES = {
    "v1": openapi_dir() / "upstream-deviations.txt",
    "v2": openapi_dir() / "upstream-deviations-v2.txt",
    "v3": openapi_dir() / "upstream-deviations-v3.txt",
}
# Operations DfE's document of each version lists (v3's lacks GET /delivery-partners/{id}, §5.1.1).
UPSTREAM_OPERATIONS = {"v1": 20, "v2": 21, "v3": 22}


def upstream(version: str) -> Path:
    return SHARED / "reference" / f"upstream-npq-{version}-swagger.yaml"


needs_shared = pytest.mark.skipif(
    not (all(upstream(v).is_file() for v in VERSIONS) and SPEC_DIFF.is_file()),
    reason=f"DfE's documents and spec_diff.py live outside the repository ({SHARED}); not in this checkout",
)


@pytest.mark.parametrize("name", [*API_SPECS.values(), TESTING_API_SPEC])
def test_document_is_valid_openapi(name):
    path = openapi_path(name)
    spec, base_uri = read_from_filename(str(path))
    assert spec["openapi"].startswith("3.0.")
    validate(spec, base_uri=base_uri)


@pytest.mark.parametrize("version", VERSIONS)
def test_document_has_servers_and_description(version):
    doc = api(version)
    assert doc["info"]["version"] == version
    assert doc["servers"] and doc["servers"][0]["url"].startswith("http")
    assert "real" in doc["info"]["description"].lower()


@pytest.mark.parametrize("version", VERSIONS)
def test_paths_are_full_and_belong_to_the_version(version):
    for path in api(version)["paths"]:
        assert path.startswith(f"/api/{version}/"), path


def test_openapi_path_finds_each_version():
    assert openapi_path() == openapi_path(version="v1")
    for version, name in API_SPECS.items():
        assert openapi_path(version=version).name == name
        assert openapi_path(version=version).is_file()
    with pytest.raises(ValueError):
        openapi_path(version="v4")


def _run_spec_diff(version: str, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            str(SPEC_DIFF),
            str(upstream(version)),
            str(openapi_path(version=version)),
            "--prefix",
            f"/api/{version}",
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO_ROOT,
    )


@needs_shared
@pytest.mark.parametrize("version", VERSIONS)
def test_spec_diff_reports_no_errors_with_the_allow_file(version):
    result = _run_spec_diff(version, "--allow", str(ALLOW_FILES[version]))
    summary = result.stdout.strip().splitlines()[-1]
    assert result.returncode == 0, result.stdout + result.stderr
    match = re.match(r"spec_diff: (\d+) errors, (\d+) allowed, (\d+) infos over (\d+) operations", summary)
    assert match, summary
    assert match.group(1) == "0"
    assert match.group(4) == str(UPSTREAM_OPERATIONS[version])


def _allow_entries(version: str) -> list[tuple[int, str, list[str]]]:
    """(line number, pattern, comment lines directly above it) for each pattern of the allow file."""
    entries, comments = [], []
    for number, raw in enumerate(ALLOW_FILES[version].read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            comments = []
        elif line.startswith("#"):
            comments.append(line)
        else:
            entries.append((number, line, comments))
            comments = []
    return entries


@pytest.mark.parametrize("version", VERSIONS)
def test_every_allowed_deviation_has_a_reason(version):
    entries = _allow_entries(version)
    assert entries, "the allow file lists no deviations"
    rule = r"R-\d+|§10\.\d+|§\d" if version == "v1" else r"V-\d+|VD\d+|§5\.\d\.\d+"
    for number, pattern, comments in entries:
        assert comments, f"line {number} ({pattern!r}) has no '#' reason above it"
        reason = " ".join(comments)
        assert re.search(rule, reason), f"line {number}: the reason cites no rule: {reason}"


@needs_shared
@pytest.mark.parametrize("version", VERSIONS)
def test_every_allowed_deviation_is_used(version):
    result = _run_spec_diff(version)
    findings = [line for line in result.stdout.splitlines() if line.startswith("error")]
    assert findings, "without the allow file spec_diff should report the deliberate deviations"
    for number, pattern, _ in _allow_entries(version):
        assert any(pattern in finding for finding in findings), (
            f"{ALLOW_FILES[version].name} line {number} is stale: {pattern!r}"
        )


@pytest.mark.parametrize("name", [*API_SPECS.values(), TESTING_API_SPEC])
def test_operations_have_unique_ids_summaries_and_tags(name):
    doc = load(name)
    tags = {tag["name"] for tag in doc.get("tags", [])}
    seen = set()
    for path, method, op in operations(doc):
        label = f"{method.upper()} {path}"
        op_id = op.get("operationId")
        assert op_id and re.fullmatch(r"[a-z][a-zA-Z0-9]+", op_id), f"{label}: operationId {op_id!r}"
        assert op_id not in seen, f"{label}: duplicate operationId {op_id}"
        seen.add(op_id)
        assert op.get("summary"), f"{label}: no summary"
        assert op.get("tags"), f"{label}: no tags"
        if tags:
            assert set(op["tags"]) <= tags, f"{label}: undeclared tag {op['tags']}"


V1_OPERATION_IDS = {
    ("get", "npq-applications"): "listApplications",
    ("get", "npq-applications.csv"): "listApplicationsCsv",
    ("get", "npq-applications/{id}"): "getApplication",
    ("post", "npq-applications/{id}/accept"): "acceptApplication",
    ("post", "npq-applications/{id}/reject"): "rejectApplication",
    ("put", "npq-applications/{id}/change-funded-place"): "changeApplicationFundedPlace",
    ("get", "participants/npq"): "listParticipants",
    ("get", "participants/npq/{id}"): "getParticipant",
    ("put", "participants/npq/{id}/defer"): "deferParticipant",
    ("put", "participants/npq/{id}/resume"): "resumeParticipant",
    ("put", "participants/npq/{id}/withdraw"): "withdrawParticipant",
    ("put", "participants/npq/{id}/change-schedule"): "changeParticipantSchedule",
    ("get", "participants/npq/outcomes"): "listOutcomes",
    ("get", "participants/npq/{id}/outcomes"): "listParticipantOutcomes",
    ("post", "participants/npq/{id}/outcomes"): "createParticipantOutcome",
    ("get", "participant-declarations"): "listDeclarations",
    ("get", "participant-declarations.csv"): "listDeclarationsCsv",
    ("get", "participant-declarations/{id}"): "getDeclaration",
    ("post", "participant-declarations"): "createDeclaration",
    ("put", "participant-declarations/{id}/void"): "voidDeclaration",
}
CSV = {key for key in V1_OPERATION_IDS if key[1].endswith(".csv")}
# The routes of §1 of the v2/v3 behaviour reference, with stable operationIds.
EXPECTED_OPERATION_IDS = {
    "v1": V1_OPERATION_IDS,
    "v2": {**V1_OPERATION_IDS, ("get", "npq-enrolments.csv"): "listEnrolmentsCsv"},
    "v3": {
        **{key: op_id for key, op_id in V1_OPERATION_IDS.items() if key not in CSV},
        ("put", "participant-declarations/{id}/change-delivery-partner"): "changeDeclarationDeliveryPartner",
        ("get", "statements"): "listStatements",
        ("get", "statements/{id}"): "getStatement",
        ("get", "delivery-partners"): "listDeliveryPartners",
        ("get", "delivery-partners/{id}"): "getDeliveryPartner",
    },
}


@pytest.mark.parametrize("version", VERSIONS)
def test_operations_are_exactly_the_routes_of_the_version_with_stable_ids(version):
    found = {(method, path): op["operationId"] for path, method, op in operations(api(version))}
    expected = {
        (method, f"/api/{version}/{path}"): op_id
        for (method, path), op_id in EXPECTED_OPERATION_IDS[version].items()
    }
    assert found == expected
    assert len(found) == {"v1": 20, "v2": 21, "v3": 23}[version]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_requires_the_bearer_token_and_documents_a_json_401(version):
    doc = api(version)
    name = API_SPECS[version]
    schemes = doc["components"]["securitySchemes"]
    for path, method, op in operations(doc):
        label = f"{method.upper()} {path}"
        security = op.get("security", doc.get("security"))
        assert security, f"{label}: no security requirement"
        for requirement in security:
            assert requirement, f"{label}: an empty requirement makes the token optional"
            for scheme in requirement:
                assert schemes[scheme]["type"] == "http" and schemes[scheme]["scheme"] == "bearer", label
        response = inline(op["responses"].get("401"), name)
        assert response, f"{label}: no 401"
        assert list(response["content"]) == ["application/json"], f"{label}: 401 must be JSON only (R-12)"
        schema = response["content"]["application/json"]["schema"]
        assert schema["required"] == ["error"], label


@pytest.mark.parametrize("version", VERSIONS)
def test_writes_answer_200_never_201(version):
    for path, method, op in operations(api(version)):
        if method != "get":
            assert "200" in op["responses"], path
            assert "201" not in op["responses"], path


@pytest.mark.parametrize("version", VERSIONS)
def test_response_content_types(version):
    name = API_SPECS[version]
    for path, _method, op in operations(api(version)):
        ok = op["responses"]["200"]["content"]
        if path.endswith(".csv"):
            assert list(ok) == ["text/csv"], path
            assert inline(ok["text/csv"]["schema"], name)["type"] == "string", path
        else:
            assert list(ok) == ["application/json"], path
        for status, response in op["responses"].items():
            content = list(inline(response, name)["content"])
            if status == "404" and version != "v3":
                # a record URL with a `.csv` extension answers its 404 with an empty non-JSON body.
                assert content == ["application/json", "text/csv"], path
            elif status != "200":
                # V-05: v3 has no CSV at all; a `.csv` suffix still answers JSON.
                assert content == ["application/json"], f"{path} {status}"


@pytest.mark.parametrize("version", VERSIONS)
def test_reject_and_void_document_422_and_lists_document_400(version):
    doc = api(version)
    assert "422" in doc["paths"][f"/api/{version}/npq-applications/{{id}}/reject"]["post"]["responses"]
    assert "422" in doc["paths"][f"/api/{version}/participant-declarations/{{id}}/void"]["put"]["responses"]
    for path, method, op in operations(doc):
        params = op.get("parameters", [])
        paged = any(p.get("$ref", "").endswith("/page") for p in params)
        if method == "get" and (paged or any(p.get("name") == "filter" for p in params)):
            assert "400" in op["responses"], path


def test_v3_documents_the_statuses_only_v3_gives():
    doc = api("v3")
    paths = doc["paths"]
    # V-31: a non-object `filter` is refused with 400 on every v3 URL, before authentication.
    for path, method, op in operations(doc):
        assert "400" in op["responses"], f"{method.upper()} {path}"
    # V-52: 403 for changing another provider's declaration.
    for action in ("void", "change-delivery-partner"):
        responses = paths[f"/api/v3/participant-declarations/{{id}}/{action}"]["put"]["responses"]
        forbidden = inline(responses["403"], API_SPECS["v3"])["content"]["application/json"]
        assert forbidden["example"]["errors"][0]["title"] == "Cannot modify declaration"
    # V-53: 410 for a retired participant id, with the change inside the error item.
    for path in ("/api/v3/participants/npq/{id}", "/api/v3/participants/npq/{id}/outcomes"):
        gone = inline(paths[path]["get"]["responses"]["410"], API_SPECS["v3"])["content"]["application/json"]
        item = gone["schema"]["properties"]["errors"]["items"]
        assert "participant_id_changes" in item["required"]
        assert gone["example"]["errors"][0]["title"] == "Participant ID has been changed"
    # V-35: 422 for a bad filter[training_status].
    unpermitted = inline(paths["/api/v3/participants/npq"]["get"]["responses"]["422"], API_SPECS["v3"])
    detail = unpermitted["content"]["application/json"]["example"]["errors"][0]["detail"]
    assert detail == "The filter '#/training_status' must be [\"active\", \"deferred\", \"withdrawn\"]"
    for version in ("v1", "v2"):
        for _, _, op in operations(api(version)):
            assert not {"403", "410"} & set(op["responses"])


@pytest.mark.parametrize("name", [*API_SPECS.values(), TESTING_API_SPEC])
def test_no_request_schema_forbids_unknown_attributes(name):
    def walk(node, where):
        if isinstance(node, dict):
            assert node.get("additionalProperties", True) is not False, f"{where}: additionalProperties false"
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    doc = load(name)
    for path, method, op in operations(doc):
        if "requestBody" in op:
            walk(inline(op["requestBody"], name), f"{method.upper()} {path}")
