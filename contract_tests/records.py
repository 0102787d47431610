"""Reading whole collections through v1 pagination, and small helpers over records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contract_tests import expect
from contract_tests.client import Client

LISTS = {
    "applications": ("/api/v1/npq-applications", "npq_application", "updated_at"),
    "participants": ("/api/v1/participants/npq", "npq-participant", "updated_at"),
    "declarations": ("/api/v1/participant-declarations", "participant-declaration", "updated_at"),
    "outcomes": ("/api/v1/participants/npq/outcomes", "participant-outcome", "created_at"),
}
MAX_PAGE = 3000


def all_records(
    api: Client, path: str, params: dict[str, Any] | None = None, per_page: int = MAX_PAGE
) -> list[dict]:
    """Every record of a list, page by page, in server order."""
    out: list[dict] = []
    seen: set[str] = set()
    page = 1
    while True:
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
