"""Schemathesis hooks for benchmarks/fuzz.py (loaded with SCHEMATHESIS_HOOKS=benchmarks.fuzz_hooks).

A record URL generated from the document alone names a record that does not exist, so the server answers
404 before any of its rules run: the outcome 500 of issue 11 (`course_identifier: {}` for a real
participant) hid behind exactly that. Here every `{id}` is, in about half of the cases, the id of a record
of the right kind that the served world has (read over HTTP by fuzz.py into the file named by NPQ_FUZZ_IDS);
Hypothesis draws the choice, so a seeded run stays reproducible.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import strategies as st

IDS_FILE_ENV = "NPQ_FUZZ_IDS"
# Which kind of record a path's {id} names, by the path segment before it.
KIND_OF_SEGMENT = {
    "npq-applications": "applications",
    "applications": "applications",  # /__mock__/applications/{id}/transfer
    "declarations": "declarations",  # /__mock__/declarations/{id}/state
    "npq": "participants",  # /participants/npq/{id}
    "participants": "participants",  # /__mock__/participants/{id}
    "participant-declarations": "declarations",
    "statements": "statements",
    "delivery-partners": "delivery_partners",
}


def _load() -> dict[str, list[str]]:
    path = os.environ.get(IDS_FILE_ENV)
    return json.loads(Path(path).read_text(encoding="utf-8")) if path else {}


KNOWN_IDS = _load()


def kind_of(path: str) -> str | None:
    """The kind of record `{id}` names in a path template, None when the path has no such id."""
    segments = path.strip("/").split("/")
    if "{id}" not in segments:
        return None
    index = segments.index("{id}")
    return KIND_OF_SEGMENT.get(segments[index - 1]) if index else None


@schemathesis.hook
def flatmap_path_parameters(ctx: Any, path_parameters: dict[str, Any] | None) -> st.SearchStrategy:
    """The generated path parameters, or the same with a real id of the right kind."""
    if not path_parameters or "id" not in path_parameters or ctx.operation is None:
        return st.just(path_parameters)
    known = KNOWN_IDS.get(kind_of(ctx.operation.path) or "", [])
    if not known:
        return st.just(path_parameters)
    real = st.sampled_from(known).map(lambda found: {**path_parameters, "id": found})
    return st.one_of(st.just(path_parameters), real)


# Worlds of the testing API are capped at this many applications in a campaign: each new (seed, size)
# seeds a template first, and Schemathesis likes the documented maximum (100,000: ~30 s a world).
# Building big worlds is measured by benchmarks/bench_worlds.py; here the point is the answers.
MAX_WORLD_APPLICATIONS = 500


@schemathesis.hook
def map_body(ctx: Any, body: Any) -> Any:
    """Keep generated worlds small (see MAX_WORLD_APPLICATIONS); every other body as generated."""
    operation = ctx.operation
    if operation is None or operation.path != "/__mock__/worlds" or not isinstance(body, dict):
        return body
    size = body.get("applications")
    if isinstance(size, int) and not isinstance(size, bool) and size > MAX_WORLD_APPLICATIONS:
        return {**body, "applications": size % (MAX_WORLD_APPLICATIONS + 1)}
    return body
