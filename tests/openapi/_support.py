"""Helpers shared by the OpenAPI document tests: loading, $ref inlining and OpenAPI 3.0 validation."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from openapi_schema_validator import OAS30Validator

from npq_lead_provider_kit.resources import API_SPECS, TESTING_API_SPEC, V1_SPEC, openapi_path

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")
# The lead provider API documents, by version: every per-document test runs for each of them.
VERSIONS = tuple(API_SPECS)


@cache
def _load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load(name: str = V1_SPEC) -> dict:
    """A fresh copy of one of the kit's documents."""
    return copy.deepcopy(_load(openapi_path(name)))


def v1() -> dict:
    return load(V1_SPEC)


def api(version: str) -> dict:
    """A fresh copy of the lead provider API document of `version` ("v1", "v2", "v3")."""
    return load(API_SPECS[version])


def mock_testing_api() -> dict:
    return load(TESTING_API_SPEC)


def _pointer(doc: dict, pointer: str) -> Any:
    node: Any = doc
    for part in pointer.lstrip("/").split("/"):
        if not part:
            continue
        part = part.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def resolve_ref(ref: str, doc_name: str) -> tuple[Any, str]:
    """Target of a `$ref` written in document `doc_name`, and the document the target lives in."""
    file_part, _, pointer = ref.partition("#")
    target_doc = file_part or doc_name
    return _pointer(_load(openapi_path(target_doc)), pointer), target_doc


def inline(node: Any, doc_name: str = V1_SPEC, _depth: int = 0) -> Any:
    """Copy of `node` with every `$ref` (local or to a sibling file) replaced by its target."""
    assert _depth < 60, "reference cycle"
    if isinstance(node, dict):
        if "$ref" in node:
            target, target_doc = resolve_ref(node["$ref"], doc_name)
            return inline(target, target_doc, _depth + 1)
        return {key: inline(value, doc_name, _depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [inline(item, doc_name, _depth + 1) for item in node]
    return node


def errors(schema: dict, instance: Any) -> list[str]:
    """Validation messages of `instance` against an inlined OpenAPI 3.0 schema (formats checked)."""
    validator = OAS30Validator(schema, format_checker=OAS30Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def operations(doc: dict):
    """(path, method, operation) for every operation of `doc`."""
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def operation_parameters(doc: dict, doc_name: str, path: str, method: str) -> list[dict]:
    item = doc["paths"][path]
    params = list(item.get("parameters", [])) + list(item[method].get("parameters", []))
    return [inline(p, doc_name) for p in params]


def request_body_schema(doc: dict, doc_name: str, path: str, method: str) -> dict:
    """The inlined JSON schema of an operation's request body."""
    body = inline(doc["paths"][path][method]["requestBody"], doc_name)
    return body["content"]["application/json"]["schema"]
