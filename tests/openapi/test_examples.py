"""Every example in the kit's documents validates against the schema it illustrates."""

from __future__ import annotations

import re
from typing import Any

import pytest

from npq_lead_provider_kit.resources import API_SPECS, TESTING_API_SPEC, V1_SPEC

from ._support import errors, inline, load, operations

# At least this many examples per document: a lower count means the walker below is broken.
MINIMUM_EXAMPLES = {V1_SPEC: 150, API_SPECS["v2"]: 150, API_SPECS["v3"]: 150, TESTING_API_SPEC: 25}

SUBSCHEMA_LISTS = ("anyOf", "oneOf", "allOf")


def _examples_of(doc: dict, doc_name: str) -> list[tuple[str, dict, Any]]:
    """(where, inlined schema, example value) for every example of the document."""
    found: list[tuple[str, dict, Any]] = []

    def walk_schema(node: Any, where: str) -> None:
        if not isinstance(node, dict) or "$ref" in node:
            return
        if "example" in node:
            found.append((where, inline(node, doc_name), node["example"]))
        for name, sub in (node.get("properties") or {}).items():
            walk_schema(sub, f"{where}.{name}")
        for key in ("items", "additionalProperties", "not"):
            walk_schema(node.get(key), f"{where}/{key}")
        for key in SUBSCHEMA_LISTS:
            for i, sub in enumerate(node.get(key) or []):
                walk_schema(sub, f"{where}/{key}/{i}")

    def holder(obj: Any, where: str) -> None:
        """A parameter or media-type object: its schema, `example` and `examples`."""
        if not isinstance(obj, dict) or "$ref" in obj or "schema" not in obj:
            return
        walk_schema(obj["schema"], f"{where} schema")
        schema = inline(obj["schema"], doc_name)
        if "example" in obj:
            found.append((f"{where} example", schema, obj["example"]))
        for name, example in (obj.get("examples") or {}).items():
            example = inline(example, doc_name)
            found.append((f"{where} examples.{name}", schema, example["value"]))

    def content(obj: Any, where: str) -> None:
        if isinstance(obj, dict) and "$ref" not in obj:
            for media, media_obj in (obj.get("content") or {}).items():
                holder(media_obj, f"{where} {media}")

    components = doc.get("components", {})
    for name, schema in (components.get("schemas") or {}).items():
        walk_schema(schema, f"#/components/schemas/{name}")
    for name, param in (components.get("parameters") or {}).items():
        holder(param, f"#/components/parameters/{name}")
    for name, response in (components.get("responses") or {}).items():
        content(response, f"#/components/responses/{name}")
    for name, body in (components.get("requestBodies") or {}).items():
        content(body, f"#/components/requestBodies/{name}")
    for path, method, op in operations(doc):
        label = f"{method.upper()} {path}"
        for param in op.get("parameters", []) + doc["paths"][path].get("parameters", []):
            holder(param, f"{label} param {param.get('name', '')}")
        content(op.get("requestBody"), f"{label} body")
        for status, response in op["responses"].items():
            content(response, f"{label} -> {status}")
    return found


@pytest.mark.parametrize("name", [*API_SPECS.values(), TESTING_API_SPEC])
def test_every_example_matches_its_schema(name):
    found = _examples_of(load(name), name)
    assert len(found) >= MINIMUM_EXAMPLES[name], f"only {len(found)} examples found: walker broken?"
    problems = [f"{where}: {message}" for where, schema, value in found for message in errors(schema, value)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", API_SPECS.values())
def test_every_component_example_is_used_and_valid(name):
    doc = load(name)
    # Referenced from an operation or from a shared response.
    text = repr(doc["paths"]) + repr(doc["components"].get("responses", {}))
    for example in doc["components"].get("examples", {}):
        assert f"#/components/examples/{example}" in text, f"example {example} is never referenced"


@pytest.mark.parametrize("name", API_SPECS.values())
def test_example_timestamps_have_no_fractional_seconds(name):
    fraction = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
    for where, _, value in _examples_of(load(name), name):
        assert not fraction.search(repr(value)), f"{where}: timestamp with fractional seconds (R-23)"


def test_a_broken_example_is_caught():
    # Guards the checker itself: a millisecond timestamp and a wrong enum must be reported.
    schema = inline({"$ref": "#/components/schemas/ParticipantDeclaration"})
    bad = {
        "id": "4ccd9937-1a73-4b11-81e6-259f5bd3ca9d",
        "type": "participant-declaration",
        "attributes": {
            "participant_id": "7a8fef46-3c43-42c0-b3d5-1ba5904ba562",
            "declaration_type": "started",
            "course_identifier": "npq-headship",
            "declaration_date": "2021-05-31T02:22:32.000Z",
            "state": "awaiting_clawback",
            "has_passed": None,
            "voided": False,
            "eligible_for_payment": False,
            "updated_at": "2021-05-31T02:22:32Z",
        },
    }
    messages = errors(schema, bad)
    assert any("declaration_date" in m for m in messages)
    assert any("state" in m for m in messages)
