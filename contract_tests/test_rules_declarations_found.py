"""Sandbox mode: a `started` declaration for a found participant, shown, listed, voided (R-104..R-110).

Runs only against a server without the testing API (a real sandbox); with it, test_rules_declarations makes
its own records. The participant is found, not made, so facts v1 does not show may rightly refuse the
declaration (withdrawn, schedule start, contract, funding ended, an earlier declaration, delivery partner):
those answers move on to the next candidate and, if none is left, skip saying why. Any other answer fails.
The declaration is voided before the module ends, so the sandbox is left as it was found.
"""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from contract_tests import expect
from contract_tests.capabilities import World
from contract_tests.client import Client, ContractFailure, Reply
from contract_tests.records import fmt_ts, judge_declaration_flags, judge_fields
from contract_tests.rules import rule as row

pytestmark = [pytest.mark.writes]
APPS = "/api/v1/npq-applications"
PARTS = "/api/v1/participants/npq"
DECLS = "/api/v1/participant-declarations"
ALTERNATIVES = {"npq-early-headship-coaching-offer", "npq-additional-support-offer"}
BILLABLE = {"submitted", "eligible", "payable", "paid"}  # occupy the `started` slot
MAX_ATTEMPTS = 5
MAX_LOOKUPS = 40
BUDGET = 60.0  # seconds spent finding a candidate

# Right answers the suite cannot predict for a found participant: (rule, title, detail pattern).
HIDDEN = [
    ("R-82 withdrawn", "participant_id", row("declaration.after_withdrawal").pattern(withdrawn_at=r"\S+Z")),
    ("R-84 before the schedule start", "declaration_date", row("declaration.before_schedule").pattern()),
    # v1 does not show an application's schedule, so an accepted application without one is a hidden fact.
    ("R-87 no schedule", "application", row("declaration.schedule_missing").pattern()),
    ("R-88 type not in the schedule", "declaration_type", row("declaration.type_not_in_schedule").pattern()),
    ("R-89 no contract", "cohort", row("declaration.no_contract").pattern()),
    ("R-100 funding contract ended", "cohort", row("declaration.contract_ended").pattern(year=r"\d{4}")),
    ("R-102 already declared", "base", row("declaration.duplicate").pattern()),
    ("R-103 future date", "declaration_date", row("declaration.future_date").pattern()),
    (
        "R-103 delivery partner (D4)",
        "delivery_partner_id",
        row("declaration.delivery_partner_required").pattern(),
    ),
]


@dataclass
class Found:
    """The outcome of the search, shared by the module's checks."""

    app: dict[str, Any] | None = None
    body: dict[str, Any] | None = None
    reply: Reply | None = None  # the 200 that created the declaration
    failure: ContractFailure | None = None  # a wrong answer while creating it: R-104 reports it
    skip: str = ""
    voided: bool = False

    @property
    def id(self) -> str:
        assert self.reply is not None
        return self.reply.data["id"]

    @property
    def person(self) -> str:
        assert self.app is not None
        return self.app["attributes"]["participant_id"]

    seen: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # further declarations made, voided when done


def _hidden_reasons(reply: Reply) -> list[str] | None:
    """The hidden-fact rules a 422 names, or None if any of its errors is not one of them."""
    if reply.status != 422:
        return None
    try:
        errors = reply.json().get("errors")
    except (ContractFailure, AttributeError):
        return None
    if not isinstance(errors, list) or not errors:
        return None
    reasons = []
    for err in errors:
        rule = next(
            (
                rule
                for rule, title, detail in HIDDEN
                if isinstance(err, dict)
                and err.get("title") == title
                and re.fullmatch(detail, str(err.get("detail", "")))
            ),
            None,
        )
        if rule is None:
            return None
        reasons.append(rule)
    return reasons


def _server_now(reply: Reply) -> str | None:
    try:
        stamp = parsedate_to_datetime(reply.headers["date"])
    except (KeyError, TypeError, ValueError):
        return None
    return fmt_ts(stamp - timedelta(minutes=1))


def _candidates(apps: list[dict]) -> list[dict]:
    """Accepted applications, cohorts 2021-2023 (no delivery-partner rule, D4) and ordinary courses first."""
    accepted = [a for a in apps if a.get("attributes", {}).get("status") == "accepted"]

    def rank(app: dict) -> tuple[int, int]:
        attrs = app["attributes"]
        cohort = str(attrs.get("cohort"))
        return (
            0 if cohort in ("2021", "2022", "2023") else 1,
            int(attrs.get("course_identifier") in ALTERNATIVES),
        )

    return sorted(accepted, key=rank)


