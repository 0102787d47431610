"""Collects one line per rule or check and prints the at-a-glance verdict at the end of the run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from contract_tests.client import ContractFailure

ORDER = {"failed": 0, "passed": 1, "skipped": 2}


@dataclass
class Outcome:
    nodeid: str
    outcome: str  # passed / failed / skipped
    expected: str = ""
    got: str = ""
    curl: str = ""
    reason: str = ""


@dataclass
class RuleResult:
    label: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        kinds = {o.outcome for o in self.outcomes}
        if "failed" in kinds:
            return "failed"
        return "passed" if "passed" in kinds else "skipped"


SCHEMA_EXPECTED = "responses as the OpenAPI document says"


def _schemathesis_failure(exc: BaseException) -> tuple[str, str, str] | None:
    """(expected, got, curl) from Schemathesis' FailureGroup, read from its data: each failure's title and
    message (our rule checks raise ContractFailure, kept as `exception`) and the case's curl (`npq_curl`)."""
    failures = getattr(exc, "exceptions", None)
    if not failures or not all(hasattr(f, "title") and hasattr(f, "message") for f in failures):
        return None
    lines: list[str] = []
    for failure in failures:
        inner = getattr(failure, "exception", None)
        if isinstance(inner, ContractFailure):
            lines.append(f"[{inner.rule}] expected {inner.expected}; got {inner.got}")
        else:
            lines.append(str(failure.title))
            lines += [line.rstrip() for line in str(failure.message).splitlines() if line.strip()]
    return SCHEMA_EXPECTED, "\n".join(lines[:12]), getattr(exc, "npq_curl", "")


def _walk(exc: BaseException) -> list[BaseException]:
    """The exception and every exception nested in it (Hypothesis groups distinct failures)."""
    found = [exc]
    for inner in getattr(exc, "exceptions", None) or ():
        if isinstance(inner, BaseException):
            found += _walk(inner)
    return found


def describe_failure(exc: BaseException) -> tuple[str, str, str]:
    """(expected, got, curl): from a ContractFailure or a Schemathesis FailureGroup (data), else the text."""
    for inner in _walk(exc):
        if isinstance(inner, ContractFailure):
            return inner.expected, inner.got, inner.curl
        described = _schemathesis_failure(inner)
        if described is not None:
            return described
    # Anything else (a plain assertion, e.g. the stateful journeys' collected findings): its own text.
    text = str(exc)
    curls = [line.strip() for line in text.splitlines() if line.strip().startswith("curl ")]
    # Schemathesis hides the token; show the variable a person substitutes instead.
    curls = [c.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $NPQ_TOKEN"') for c in curls]
    noise = ("curl ", "Reproduce with", "(")
    lines = [
        line.rstrip() for line in text.splitlines() if line.strip() and not line.strip().startswith(noise)
    ]
    expected = SCHEMA_EXPECTED if "Schemathesis" in text else ""
    return expected, "\n".join(lines[:12]), curls[0] if curls else ""


class Collector:
    """Keeps results keyed by rule label, in first-seen order."""

    def __init__(self) -> None:
        self.rules: dict[str, RuleResult] = {}

    def add(self, label: str, outcome: Outcome) -> None:
        self.rules.setdefault(label, RuleResult(label)).outcomes.append(outcome)

    def counts(self) -> dict[str, int]:
        counts = {"passed": 0, "failed": 0, "skipped": 0}
        for rule in self.rules.values():
            counts[rule.verdict] += 1
        return counts

    def render(self, header: str) -> list[str]:
        out = ["", "=" * 100, header, "=" * 100]
        for rule in sorted(self.rules.values(), key=lambda r: ORDER[r.verdict]):
            verdict = rule.verdict
            tag = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP"}[verdict]
            out.append(f"{tag}  {rule.label}")
            if verdict == "failed":
                for o in [o for o in rule.outcomes if o.outcome == "failed"][:5]:
                    out.append(f"      test:     {o.nodeid}")
                    if o.expected:
                        out.append(f"      expected: {o.expected}")
                    for i, line in enumerate(o.got.splitlines() or [""]):
                        out.append(("      got:      " if i == 0 else "                ") + line)
                    if o.curl:
                        out.append(f"      request:  {o.curl}")
            elif verdict == "skipped":
                reasons = sorted({o.reason for o in rule.outcomes if o.reason})
                out.append(f"      reason:   {'; '.join(reasons)[:300]}")
        c = self.counts()
        verdict = "NOT COMPLIANT" if c["failed"] else "COMPLIANT"
        out.append("-" * 100)
        out.append(
            f"{verdict}: {c['passed']} rules/checks passed, {c['failed']} failed, {c['skipped']} skipped"
        )
        return out


def skip_reason(longrepr: Any) -> str:
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr or "")
