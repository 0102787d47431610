"""The testing API's billing additions (design/testing-api.md, "Additions for v2 and v3"): delivery partners
with their partnerships, statements, and DfE's payment runs on statements (V-73, V-95, V-102)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Response

from mockserver.errors import InvalidAttribute
from mockserver.representations.v3 import V3
from mockserver.seeding.factory import rfc3339
from mockserver.seeding.timeline import iso
from mockserver.services.context import Context
from mockserver.services.statements import move_statement
from mockserver.store import delivery_partners as partner_store
from mockserver.store import statements as statement_store
from mockserver.store.db import write_transaction
from mockserver.testing_api.common import blueprint, context, json_answer, read_body

_COHORT_ID = re.compile(r"^(\d{4})([a-z])$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATES = ("open", "payable", "paid")


def _cohort(ctx: Context, attribute: str, value: object) -> tuple[int, str]:
    """A cohort as a start year (its latest suffix) or an identifier such as "2024a"."""
    year: int | None = None
    suffix: str | None = None
    if type(value) is int:
        year = value
    elif isinstance(value, str) and value.isdigit():
        year = int(value)
    elif isinstance(value, str) and (match := _COHORT_ID.match(value)):
        year, suffix = int(match.group(1)), match.group(2)
    suffixes = statement_store.cohort_suffixes(ctx.conn, year) if year is not None and year < 10**6 else []
    if not suffixes or (suffix is not None and suffix not in suffixes):
        raise InvalidAttribute(attribute, "must be a known cohort: a start year (e.g. 2024) or an identifier "
                                          "(e.g. 2024a)")
    return year, suffix or suffixes[-1]  # type: ignore[return-value]


def _provider(ctx: Context, attribute: str, value: object) -> str:
    known = statement_store.provider_ids(ctx.conn)
    if not isinstance(value, str) or value.lower() not in known:
        raise InvalidAttribute(attribute, "must be the id of a lead provider")
    return value.lower()


def _date(attribute: str, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        raise InvalidAttribute(attribute, "must be a date YYYY-MM-DD, or null")
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InvalidAttribute(attribute, "is not a real date") from None


def _int(attribute: str, value: object, low: int, high: int) -> int:
    if type(value) is not int or not low <= value <= high:
        raise InvalidAttribute(attribute, f"must be an integer from {low} to {high}")
    return value


def _bool(attribute: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise InvalidAttribute(attribute, "must be true or false")
    return value


def _stamp(attribute: str, body: dict[str, Any], default: str) -> str:
    return iso(rfc3339(attribute, body[attribute])) if attribute in body else default


def statement_document(row: dict[str, Any]) -> dict[str, Any]:
    """The statement as v3 shows it to its provider, with lead_provider_id added to its attributes."""
    shown = V3.statement(row)
    shown["attributes"]["lead_provider_id"] = row["lead_provider_id"]
    return {"data": shown}


@blueprint.post("/delivery-partners")
def create_delivery_partner() -> Response:
    """A delivery partner and its partnerships (provider, exact cohort); 201."""
    body, ctx = read_body(), context()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidAttribute("name", "must be a non-empty string")
    partnerships = body.get("partnerships", [])
    if not isinstance(partnerships, list) or not all(isinstance(p, dict) for p in partnerships):
        raise InvalidAttribute("partnerships", "must be a list of {\"lead_provider_id\", \"cohort\"} objects")
    with write_transaction(ctx.conn):
        if partner_store.name_taken(ctx.conn, name):
            raise InvalidAttribute("name", "has already been taken")
        created = _stamp("created_at", body, ctx.now_stamp)
        updated = _stamp("updated_at", body, created)
        links = []
        for item in partnerships:
            provider = _provider(ctx, "partnerships", item.get("lead_provider_id"))
            year, suffix = _cohort(ctx, "partnerships", item.get("cohort"))
            links.append((provider, year, suffix))
        partner_id = ctx.new_id()
        partner_store.insert(
            ctx.conn,
            [{"id": partner_id, "name": name, "created_at": created, "updated_at": updated}],
            [{"delivery_partner_id": partner_id, "lead_provider_id": p, "cohort": y, "cohort_suffix": s,
              "created_at": created} for p, y, s in links],
        )
        shown = partner_store.partnerships_of(ctx.conn, partner_id)
    return json_answer({"data": {"id": partner_id, "name": name, "created_at": created, "updated_at": updated,
                                 "partnerships": shown}}, 201)


@blueprint.post("/statements")
def create_statement() -> Response:
    """A statement of a provider and cohort; 201 with it as v3 shows it (plus lead_provider_id)."""
    body, ctx = read_body(), context()
    with write_transaction(ctx.conn):
        provider = _provider(ctx, "lead_provider_id", body.get("lead_provider_id"))
        year, suffix = _cohort(ctx, "cohort", body.get("cohort"))
        row = {
            "lead_provider_id": provider, "cohort": year, "cohort_suffix": suffix,
            "year": _int("year", body.get("year"), 2000, 2100),
            "month": _int("month", body.get("month"), 1, 12),
            "deadline_date": _date("deadline_date", body.get("deadline_date")),
            "payment_date": _date("payment_date", body.get("payment_date")),
            "output_fee": int(_bool("output_fee", body.get("output_fee", True))),
        }
        state = body.get("state", "open")
        if state not in _STATES:
            raise InvalidAttribute("state", "must be one of: " + ", ".join(_STATES))
        created = _stamp("created_at", body, ctx.now_stamp)
        updated = _stamp("updated_at", body, created)
        if statement_store.exists(ctx.conn, provider, year, suffix, row["year"], row["month"]):
            raise InvalidAttribute("month", "the provider has a statement for this cohort, year and month")
        statement_id = ctx.new_id()
        statement_store.insert(ctx.conn, [{**row, "id": statement_id, "state": state, "created_at": created,
                                           "updated_at": updated}])
        stored = statement_store.get(ctx.conn, statement_id)
    return json_answer(statement_document(stored), 201)  # type: ignore[arg-type]


@blueprint.put("/statements/<statement_id>")
def update_statement(statement_id: str) -> Response:
    """DfE changes a statement: dates, output_fee, or its state (payable/paid run the payment runs, V-73)."""
    body, ctx = read_body(), context()
    with write_transaction(ctx.conn):
        found = statement_store.get(ctx.conn, statement_id.lower())
        if found is None:
            return json_answer({"error": "Resource not found"}, 404)
        changes: dict[str, object] = {}
        for name in ("deadline_date", "payment_date"):
            if name in body:
                changes[name] = _date(name, body[name])
        if "output_fee" in body:
            changes["output_fee"] = int(_bool("output_fee", body["output_fee"]))
        target = body.get("state", found["state"])
        if "state" in body and target not in ("payable", "paid"):
            raise InvalidAttribute("state", "must be payable or paid")
        updated = _stamp("updated_at", body, ctx.now_stamp)
        if target != found["state"]:
            if not move_statement(ctx, found, str(target)):
                raise InvalidAttribute("state", f"DfE cannot move a statement from {found['state']} back")
            changes["state"] = target
        changes["updated_at"] = updated
        statement_store.update(ctx.conn, found["id"], changes)
        stored = statement_store.get(ctx.conn, found["id"])
    return json_answer(statement_document(stored))  # type: ignore[arg-type]

