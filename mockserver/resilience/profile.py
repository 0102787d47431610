"""Fault profiles and R-17's switches as plain values: validation and the seeded decisions (no Flask, no SQL).

A profile (`PUT /__mock__/faults`) is a seed and an ordered list of rules; the first rule whose path pattern
(and methods) match an API request decides what happens to it:

    {"seed": 7, "rules": [{"path": "/api/v*/participant-declarations*", "methods": ["POST"],
                           "latency_ms": 200, "status": 503, "rate": 0.25}]}

`latency_ms` delays every matching request; `status` (500, 502, 503, 504) or `reset` (the connection is cut
mid-answer) happens to a `rate` share of them (default 1: all). Which ones is decided by the seed and the
request's sequence number for its rule (counted across worker processes), so the same profile and the same
sequence of requests give the same faults. One request can ask for a fault itself with the header
`X-NPQ-Mock-Fault: status=503`, `latency=200ms`, `reset`, or several (`status=500, latency=1s`).
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from mockserver.errors import InvalidAttribute

FAULT_HEADER = "X-NPQ-Mock-Fault"
STATUSES = (500, 502, 503, 504)
MAX_LATENCY_MS = 60_000
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# Rack::Attack's throttle, 1000 requests per 5 minutes per Authorization value.
RATE_LIMIT_DEFAULTS = {"rate_limit_requests": 1000, "rate_limit_period": 300}


@dataclass(frozen=True)
class Fault:
    """What happens to one request: a delay, then maybe an error status or a cut connection."""

    latency_ms: int = 0
    status: int | None = None
    reset: bool = False
    retry_after: int | None = None

    def describe(self) -> str:
        parts = [f"latency={self.latency_ms}ms"] if self.latency_ms else []
        parts += [f"status={self.status}"] if self.status else []
        return ", ".join(parts + (["reset"] if self.reset else []))


@dataclass(frozen=True)
class Rule:
    path: str
    methods: tuple[str, ...]
    rate: float
    fault: Fault

    def matches(self, method: str, path: str) -> bool:
        return fnmatchcase(path, self.path) and (not self.methods or method in self.methods)


def _whole(attribute: str, value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise InvalidAttribute(attribute, f"must be a whole number from {low} to {high}")
    return value


def _fault(attribute: str, raw: dict[str, Any]) -> Fault:
    latency = _whole(f"{attribute}.latency_ms", raw.get("latency_ms", 0), 0, MAX_LATENCY_MS)
    status = raw.get("status")
    if status is not None and (type(status) is not int or status not in STATUSES):
        raise InvalidAttribute(f"{attribute}.status", "must be one of " + ", ".join(map(str, STATUSES)))
    reset = raw.get("reset", False)
    if type(reset) is not bool:
        raise InvalidAttribute(f"{attribute}.reset", "must be true or false")
    if status is not None and reset:
        raise InvalidAttribute(attribute, "give status or reset, not both")
    retry_after = raw.get("retry_after")
    if retry_after is not None:
        retry_after = _whole(f"{attribute}.retry_after", retry_after, 0, 3600)
    if not latency and status is None and not reset:
        raise InvalidAttribute(attribute, "needs latency_ms, status or reset")
    return Fault(latency, status, reset, retry_after)


def parse_profile(body: dict[str, Any]) -> dict[str, Any]:
    """The stored form of a profile (validated; 422 naming the member otherwise)."""
    seed = _whole("seed", body.get("seed", 0), 0, 2**63 - 1)
    rules = body.get("rules")
    if not isinstance(rules, list) or not rules or len(rules) > 50:
        raise InvalidAttribute("rules", "must be a list of 1 to 50 rules")
    stored = []
    for index, raw in enumerate(rules):
        name = f"rules[{index}]"
        if not isinstance(raw, dict):
            raise InvalidAttribute(name, "must be an object")
        path = raw.get("path", "/api/*")
        if not isinstance(path, str) or not path.startswith("/") or len(path) > 500:
            raise InvalidAttribute(f"{name}.path", "must be a path pattern starting with /, e.g. /api/v1/*")
        methods = raw.get("methods", [])
        if not isinstance(methods, list) or any(m not in METHODS for m in methods):
            raise InvalidAttribute(f"{name}.methods", "must be a list of HTTP methods, e.g. [\"POST\"]")
        rate = raw.get("rate", 1)
        if type(rate) not in (int, float) or not 0 <= rate <= 1:
            raise InvalidAttribute(f"{name}.rate", "must be a number from 0 to 1")
        fault = _fault(name, raw)
        stored.append({"path": path, "methods": methods, "rate": rate, "latency_ms": fault.latency_ms,
                       "status": fault.status, "reset": fault.reset, "retry_after": fault.retry_after})
    return {"seed": seed, "rules": stored}


def rules_of(profile: dict[str, Any] | None) -> list[Rule]:
    """The rules of a stored profile."""
    return [
        Rule(r["path"], tuple(r["methods"]), float(r["rate"]),
             Fault(r["latency_ms"], r["status"], r["reset"], r.get("retry_after")))
        for r in (profile or {}).get("rules", [])
    ]


def strikes(seed: int, rule_index: int, sequence: int, rate: float) -> bool:
    """Whether the `sequence`-th request matching a rule gets its error (seeded; same in every process)."""
    if rate >= 1:
        return True
    return random.Random(f"npq-mock-fault:{seed}:{rule_index}:{sequence}").random() < rate


_DURATION = re.compile(r"\A(\d{1,6})(ms|s)?\Z")


def parse_header(value: str) -> Fault:
    """`X-NPQ-Mock-Fault: status=503, latency=200ms` (or `reset`); ValueError with a reason otherwise."""
    fields: dict[str, Any] = {}
    for part in re.split(r"[,;]", value):
        name, _, raw = (p.strip() for p in part.strip().partition("="))
        if not name:
            continue
        if name == "reset" and not raw:
            fields["reset"] = True
        elif name == "status" and raw.isdigit():
            fields["status"] = int(raw)
        elif name == "retry_after" and raw.isdigit():
            fields["retry_after"] = int(raw)
        elif name == "latency" and (match := _DURATION.match(raw)):
            fields["latency_ms"] = int(match[1]) * (1000 if match[2] == "s" else 1)
        else:
            raise ValueError(f"unknown part {part.strip()!r} (use status=503, latency=200ms, reset)")
    try:
        return _fault(FAULT_HEADER, fields)
    except InvalidAttribute as error:
        raise ValueError(f"{error.attribute} {error.detail}") from None


def parse_rate_switches(body: dict[str, Any]) -> dict[str, Any]:
    """The R-17 members of a `PUT /__mock__/settings` body, validated (others are not this module's)."""
    changes: dict[str, Any] = {}
    if "rate_limit" in body:
        if type(body["rate_limit"]) is not bool:
            raise InvalidAttribute("rate_limit", "must be true or false")
        changes["rate_limit"] = body["rate_limit"]
    if "rate_limit_requests" in body:
        changes["rate_limit_requests"] = _whole("rate_limit_requests", body["rate_limit_requests"], 1, 10**9)
    if "rate_limit_period" in body:
        changes["rate_limit_period"] = _whole("rate_limit_period", body["rate_limit_period"], 1, 86_400)
    return changes
