"""Did a journalled request conform to its version's OpenAPI document? Computed when an entry is read.

The real service ignores what it does not know (unknown body fields, unknown query parameters); a
provider sending them deserves to be told. The checks: the path and method are documented, every query
parameter is documented (for `filter[...]`/`page[...]`, the key too), and a JSON body matches the
operation's request schema: required members, types, enums, and no unknown members. Each operation's
schemas are resolved once per process (no `$ref` left), so a check is a walk over one body.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

import orjson

from mockserver.pages.versions import TESTING, load, version_documents
from npq_lead_provider_kit.resources import TESTING_API_SPEC

_METHODS = ("get", "put", "post", "delete", "patch")
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "number": (int, float), "boolean": (bool,),
    "object": (dict,), "array": (list,),
}


def _filename(version: str | None) -> str | None:
    if version == TESTING:
        return TESTING_API_SPEC
    return version_documents().get(version or "")


def _resolve(filename: str, node: Any, depth: int = 0) -> Any:
    """The node with every $ref (also into sibling documents) replaced by its target."""
    if depth > 40:
        return {}
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            other, _, pointer = ref.partition("#")
            target_file = other or filename
            target: Any = load(target_file)
            for part in pointer.strip("/").split("/"):
                if part:
                    target = target[part.replace("~1", "/").replace("~0", "~")]
            return _resolve(target_file, target, depth + 1)
        return {k: _resolve(filename, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        return [_resolve(filename, v, depth + 1) for v in node]
    return node


@lru_cache(maxsize=8)
def _routes(filename: str) -> list[tuple[re.Pattern[str], str]]:
    paths = load(filename).get("paths") or {}
    routes = [(re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(t)) + "$"), t) for t in paths]
    return sorted(routes, key=lambda r: r[1].count("{"))  # literal paths win over templated ones


@lru_cache(maxsize=256)
def _operation(filename: str, template: str, method: str) -> dict[str, Any] | None:
    item = (load(filename).get("paths") or {}).get(template) or {}
    operation = item.get(method)
    if operation is None:
        return None
    resolved = _resolve(filename, {**operation, "parameters": [*item.get("parameters", []),
                                                                *operation.get("parameters", [])]})
    return resolved


def check(version: str | None, method: str, path: str, query: str, content_type: str | None,
          body: str, truncated: bool = False) -> dict[str, Any] | None:
    """{"conforms": bool, "issues": [...]} against the version's document; None outside every document."""
    filename = _filename(version)
    if filename is None:
        return None
    template = next((t for pattern, t in _routes(filename) if pattern.match(path)), None)
    if template is None:
        return {"conforms": False, "document": filename, "operation": None,
                "issues": [f"{path} is not a path of {filename}"]}
    operation = _operation(filename, template, method.lower())
    if operation is None:
        return {"conforms": False, "document": filename, "operation": None,
                "issues": [f"{method} is not documented for {template}"]}
    issues = _query_issues(operation, query)
    issues += _body_issues(operation, content_type, body, truncated)
    return {"conforms": not issues, "document": filename,
            "operation": operation.get("operationId") or f"{method} {template}", "issues": issues}


def _query_issues(operation: dict[str, Any], query: str) -> list[str]:
    documented = {p["name"]: p for p in operation.get("parameters", []) if p.get("in") == "query"}
    issues = []
    for key, _value in parse_qsl(query, keep_blank_values=True):
        base, _, rest = key.partition("[")
        parameter = documented.get(key) or documented.get(base)
        if parameter is None:
            issues.append(f"query parameter '{key}' is not documented (the real service ignores it)")
            continue
        if rest and parameter.get("style") == "deepObject":
            member = rest.rstrip("]")
            known = (parameter.get("schema") or {}).get("properties") or {}
            if member not in known:
                issues.append(f"query parameter '{key}': '{member}' is not a documented member of "
                              f"'{base}' (the real service ignores it)")
    return issues


def _body_issues(operation: dict[str, Any], content_type: str | None, body: str,
                 truncated: bool) -> list[str]:
    request_body = operation.get("requestBody")
    if not body.strip():
        if request_body and request_body.get("required"):
            return ["the request body is required"]
        return []
    if request_body is None:
        return ["this operation takes no request body (the real service ignores it)"]
    schema = ((request_body.get("content") or {}).get("application/json") or {}).get("schema")
    if schema is None:
        return []
    if truncated:
        return ["the body was too large to keep in the journal whole; not checked"]
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError:
        return ["the request body is not valid JSON"]
    issues: list[str] = []
    _walk(schema, value, "", issues)
    return issues


def _merged(schema: dict[str, Any]) -> dict[str, Any]:
    if "allOf" not in schema:
        return schema
    merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    for part in schema["allOf"]:
        part = _merged(part)
        merged.setdefault("properties", {}).update(part.get("properties") or {})
        merged["required"] = [*merged.get("required", []), *part.get("required", [])]
        for key, value in part.items():
            if key not in ("properties", "required"):
                merged.setdefault(key, value)
    return merged


def _walk(schema: dict[str, Any], value: Any, pointer: str, issues: list[str]) -> None:
    schema = _merged(schema)
    where = pointer or "the body"
    if value is None and schema.get("nullable"):
        return
    for key in ("oneOf", "anyOf"):
        if key in schema:
            attempts = []
            for option in schema[key]:
                found: list[str] = []
                _walk(option, value, pointer, found)
                if not found:
                    return
                attempts.append(found)
            issues.extend(min(attempts, key=len))
            return
    expected = schema.get("type")
    if expected in _TYPES:
        ok = isinstance(value, _TYPES[expected]) and not (expected != "boolean" and isinstance(value, bool))
        if not ok:
            issues.append(f"{where}: expected {expected}, got {_kind(value)}")
            return
    if "enum" in schema and value not in schema["enum"]:
        issues.append(f"{where}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for name in schema.get("required", []):
            if name not in value:
                issues.append(f"{pointer}/{name}: required member missing")
        extra = schema.get("additionalProperties")
        for name, member in value.items():
            if name in properties:
                _walk(properties[name], member, f"{pointer}/{name}", issues)
            elif isinstance(extra, dict):
                _walk(extra, member, f"{pointer}/{name}", issues)
            elif extra is not True and (properties or extra is False):
                issues.append(f"{pointer}/{name}: unknown member (the real service ignores it)")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for index, item in enumerate(value):
            _walk(schema["items"], item, f"{pointer}/{index}", issues)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "integer", float: "number", str: "string", dict: "object",
            list: "array"}.get(type(value), type(value).__name__)