def _already_started(api: Client, app: dict) -> bool:
    """v1 shows a billable `started` declaration for this participant and course: R-102 would refuse."""
    attrs = app["attributes"]
    reply = api.get(DECLS, params={"filter[participant_id]": attrs["participant_id"], "page[per_page]": 3000})
    if reply.status != 200:
        return False  # let the attempt itself be judged
    courses = {attrs["course_identifier"]} | (
        ALTERNATIVES if attrs["course_identifier"] in ALTERNATIVES else set()
    )
    return any(
        d["attributes"].get("declaration_type") == "started"
        and d["attributes"].get("course_identifier") in courses
        and d["attributes"].get("state") in BILLABLE
        for d in reply.data
    )


def _search(api: Client) -> Found:
    found = Found()
    listed = api.get(APPS, params={"page[per_page]": 3000})
    apps = expect.ok(listed, "R-45 list applications")
    date = _server_now(listed)
    if date is None:
        found.skip = "the server sends no Date header, so the suite cannot date a declaration by its clock"
        return found
    started, attempts, lookups = time.monotonic(), 0, 0
    for app in _candidates(apps):
        if attempts >= MAX_ATTEMPTS or lookups >= MAX_LOOKUPS or time.monotonic() - started > BUDGET:
            break
        attrs = app["attributes"]
        lookups += 1
        if api.get(f"{PARTS}/{attrs['participant_id']}").status != 200 or _already_started(api, app):
            continue
        attempts += 1
        body = {
            "data": {
                "type": "participant-declaration",
                "attributes": {
                    "participant_id": attrs["participant_id"],
                    "declaration_type": "started",
                    "declaration_date": date,
                    "course_identifier": attrs["course_identifier"],
                },
            }
        }
        reply = api.post(DECLS, body)
        if reply.status == 200:
            found.app, found.body, found.reply = app, body, reply
            return found
        reasons = _hidden_reasons(reply)
        if reasons is None:
            found.failure = ContractFailure(
                "R-104 declaration for an accepted participant",
                "HTTP 200, or a 422 naming only R-82/R-84/R-87/R-88/R-89/R-100/R-102/R-103",
                reply.short(),
                reply.curl,
            )
            return found
        found.seen.append(
            f"{attrs['participant_id']} ({attrs.get('cohort')}, {attrs['course_identifier']}): "
            + ", ".join(reasons)
        )
    tried = "; ".join(found.seen) if found.seen else "no accepted participant without a `started` declaration"
    found.skip = f"no found participant could be declared for: {tried}"
    return found


@pytest.fixture(scope="module")
def found(world: World, api: Client) -> Iterator[Found]:
    if world.testing_api:
        pytest.skip(
            "the server has the testing API: test_rules_declarations covers this with records it makes"
        )
    result = _search(api)
    yield result
    # Leave the sandbox tidy: every declaration made here ends voided.
    if result.reply is not None and not result.voided:
        api.put(f"{DECLS}/{result.id}/void")
    for extra in result.extra:
        api.put(f"{DECLS}/{extra}/void")


def _created(found: Found) -> Found:
    if found.failure is not None:
        pytest.skip(f"no declaration was created (see R-104): {found.failure.got[:150]}")
    if found.reply is None:
        pytest.skip(found.skip)
    return found


@pytest.mark.quick
@pytest.mark.rule(
    "R-104", "sandbox: started declaration for a found accepted participant, its version's shape"
)
def test_r104_found_declaration(found: Found, version: str) -> None:
    if found.failure is not None:
        raise found.failure
    f = _created(found)
    reply = f.reply
    assert reply is not None and f.app is not None
    data = expect.ok(reply, "R-104 declaration create answers 200")
    expect.equal(data.get("type"), "participant-declaration", "R-22 declaration type", "data.type", reply)
    attrs = data.get("attributes") or {}
    expect.equal(
        attrs.get("declaration_type"), "started", "R-104 declaration_type", "declaration_type", reply
    )
    expect.equal(attrs.get("participant_id"), f.person, "R-104 participant_id", "participant_id", reply)
    course = f.app["attributes"]["course_identifier"]
    allowed = ALTERNATIVES if course in ALTERNATIVES else {course}
    expect.true(
        attrs.get("course_identifier") in allowed,
        "R-27 course_identifier is the application's course",
        f"course_identifier in {sorted(allowed)}",
        repr(attrs.get("course_identifier")),
        reply,
    )
    expect.true(
        attrs.get("state") in ("submitted", "eligible", "ineligible"),
        "R-104 a new declaration is submitted, eligible or ineligible",
        "state in submitted/eligible/ineligible",
        repr(attrs.get("state")),
        reply,
    )
    judge_fields(attrs, "declarations", version, f"R-21 declaration attributes ({version})", reply)
    judge_declaration_flags(attrs, version, "R-29 voided flag", reply)


