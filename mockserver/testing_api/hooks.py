"""Testing-API use cases without Flask: DfE's payment processing, settings and clock values, validated."""

from __future__ import annotations

import random
import sqlite3
from collections import deque
from typing import Any

from mockserver.domain.states import DECLARATION_STATE
from mockserver.errors import InvalidAttribute
from mockserver.reference import ReferenceData
from mockserver.seeding.factory import rfc3339
from mockserver.seeding.pools import new_uuid
from mockserver.seeding.timeline import iso
from mockserver.services.context import DEFAULT_SETTINGS
from mockserver.services.outcomes import void_outcome_after_clawback
from mockserver.store import testing_rows
from mockserver.store.db import get_setting, set_setting
from mockserver.store.reference_rows import catalog_rows

# The rule switches (D1-D4) a tester may flip: every boolean setting, with its baseline default.
SWITCHES = {key: value for key, value in DEFAULT_SETTINGS.items() if isinstance(value, bool)}

V3_EPOCHS = ("head", "2025-08")  # which v3 rules are in force (reference §0.2)
DFE_TARGETS = ("eligible", "payable", "paid", "awaiting_clawback", "clawed_back")
# DfE moves (section 7.3): payment runs, reverts and claw-backs; a provider's own void of an unpaid
# declaration and the duplicate check are not DfE's to make.
DFE_EVENTS = {"mark_eligible", "mark_payable", "mark_paid", "revert_to_eligible", "mark_clawed_back"}


def dfe_path(start: str, target: str) -> list[str] | None:
    """The shortest chain of DfE moves from start to target (states after each move), or None."""
    moves: dict[str, list[str]] = {}
    for (state, event), after in DECLARATION_STATE.items():
        if event in DFE_EVENTS or (state, event) == ("paid", "void"):
            moves.setdefault(str(state), []).append(after)
    seen, queue = {start: [start]}, deque([start])
    while queue:
        state = queue.popleft()
        if state == target:
            return seen[state][1:]
        for after in moves.get(state, []):
            if after not in seen:
                seen[after] = [*seen[state], after]
                queue.append(after)
    return None


def move_declaration(conn: sqlite3.Connection, ref: ReferenceData, declaration_id: str, target: object,
                     at: str, rng: random.Random) -> bool:
    """Walk a declaration to `target` along DfE's moves (caller's transaction); False if the id is unknown."""
    if not isinstance(target, str) or target not in DFE_TARGETS:
        raise InvalidAttribute("state", "must be one of: " + ", ".join(DFE_TARGETS))
    decl = testing_rows.declaration_row(conn, declaration_id)
    if decl is None:
        return False
    path = dfe_path(decl["state"], target)
    if path is None:
        raise InvalidAttribute("state", f"DfE cannot move a declaration from {decl['state']} to {target}")
    if not path:
        return True  # already there: nothing changes, not even updated_at
    testing_rows.set_declaration_state(conn, declaration_id, target, at)
    clawed = "awaiting_clawback" in path or (target == "clawed_back" and decl["state"] == "paid")
    if clawed and decl["declaration_type"] == "completed" and ref.has_outcomes(decl["course_identifier"]):
        # R-112 exactly as the v1 void applies it (the same function).
        void_outcome_after_clawback(
            conn, lambda: new_uuid(rng), declaration_id=declaration_id, user_id=decl["user_id"],
            provider_id=decl["lead_provider_id"], course=decl["course_identifier"],
            declaration_date=decl["declaration_date"], now=at)
    return True


def current_settings(conn: sqlite3.Connection) -> dict[str, Any]:
    """The switches of the simulated service, as PUT/GET /__mock__/settings show them."""
    shown = {key: bool(get_setting(conn, key, default)) for key, default in SWITCHES.items()}
    return {**shown, "closed_cohorts": sorted(get_setting(conn, "closed_cohorts", []) or []),
            "v3_epoch": get_setting(conn, "v3_epoch", DEFAULT_SETTINGS["v3_epoch"])}


def update_settings(conn: sqlite3.Connection, ref: ReferenceData, body: dict[str, Any]) -> None:
    """Validate every member, then store them (caller's transaction); unknown members are ignored."""
    changes: dict[str, Any] = {}
    for key in SWITCHES.keys() & body.keys():
        if not isinstance(body[key], bool):
            raise InvalidAttribute(key, "must be true or false")
        changes[key] = body[key]
    if "closed_cohorts" in body:
        years = body["closed_cohorts"]
        known = {row[0] for row in catalog_rows(conn)[0]}
        if not isinstance(years, list) or any(type(y) is not int or y not in known for y in years):
            raise InvalidAttribute("closed_cohorts", "must be a list of cohort start years, e.g. [2021]")
        changes["closed_cohorts"] = sorted(set(years))
    if "v3_epoch" in body:
        if body["v3_epoch"] not in V3_EPOCHS:
            raise InvalidAttribute("v3_epoch", "must be one of: " + ", ".join(V3_EPOCHS))
        changes["v3_epoch"] = body["v3_epoch"]
    for key, value in changes.items():
        set_setting(conn, key, value)


def parse_clock(body: dict[str, Any]) -> str | None:
    """The stored form of PUT /__mock__/clock's `now`: 'YYYY-MM-DDTHH:MM:SSZ' in UTC, or None."""
    if "now" not in body:
        raise InvalidAttribute("now", "is required: an RFC 3339 date-time, or null for real time")
    return None if body["now"] is None else iso(rfc3339("now", body["now"]))
