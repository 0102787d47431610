"""Assertions that fail with the rule, the request as curl, and expected vs got."""

from __future__ import annotations

from typing import Any

from contract_tests.client import ContractFailure, Reply
from contract_tests.rules import rule

NOT_FOUND = rule("resource.not_found").body()
DENIED = rule("auth.access_denied").body()
BAD_STRUCTURE = rule("request.bad_json_structure").detail
UNKNOWN_COURSE = rule("participant.course_not_recognised").detail


def fail(rule: str, expected: str, got: str, reply: Reply | None = None) -> None:
    raise ContractFailure(rule, expected, got, reply.curl if reply else "")


def status(reply: Reply, code: int, rule: str) -> Reply:
    """The reply has this status (and, for JSON answers, a JSON content type)."""
    if reply.status != code:
        fail(rule, f"HTTP {code}", reply.short(), reply)
    return reply


def ok(reply: Reply, rule: str) -> Any:
    """200 with a JSON:API `data` member; returns `data`."""
    status(reply, 200, rule)
    if reply.media_type != "application/json":
        fail(rule, "Content-Type application/json", reply.short(), reply)
    return reply.data


def json_body(reply: Reply, code: int, body: Any, rule: str) -> None:
    """Exact status and exact JSON body (the documented error shapes)."""
    status(reply, code, rule)
    if reply.media_type != "application/json":
        fail(rule, f"HTTP {code} application/json {body}", reply.short(), reply)
    try:
        got = reply.json()
    except ContractFailure:
        got = None
    if got != body:
        fail(rule, f"HTTP {code} body {body}", reply.short(), reply)


def not_found(reply: Reply, rule: str) -> None:
    json_body(reply, 404, NOT_FOUND, rule)


def denied(reply: Reply, rule: str) -> None:
    json_body(reply, 401, DENIED, rule)


def error(reply: Reply, code: int, title: str, detail: str, rule: str) -> None:
    """A 400/422 whose `errors` list holds this exact {title, detail} entry."""
    status(reply, code, rule)
    want = f'HTTP {code} with errors entry {{"title": "{title}", "detail": "{detail}"}}'
    try:
        errors = reply.json().get("errors")
    except (ContractFailure, AttributeError):
        errors = None
    if not isinstance(errors, list) or {"title": title, "detail": detail} not in errors:
        fail(rule, want, reply.short(), reply)


def refused(reply: Reply, code: str, label: str, **values: Any) -> None:
    """The reply is the refusal of rule `code` (rules.py): its status and exact {title, detail} entry.

    `values` fill the row's {placeholders} (e.g. year=2023); `label` says which check this is.
    """
    row = rule(code)
    error(reply, row.status, row.title.format(**values), row.message(**values), label)


def equal(got: Any, want: Any, rule: str, what: str, reply: Reply | None = None) -> None:
    if got != want:
        fail(rule, f"{what} == {want!r}", f"{got!r}", reply)


def true(cond: bool, rule: str, expected: str, got: str, reply: Reply | None = None) -> None:
    if not cond:
        fail(rule, expected, got, reply)
