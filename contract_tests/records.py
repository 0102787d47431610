"""Reading whole collections through v1 pagination, and small helpers over records."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from contract_tests import expect
from contract_tests.client import Client, ContractFailure, Reply

T = TypeVar("T")

LISTS = {
    "applications": ("/api/v1/npq-applications", "npq_application", "updated_at"),
    "participants": ("/api/v1/participants/npq", "npq-participant", "updated_at"),
    "declarations": ("/api/v1/participant-declarations", "participant-declaration", "updated_at"),
    "outcomes": ("/api/v1/participants/npq/outcomes", "participant-outcome", "created_at"),
}
MAX_PAGE = 3000
# timestamps in UTC with Z and no fraction; dates (completion_date) as midnight with +00:00.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00\+00:00$")
# §3.5: the v1 declaration attributes in order; the declarations CSV is `id` and these.
DECLARATION_ATTRIBUTES = [
    "participant_id",
    "declaration_type",
    "course_identifier",
    "declaration_date",
    "state",
    "has_passed",
    "voided",
    "eligible_for_payment",
    "updated_at",
]


def all_records(
    api: Client, path: str, params: dict[str, Any] | None = None, per_page: int = MAX_PAGE
) -> list[dict]:
    """Every record of a list, page by page, in server order.

    A real service may hold many thousands of records: reading them all must stay within the run's
    `--list-budget`. Past it the check is skipped (the list is too big to judge here), never failed.
    """
    out: list[dict] = []
    seen: set[str] = set()
    page = 1
    started = time.monotonic()
    while True:
        if page > 1 and time.monotonic() - started > api.list_budget:
            pytest.skip(
                f"reading every record of {path} took over {api.list_budget:.0f}s "
                f"({len(out)} records in {page - 1} pages of {per_page}); raise --list-budget to judge it"
            )
        query = dict(params or {}, **{"page[page]": page, "page[per_page]": per_page})
        reply = api.get(path, params=query)
        data = expect.ok(reply, f"R-33 pagination of {path}")
        fresh = {r.get("id") for r in data} - seen
        if data and not fresh:
            # A page made only of records already seen would page forever: the pages overlap.
            expect.fail("R-33 pages cover every record once", "new records on each page", "a repeat", reply)
        seen |= fresh
        out.extend(data)
        if len(data) < per_page:
            return out
        page += 1


def parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def fmt_ts(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def after_all(records: list[dict], field: str) -> str:
    """A timestamp one second after every record's `field` (or 2000-01-01 when empty)."""
    stamps = [parse_ts(r["attributes"][field]) for r in records if r["attributes"].get(field)]
    latest = max(stamps, default=datetime(2000, 1, 1, tzinfo=UTC))
    return fmt_ts(latest + timedelta(seconds=1))


def ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


def settle(check: Callable[[], T]) -> T:
    """Run a check that compares two or more reads of live data; if it fails, run it once more.

    Other people and processes change a shared sandbox between our calls (a record created or updated
    between reading the JSON list and the CSV, or between two pages). A correct server disagrees at most
    with a moment ago; a broken one disagrees again.
    """
    try:
        return check()
    except ContractFailure:
        return check()


def judge_filter(
    api: Client,
    path: str,
    before: list[dict],
    got: list[dict],
    matches: Callable[[dict], bool],
    rule: str,
    what: str,
    reply: Reply | None = None,
) -> None:
    """A filtered list holds exactly the matching records, judged so that concurrent changes are no alarm.

    - every record returned must match by its own attributes as returned (no stale comparison);
    - every record that matched in a full read taken before must be returned, unless a full read taken
      after shows it no longer matches (e.g. its cohort was changed) or is gone. Timestamps only move
      forward, so for `updated_since` a record that matched stays matching: no omission is excused.
    """
    wrong = [r["id"] for r in got if not matches(r)]
    if wrong:
        expect.fail(rule, f"only records with {what}", f"{len(wrong)} others, e.g. {wrong[:3]}", reply)
    returned = set(ids(got))
    missing = [r["id"] for r in before if matches(r) and r["id"] not in returned]
    if missing:
        after = {r["id"]: r for r in all_records(api, path)}
        missing = [i for i in missing if i in after and matches(after[i])]
    if missing:
        expect.fail(rule, f"every record with {what}", f"{len(missing)} left out, e.g. {missing[:3]}", reply)


def stamp_at_least(field: str, pivot: str) -> Callable[[dict], bool]:
    bound = parse_ts(pivot)
    return lambda r: bool(r["attributes"].get(field)) and parse_ts(r["attributes"][field]) >= bound
