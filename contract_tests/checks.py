"""Schemathesis checks named for the rule they guard; they run on every generated call."""

from __future__ import annotations

from typing import Any

import schemathesis

DENIED = {"error": "HTTP Token: Access denied"}
NOT_FOUND = {"error": "Resource not found"}


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
    assert "application/json" in ctype, f"R-12: 401 must be application/json, got {ctype!r}"
    assert _json(response) == DENIED, f"R-12: 401 body must be {DENIED}, got {response.text[:200]!r}"
    return None


@schemathesis.check
def r15_not_found_body(ctx: Any, response: Any, case: Any) -> None:
    """R-15/R-02: a JSON 404 is exactly {"error":"Resource not found"} (the .csv 404 has an empty body)."""
    if response.status_code != 404 or _is_csv_url(case):
        return None
    assert _json(response) == NOT_FOUND, f"R-15: 404 body must be {NOT_FOUND}, got {response.text[:200]!r}"
    return None


@schemathesis.check
def r3_2_error_envelope(ctx: Any, response: Any, case: Any) -> None:
    """§3.2: 400 and 422 answer {"errors":[{"title": str, "detail": str}, ...]} (or the rare 422 error)."""
    if response.status_code not in (400, 422):
        return None
    body = _json(response)
    if response.status_code == 422 and body == {"error": "Unprocessable entity"}:
        return None
    if response.status_code == 400 and body is None:
        return None  # malformed JSON bodies get a framework-defined 400 (§11)
    errors = body.get("errors") if isinstance(body, dict) else None
    assert isinstance(errors, list) and errors, (
        f"§3.2: error body must carry an 'errors' list, got {body!r:.200}"
    )
    for item in errors:
        assert isinstance(item, dict) and set(item) == {"title", "detail"}, f"§3.2: bad error entry {item!r}"
        assert isinstance(item["title"], str) and isinstance(item["detail"], str), (
            f"§3.2: bad error entry {item!r}"
        )
    return None


@schemathesis.check
def r21_json_api_envelope(ctx: Any, response: Any, case: Any) -> None:
    """R-21: a JSON success body is {"data": ...} and nothing else (no meta, links, included)."""
    if not 200 <= response.status_code < 300 or _is_csv_url(case):
        return None
    body = _json(response)
    assert isinstance(body, dict) and list(body) == ["data"], (
        f"R-21: body must be {{'data': ...}} only, got {body!r:.200}"
    )
    return None


@schemathesis.check
def r20_json_headers(ctx: Any, response: Any, case: Any) -> None:
    """R-20: a JSON answer says application/json (charset tolerated) and Cache-Control: no-store."""
    ctype = _header(response, "Content-Type")
    if _is_csv_url(case) or _json(response) is None or response.status_code >= 500:
        return None
    media = ctype.split(";")[0].strip().lower()
    assert media == "application/json", f"R-20: JSON body must be served as application/json, got {ctype!r}"
    directives = {d.strip().lower() for d in _header(response, "Cache-Control").split(",")}
    assert "no-store" in directives, (
        f"R-20: JSON answers carry Cache-Control: no-store, got {_header(response, 'Cache-Control')!r}"
    )
    return None


@schemathesis.check
def r04_writes_answer_200(ctx: Any, response: Any, case: Any) -> None:
    """R-04: successful writes answer 200 (never 201/204)."""
    if case.method.upper() in ("POST", "PUT") and 200 <= response.status_code < 300:
        assert response.status_code == 200, (
            f"R-04: a successful write must answer 200, got {response.status_code}"
        )
    return None


RULE_CHECKS = [
    r12_access_denied_body,
    r15_not_found_body,
    r3_2_error_envelope,
    r21_json_api_envelope,
    r20_json_headers,
    r04_writes_answer_200,
]
