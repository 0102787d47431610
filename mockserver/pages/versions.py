"""Which API versions this mock serves and which OpenAPI documents describe them, found from data.

A version is served when the app has routes under `/api/vN/`; its document is
`openapi/npq-lead-provider-vN.yaml` when that file exists. Adding v2 or v3 (routes and document) makes them
appear on the home page and in the interactive docs with no change here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from flask import Flask

from npq_lead_provider_kit.resources import TESTING_API_SPEC, openapi_dir

_VERSION_RULE = re.compile(r"^/api/(v\d+)(?:/|$)")
_VERSION_FILE = re.compile(r"npq-lead-provider-(v\d+)\.yaml")
TESTING = "testing"


@dataclass(frozen=True)
class Document:
    """One OpenAPI document the docs pages show: `slug` is its URL name (`v1`, `testing`)."""

    slug: str
    title: str
    filename: str
    prefix: str  # the URL prefix its paths live under

    @property
    def path(self) -> Path:
        return openapi_dir() / self.filename


def _number(version: str) -> int:
    return int(version[1:])


def api_versions(app: Flask) -> list[str]:
    """The versions the app serves (`v1`, `v2`, ...), from its URL rules, in order."""
    found = {m.group(1) for rule in app.url_map.iter_rules() if (m := _VERSION_RULE.match(rule.rule))}
    return sorted(found, key=_number)


def version_documents() -> dict[str, str]:
    """Version -> document file name, for every `npq-lead-provider-vN.yaml` in the kit's openapi folder."""
    found = {m.group(1): p.name for p in openapi_dir().glob("*.yaml")
             if (m := _VERSION_FILE.fullmatch(p.name))}
    return dict(sorted(found.items(), key=lambda item: _number(item[0])))


def documents() -> list[Document]:
    """Every document the docs pages offer: each API version's, then the testing API's."""
    docs = [Document(v, f"NPQ lead provider API {v}", name, f"/api/{v}")
            for v, name in version_documents().items()]
    docs.append(Document(TESTING, "Mock testing API (/__mock__/)", TESTING_API_SPEC, "/__mock__"))
    return docs


def document(slug: str) -> Document | None:
    """The document with this slug, or None."""
    return next((d for d in documents() if d.slug == slug), None)


def version_of(path: str) -> str | None:
    """The API version a request path belongs to (`v1`), `testing` for /__mock__/, else None."""
    m = _VERSION_RULE.match(path)
    if m:
        return m.group(1)
    if path.startswith("/__mock__/"):
        return TESTING
    return None


@lru_cache(maxsize=16)
def _parsed(filename: str, mtime: float) -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ~10x faster
    return yaml.load((openapi_dir() / filename).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506


def load(filename: str) -> dict[str, Any]:
    """A parsed document (cached; reread when the file changes). Callers must not modify it."""
    path = openapi_dir() / filename
    return _parsed(filename, path.stat().st_mtime)


def bundled(filename: str, server_url: str) -> dict[str, Any]:
    """A document as the docs pages serve it: `servers` pointing at this mock, references to sibling
    documents (`npq-lead-provider-v1.yaml#/components/...`) made internal, their components copied in."""
    import copy

    doc = copy.deepcopy(load(filename))
    doc["servers"] = [{"url": server_url, "description": "This mock server"}]
    external: set[str] = set()

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and not ref.startswith("#") and "#" in ref:
                other, pointer = ref.split("#", 1)
                external.add(other)
                return {**{k: rewrite(v) for k, v in node.items() if k != "$ref"}, "$ref": "#" + pointer}
            return {k: rewrite(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    doc = rewrite(doc)
    components = doc.setdefault("components", {})
    for other in sorted(external):
        for section, entries in (load(other).get("components") or {}).items():
            target = components.setdefault(section, {})
            for name, value in entries.items():
                target.setdefault(name, copy.deepcopy(value))
    return doc
