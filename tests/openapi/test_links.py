"""OpenAPI links: they point at real operations and parameters, their response pointers resolve, and
Schemathesis turns them into the expected state-machine transitions."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis

from npq_lead_provider_kit.resources import API_SPECS, openapi_path

from ._support import VERSIONS, api, inline, operation_parameters, operations

BODY_EXPR = re.compile(r"^\$response\.body#(/.*)$")


def _by_operation_id(doc: dict) -> dict[str, tuple[str, str, dict]]:
    return {op["operationId"]: (path, method, op) for path, method, op in operations(doc)}


def _links(doc: dict, doc_name: str):
    """(source operationId, status, link name, link) for every link of the document."""
    for _, _, op in operations(doc):
        for status, response in op["responses"].items():
            for name, link in (inline(response, doc_name).get("links") or {}).items():
                yield op["operationId"], status, name, link


def _variants(schema: dict) -> list[dict]:
    out = [schema]
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key) or []:
            out.extend(_variants(sub))
    return out


def _follow(schema: dict, tokens: list[str], where: str) -> dict:
    for token in tokens:
        candidates = _variants(schema)
        if token.isdigit():
            nxt = next((s["items"] for s in candidates if s.get("type") == "array" and "items" in s), None)
        else:
            nxt = next(
                (s["properties"][token] for s in candidates if token in (s.get("properties") or {})), None
            )
        assert nxt is not None, f"{where}: nothing named {token!r} in the schema"
        schema = nxt
    return schema


def _expressions(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item)


def _leaf_paths(value: Any, prefix: tuple[str, ...] = ()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaf_paths(item, (*prefix, key))
    else:
        yield prefix


@pytest.mark.parametrize("version", VERSIONS)
def test_links_target_real_operations_and_parameters(version):
    doc, doc_name = api(version), API_SPECS[version]
    ops = _by_operation_id(doc)
    count = 0
    for source, status, name, link in _links(doc, doc_name):
        where = f"{source} {status} {name}"
        count += 1
        assert status == "200", f"{where}: links belong under the 200 the service really returns"
        assert link.get("operationId") in ops, f"{where}: unknown operationId {link.get('operationId')!r}"
        path, method, _ = ops[link["operationId"]]
        names = {p["name"] for p in operation_parameters(doc, doc_name, path, method)}
        for param in link.get("parameters", {}):
            assert param.split(".")[-1] in names, f"{where}: {path} has no parameter {param!r}"
        if "requestBody" in link:
            body = inline(doc["paths"][path][method]["requestBody"], doc_name)
            body = body["content"]["application/json"]["schema"]
            for leaf in _leaf_paths(link["requestBody"]):
                _follow(body, list(leaf), f"{where} requestBody")
    assert count >= 40


@pytest.mark.parametrize("version", VERSIONS)
def test_link_expressions_resolve_in_the_response_schema(version):
    doc, doc_name = api(version), API_SPECS[version]
    ops = _by_operation_id(doc)
    for source, status, name, link in _links(doc, doc_name):
        where = f"{source} {status} {name}"
        _, _, op = ops[source]
        schema = inline(op["responses"][status], doc_name)["content"]["application/json"]["schema"]
        expressions = list(_expressions(link.get("parameters", {}))) + list(
            _expressions(link.get("requestBody"))
        )
        assert expressions, f"{where}: carries nothing"
        for expression in expressions:
            match = BODY_EXPR.match(expression)
            assert match, f"{where}: unsupported expression {expression!r}"
            tokens = [t for t in match.group(1).split("/") if t]
            leaf = _follow(schema, tokens, f"{where} {expression}")
            assert leaf.get("type") == "string" and leaf.get("format") == "uuid" or "enum" in leaf, where


EXPECTED = {
    ("listApplications", "getApplication"),
    ("listApplications", "acceptApplication"),
    ("listApplications", "rejectApplication"),
    ("listApplications", "changeApplicationFundedPlace"),
    ("getApplication", "acceptApplication"),
    ("getApplication", "rejectApplication"),
    ("getApplication", "changeApplicationFundedPlace"),
    ("acceptApplication", "getApplication"),
    ("acceptApplication", "getParticipant"),
    ("acceptApplication", "deferParticipant"),
    ("acceptApplication", "resumeParticipant"),
    ("acceptApplication", "withdrawParticipant"),
    ("acceptApplication", "changeParticipantSchedule"),
    ("acceptApplication", "listParticipantOutcomes"),
    ("acceptApplication", "createParticipantOutcome"),
    ("acceptApplication", "createDeclaration"),
    ("rejectApplication", "getApplication"),
    ("listParticipants", "getParticipant"),
    ("getParticipant", "withdrawParticipant"),
    ("createDeclaration", "getDeclaration"),
    ("createDeclaration", "voidDeclaration"),
    ("getDeclaration", "voidDeclaration"),
    ("listDeclarations", "getDeclaration"),
    ("listDeclarations", "voidDeclaration"),
    ("voidDeclaration", "getDeclaration"),
}


# v3's own journeys: declaration id -> change delivery partner, statements and delivery partners list -> get.
EXPECTED_V3 = {
    ("createDeclaration", "changeDeclarationDeliveryPartner"),
    ("getDeclaration", "changeDeclarationDeliveryPartner"),
    ("listDeclarations", "changeDeclarationDeliveryPartner"),
    ("changeDeclarationDeliveryPartner", "getDeclaration"),
    ("listStatements", "getStatement"),
    ("listDeliveryPartners", "getDeliveryPartner"),
}
EXPECTED_BY_VERSION = {"v1": EXPECTED, "v2": EXPECTED, "v3": EXPECTED | EXPECTED_V3}


@pytest.mark.parametrize("version", VERSIONS)
def test_expected_journeys_are_linked(version):
    found = {(source, link["operationId"]) for source, _, _, link in _links(api(version), API_SPECS[version])}
    expected = EXPECTED_BY_VERSION[version]
    assert found >= expected, sorted(expected - found)


@pytest.mark.parametrize("version", VERSIONS)
def test_accepted_participant_id_feeds_participant_and_declaration_operations(version):
    links = {(s, n): link for s, _, n, link in _links(api(version), API_SPECS[version])}
    participant = "$response.body#/data/attributes/participant_id"
    for name in ("GetParticipant", "DeferParticipant", "WithdrawParticipant", "CreateParticipantOutcome"):
        assert links[("acceptApplication", name)]["parameters"] == {"id": participant}
    declaration = links[("acceptApplication", "CreateDeclaration")]["requestBody"]["data"]["attributes"]
    assert declaration["participant_id"] == participant
    assert declaration["course_identifier"] == "$response.body#/data/attributes/course_identifier"


def _squash(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "", text)


@pytest.fixture(scope="module", params=VERSIONS)
def state_machine(request):
    schema = schemathesis.openapi.from_path(str(openapi_path(version=request.param)))
    return request.param, schema, schema.as_state_machine()


def test_schemathesis_builds_a_state_machine_with_the_linked_transitions(state_machine):
    version, schema, machine = state_machine
    doc = api(version)
    ops = _by_operation_id(doc)
    rules = {_squash(name) for name in dir(machine) if "___" in name}
    assert rules, "no transitions at all"
    missing = []
    for source, status, name, link in _links(doc, API_SPECS[version]):
        s_path, s_method, _ = ops[source]
        t_path, t_method, _ = ops[link["operationId"]]
        expected = _squash(f"{s_method.upper()} {s_path} {status} {name} {t_method.upper()} {t_path}")
        if expected not in rules:
            missing.append(f"{source} -{name}-> {link['operationId']}")
    assert not missing, missing
    assert len(list(schema.get_all_operations())) == {"v1": 20, "v2": 21, "v3": 23}[version]