@pytest.mark.quick
@pytest.mark.rule("R-108", "sandbox: show the found participant's declaration")
def test_r108_found_show(found: Found, api: Client) -> None:
    f = _created(found)
    if f.voided:
        pytest.skip("the declaration was already voided by an earlier check")
    reply = api.get(f"{DECLS}/{f.id}")
    shown = expect.ok(reply, "R-108 show declaration")
    created = f.reply.data if f.reply else {}
    expect.equal(shown, created, "R-108 show equals the created declaration", "the record", reply)


@pytest.mark.quick
@pytest.mark.rule("R-39", "sandbox: filter[participant_id] lists the found participant's declaration")
def test_r39_found_filter(found: Found, api: Client) -> None:
    f = _created(found)
    reply = api.get(DECLS, params={"filter[participant_id]": f.person, "page[per_page]": 3000})
    data = expect.ok(reply, "R-39 filtered declarations")
    expect.true(
        f.id in [d.get("id") for d in data],
        "R-39 filter[participant_id] includes the participant's declaration",
        f"declaration {f.id} in the list",
        f"ids {[d.get('id') for d in data][:5]}",
        reply,
    )
    others = [d.get("id") for d in data if d.get("attributes", {}).get("participant_id") != f.person]
    expect.true(not others, "R-39 only that participant", "no other participant", f"{others[:3]}", reply)


@pytest.mark.quick
@pytest.mark.versions("v1", "v2", reason="v3 has no CSV, V-05")
@pytest.mark.rule("R-31", "sandbox: the declarations CSV holds the found participant's declaration")
def test_r31_found_csv(found: Found, api: Client) -> None:
    f = _created(found)
    reply = api.get(f"{DECLS}.csv", params={"filter[participant_id]": f.person})
    expect.status(reply, 200, "R-31 declarations CSV")
    rows = {row.get("id"): row for row in csv.DictReader(io.StringIO(reply.text))}
    row = rows.get(f.id)
    expect.true(
        row is not None, "R-31 CSV row per declaration", f"a row with id {f.id}", reply.short(), reply
    )
    assert row is not None
    expect.equal(
        (row.get("participant_id"), row.get("declaration_type")),
        (f.person, "started"),
        "R-31 CSV columns",
        "(participant_id, declaration_type)",
        reply,
    )


@pytest.mark.quick
@pytest.mark.rule("R-102", "sandbox: re-posting the found participant's declaration (422 unless ineligible)")
def test_r102_found_duplicate(found: Found, api: Client) -> None:
    f = _created(found)
    if f.voided:
        pytest.skip("the declaration was already voided by an earlier check")
    reply = api.post(DECLS, f.body)
    state = f.reply.data["attributes"].get("state") if f.reply else None
    if state != "ineligible":
        expect.refused(reply, "declaration.duplicate", "R-102 identical re-post (no replay)")
        return
    # An ineligible declaration (R-104: another person with the same TRN was declared for) does not occupy
    # the slot, so the re-post is a second declaration; it is voided at once.
    data = expect.ok(reply, "R-102 an ineligible declaration does not occupy the slot")
    f.extra.append(data["id"])
    expect.true(data["id"] != f.id, "R-102 a new declaration", "a new id", data["id"], reply)
    expect.ok(api.put(f"{DECLS}/{data['id']}/void"), "R-109 void the second declaration")
    f.extra.remove(data["id"])


@pytest.mark.quick
@pytest.mark.rule("R-109", "sandbox: void the found participant's declaration")
def test_r109_found_void(found: Found, api: Client, version: str) -> None:
    f = _created(found)
    reply = api.put(f"{DECLS}/{f.id}/void")
    f.voided = reply.status == 200
    data = expect.ok(reply, "R-109 void")
    attrs = data.get("attributes") or {}
    expect.equal(attrs.get("state"), "voided", "R-109 void sets state voided", "state", reply)
    judge_declaration_flags(attrs, version, "R-29 voided flag", reply)


@pytest.mark.quick
@pytest.mark.rule("R-110", "sandbox: void the found participant's declaration twice")
def test_r110_found_void_twice(found: Found, api: Client) -> None:
    f = _created(found)
    if not f.voided:
        reply = api.put(f"{DECLS}/{f.id}/void")
        f.voided = reply.status == 200
        expect.ok(reply, "R-109 void (before voiding twice)")
    expect.refused(api.put(f"{DECLS}/{f.id}/void"), "declaration.already_voided", "R-110 void twice")
