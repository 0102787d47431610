"""Builds the Schemathesis schema for the document under test, tuned so a correct server never fails."""

from __future__ import annotations

import re
import types
from collections.abc import Callable
from typing import Any

import requests
import schemathesis
from schemathesis.core.failures import FailureGroup

from contract_tests.client import RateLimit, rate_limited_session
from contract_tests.documents import parsed_document
from contract_tests.settings import RunSettings, spec_path

# The list operations, by path under the API prefix.
LIST_PATHS = [
    "/npq-applications",
    "/npq-applications.csv",
    "/participants/npq",
    "/participant-declarations",
    "/participant-declarations.csv",
    "/participants/npq/outcomes",
    "/participants/npq/{id}/outcomes",
    "/npq-enrolments.csv",  # v2
    "/statements",  # v3
    "/delivery-partners",  # v3
]
DEEP_MEMBER = re.compile(r"(?:filter|page)\[(.*)\]", re.S)
SAFE_MEMBER = re.compile(r"[A-Za-z0-9_]+")
# Page numbers beyond this make real databases overflow their OFFSET arithmetic; no client sends them.
PAGE_LIMIT = 1_000_000


def _config(settings: RunSettings) -> dict[str, Any]:
    examples = settings.examples
    operations: list[dict[str, Any]] = [
        # Lists only get schema-valid data. Their negative side is full of documented quirks a correct
        # server has (leading-integer pages "10abc" -> 10, whitespace and lower-case t/z tolerated in
        # dates, unknown filter members ignored), so are checked by hand in test_filters.
        {"include-name": name, "generation": {"mode": "positive"}}
        for name in (f"GET {settings.api_prefix}{path}" for path in LIST_PATHS)
    ]
    # Writes with schema-valid bodies still meet the business rules on random ids: 404 (unknown id),
    # 422 (rule refused) and 400 (attributes present but empty) are correct answers, never 401/403.
    operations.append(
        {
            "include-method-regex": "^(POST|PUT)$",
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404", "422"]}},
        }
    )
    return {
        "seed": settings.seed,
        "generation": {
            "max-examples": examples,
            "database": "none",
            "allow-extra-parameters": False,  # deepObject + extras sends `?=null`, which a server ignores
            # A NUL byte in a string is valid JSON Schema data, but a real (Postgres-backed) service may
            # answer it with a 500 that says nothing about the contract.
            "allow-x00": False,
        },
        "phases": {
            # v1 answers unknown verbs with 404, not 405: the method probes would be false alarms.
            "coverage": {"enabled": not settings.quick, "unexpected-methods": []},
        },
        "checks": {
            # A wrong or missing token must not pass silently (notes §0): 401/403 are not "accepted".
            "positive_data_acceptance": {"expected-statuses": ["2xx", "404"]},
            "unsupported_method": {"enabled": False},
            "ignored_auth": {"enabled": False},  # test_auth probes every operation precisely instead
        },
        "operations": operations,
    }


def session(rate_limit: RateLimit) -> requests.Session:
    """The session Schemathesis sends through: a 429 is re-sent after a pause, never judged (R-17)."""
    sess = rate_limited_session(rate_limit)
    sess.headers.clear()  # as Schemathesis' own session: only the case's and the config's headers go out
    return sess


# Python counts these as whitespace (so the spec's blank pattern may produce them); Rails' `blank?` does not.
NOT_RUBY_SPACE = {chr(c): " " for c in range(0x1C, 0x20)}


def load_schema(settings: RunSettings, rate_limit: RateLimit) -> Any:
    """The document under test, bound to the server and token, with the run's session (`schema.session`).

    Built once per run (`RunState.schema`), never at import: a second run in the same process gets its own.
    """
    config = schemathesis.Config.from_dict(_config(settings))
    path = spec_path(settings)
    # As `schemathesis.openapi.from_path(path)`, from the document this process has already parsed.
    schema = schemathesis.openapi.from_dict(parsed_document(path), config=config)
    schema.location = path.absolute().as_uri()
    headers = {"Authorization": f"Bearer {settings.token}", **settings.extra_headers}
    schema.config.update(base_url=settings.base_url, headers=headers)
    if settings.read_only:
        schema = schema.include(method="GET")

    @schema.hook
    def map_query(ctx: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
        for key in ("page[page]", "page[per_page]"):
            value = (query or {}).get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > PAGE_LIMIT:
                query[key] = PAGE_LIMIT  # type: ignore[index]
        for key in list(query or {}):
            # deepObject members Hypothesis names with brackets, control or exotic characters
            # (`filter[][x]`, `page[\x0c...]`) are parsed by Rails into arrays or nested hashes: v3 then
            # rightly answers 400 (V-31). Unknown members are ignored by every version, so such
            # members are dropped: what is left is the same request as the document means it.
            match = DEEP_MEMBER.fullmatch(key)
            if match and not SAFE_MEMBER.fullmatch(match.group(1)):
                del query[key]  # type: ignore[union-attr]
        for key, value in list((query or {}).items()):
            # The spec's "blank: no filter" branch is a whitespace-only pattern. Hypothesis may draw
            # \x1c-\x1f for it, which Rails does not count as blank (a real server would parse it and
            # answer 400); send the blank the spec means.
            if key.startswith("filter[") and isinstance(value, str) and value and not value.strip():
                query[key] = value.translate(str.maketrans(NOT_RUBY_SPACE))  # type: ignore[index]
        return query

    return schema


def per_operation(test: Callable[..., None]) -> Callable[..., None]:
    """Mark a test `(case, ...)` to run once per operation of the run's document (Schemathesis cases).

    The schema is the run's own (`RunState.schema`), bound at collection: never built at import, so a
    second run in one process checks its own server against its own document.
    """
    test.npq_per_operation = True  # type: ignore[attr-defined]
    return test


def copy_function(func: Callable[..., Any]) -> Callable[..., Any]:
    """A fresh function object, so Schemathesis' marks never stick to the module's (shared) function."""
    copy = types.FunctionType(
        func.__code__, func.__globals__, func.__name__, func.__defaults__, func.__closure__
    )
    copy.__dict__.update({k: list(v) if isinstance(v, list) else v for k, v in func.__dict__.items()})
    copy.__qualname__, copy.__module__, copy.__doc__ = func.__qualname__, func.__module__, func.__doc__
    return copy


def shown_curl(case: Any) -> str:
    """The case as curl, the token shown as the variable a person substitutes."""
    curl = case.as_curl_command()
    return curl.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $NPQ_TOKEN"')


def call_and_validate(case: Any, session: requests.Session) -> None:
    """Send a generated case and run every check; a finding carries its case's curl as data."""
    try:
        case.call_and_validate(session=session)
    except FailureGroup as exc:
        exc.npq_curl = shown_curl(case)  # type: ignore[attr-defined]
        raise
