"""Schemathesis checks named for the rule they guard; they run on every generated call."""

from __future__ import annotations

from typing import Any

import schemathesis

from contract_tests.client import ContractFailure
from contract_tests.rules import rule

DENIED = rule("auth.access_denied").body()
NOT_FOUND = rule("resource.not_found").body()
UNPROCESSABLE = rule("request.unprocessable_entity").body()


def _fail(rule_id: str, expected: str, got: str) -> None:
    """A finding as data (rule, expected, got); the test adds the case's curl (`conformance.call`)."""
    raise ContractFailure(rule_id, expected, got)


def _json(response: Any) -> Any:
    try:
        return response.json()
    except Exception:  # a non-JSON body is reported by the caller's own check
        return None


def _header(response: Any, name: str) -> str:
    for key, value in response.headers.items():
        if key.lower() == name.lower():
            return value[0] if isinstance(value, list) and value else str(value)
    return ""


def _is_csv_url(case: Any) -> bool:
    return case.operation.path.endswith(".csv")


@schemathesis.check
def r12_access_denied_body(ctx: Any, response: Any, case: Any) -> None:
    """R-12: every 401 is JSON {"error":"HTTP Token: Access denied"} (also on .csv URLs)."""
    if response.status_code != 401:
        return None
    ctype = _header(response, "Content-Type")
    if "application/json" not in ctype:
        _fail("R-12", "401 as application/json", f"Content-Type {ctype!r}")
    if _json(response) != DENIED:
        _fail("R-12", f"401 body {DENIED}", repr(response.text[:200]))
    return None


@schemathesis.check
def r15_not_found_body(ctx: Any, response: Any, case: Any) -> None:
    """R-15/R-02: a JSON 404 is exactly {"error":"Resource not found"} (the .csv 404 has an empty body)."""
    if response.status_code != 404 or _is_csv_url(case):
        return None
    if _json(response) != NOT_FOUND:
        _fail("R-15", f"404 body {NOT_FOUND}", repr(response.text[:200]))
    return None


@schemathesis.check
def r3_2_error_envelope(ctx: Any, response: Any, case: Any) -> None:
    """§3.2: 400 and 422 answer {"errors":[{"title": str, "detail": str}, ...]} (or the rare 422 error)."""
    if response.status_code not in (400, 422):
        return None
    body = _json(response)
    if response.status_code == 422 and body == UNPROCESSABLE:
        return None
    if response.status_code == 400 and body is None:
        return None  # malformed JSON bodies get a framework-defined 400 (§11)
    errors = body.get("errors") if isinstance(body, dict) else None
    if not (isinstance(errors, list) and errors):
        _fail("§3.2", "an 'errors' list in the error body", f"{body!r:.200}")
    for item in errors:  # type: ignore[union-attr]
        if not (
            isinstance(item, dict)
            and set(item) == {"title", "detail"}
            and isinstance(item["title"], str)
            and isinstance(item["detail"], str)
        ):
            _fail("§3.2", 'error entries {"title": str, "detail": str}', f"bad error entry {item!r}")
    return None


@schemathesis.check
def r21_json_api_envelope(ctx: Any, response: Any, case: Any) -> None:
    """R-21: a JSON success body is {"data": ...} and nothing else (no meta, links, included)."""
    if not 200 <= response.status_code < 300 or _is_csv_url(case):
        return None
    body = _json(response)
    if not (isinstance(body, dict) and list(body) == ["data"]):
        _fail("R-21", "a body of {'data': ...} only", f"{body!r:.200}")
    return None


@schemathesis.check
def r20_json_headers(ctx: Any, response: Any, case: Any) -> None:
    """R-20: a JSON answer says application/json (charset tolerated) and Cache-Control: no-store."""
    ctype = _header(response, "Content-Type")
    if _is_csv_url(case) or _json(response) is None or response.status_code >= 500:
        return None
    media = ctype.split(";")[0].strip().lower()
    if media != "application/json":
        _fail("R-20", "a JSON body served as application/json", f"Content-Type {ctype!r}")
    directives = {d.strip().lower() for d in _header(response, "Cache-Control").split(",")}
    if "no-store" not in directives:
        _fail("R-20", "Cache-Control: no-store on JSON answers", repr(_header(response, "Cache-Control")))
    return None


@schemathesis.check
def r04_writes_answer_200(ctx: Any, response: Any, case: Any) -> None:
    """R-04: successful writes answer 200 (never 201/204)."""
    if case.method.upper() in ("POST", "PUT") and 200 < response.status_code < 300:
        _fail("R-04", "a successful write answers 200", f"HTTP {response.status_code}")
    return None


RULE_CHECKS = [
    r12_access_denied_body,
    r15_not_found_body,
    r3_2_error_envelope,
    r21_json_api_envelope,
    r20_json_headers,
    r04_writes_answer_200,
]
