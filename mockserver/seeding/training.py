"""Training histories for accepted applications: declarations, DfE payment states, outcomes, deferrals."""

from __future__ import annotations

from mockserver.reference import ScheduleTemplate
from mockserver.seeding.builder import Row, WorldBuilder
from mockserver.seeding.pools import new_uuid
from mockserver.seeding.timeline import DAY, WORLD_NOW_SECONDS, after, stamp, stamp_seconds

# Days after applies_from by which each declaration is usually made (guidance milestones, roughly).
DUE_DAYS = {"started": (5, 60), "retained-1": (160, 220), "retained-2": (300, 370), "completed": (480, 560)}
SPECIALIST_COMPLETED = (330, 400)  # specialist courses have no retained-2
LATEST = WORLD_NOW_SECONDS - 2 * DAY  # seeded events keep clear of WORLD_NOW


def is_fundable(app: Row) -> bool:
    """R-41 on the seeded record (seeded people are never previously funded unless a story says so)."""
    return bool(app["eligible_for_funding"]) and app["funded_place"] in (None, 1) and not app.get("_prev")


def declaration_dates(b: WorldBuilder, app: Row, schedule: ScheduleTemplate) -> list[tuple[str, int]]:
    """(type, date) for each milestone of the schedule reached before WORLD_NOW, in order."""
    start = b.schedule_start(schedule, int(app["cohort"]))  # type: ignore[call-overload]
    found = []
    randbelow = b.rng._randbelow
    for kind, low, span in _windows(schedule.declaration_types):
        moment = start + low + randbelow(span)  # after(b.rng, start, *days), as after draws it
        if moment >= LATEST:
            break
        found.append((kind, moment))
    return found


_WINDOWS: dict[tuple[str, ...], list[tuple[str, int, int]]] = {}


def _windows(types: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """(type, seconds from the schedule's start to its window, window's seconds + 1) of each milestone."""
    found = _WINDOWS.get(types)
    if found is None:
        found = _WINDOWS[types] = []
        for kind in types:
            low, high = SPECIALIST_COMPLETED if kind == "completed" and "retained-2" not in types \
                else DUE_DAYS[kind]
            found.append((kind, int(low * DAY), int(high * DAY) - int(low * DAY) + 1))
    return found


def declare(b: WorldBuilder, app: Row, kind: str, when: int, *, state: str | None = None,
            fundable: bool | None = None) -> Row:
    """A declaration as R-104 leaves it, then moved along by DfE's payment runs according to its age
    (`fundable`: is_fundable(app), when the caller knows it)."""
    created = min(after(b.rng, when, 0, 4), LATEST)
    if state is None:
        state = "eligible" if (is_fundable(app) if fundable is None else fundable) else "submitted"
        age = (WORLD_NOW_SECONDS - created) // DAY
        if state == "eligible" and age > 150:
            state = "paid"
        elif state == "eligible" and age > 45:
            state = "payable"
    made = stamp(created)
    if state in ("submitted", "eligible", "ineligible"):
        changed = made
    else:
        updated = min(after(b.rng, created, 20, 45), LATEST)
        changed = made if updated <= created else stamp(updated)
    row = {
        "id": new_uuid(b.rng), "application_id": app["id"], "user_id": app["user_id"],
        "lead_provider_id": app["lead_provider_id"], "cohort": app["cohort"], "declaration_type": kind,
        "declaration_date": stamp(when), "state": state, "superseded_by_id": None,
        "created_at": made, "updated_at": changed,
        "delivery_partner_id": None, "secondary_delivery_partner_id": None,  # seeding/billing.py sets them
    }
    b.rows.declarations.append(row)
    return row


def change_state(b: WorldBuilder, decl: Row, state: str) -> int:
    """Void, claw back or otherwise move a declaration later on; returns when it happened."""
    at = min(after(b.rng, stamp_seconds(str(decl["updated_at"])), 1, 30), WORLD_NOW_SECONDS - 3600)
    decl["state"] = state
    b.touch(decl, stamp(at))
    return at


def outcome(b: WorldBuilder, decl: Row, state: str, at: int) -> Row:
    """An outcome on a completed declaration; completion_date is the declaration's date (R-106)."""
    row = {
        "id": new_uuid(b.rng), "declaration_id": decl["id"], "lead_provider_id": decl["lead_provider_id"],
        "user_id": decl["user_id"], "state": state, "completion_date": str(decl["declaration_date"])[:10],
        "created_at": stamp(at),
    }
    b.rows.outcomes.append(row)
    return row


def train(b: WorldBuilder, app: Row, schedule: ScheduleTemplate, *, depth: int | None = None,
          ending: str | None = None, passed: bool | None = None) -> list[Row]:
    """Declarations up to `depth` milestones; `ending` voids or claws back the last; outcomes if completed."""
    made = []
    fundable = is_fundable(app)  # no declaration changes what it reads
    for kind, when in declaration_dates(b, app, schedule)[:depth]:
        decl = declare(b, app, kind, when, fundable=fundable)
        made.append(decl)
        if kind == "completed" and b.ref.has_outcomes(str(app["course_identifier"])):
            ok = b.rng.random() < 0.85 if passed is None else passed
            outcome(b, decl, "passed" if ok else "failed", stamp_seconds(str(decl["created_at"])))
    if made and ending:
        last = made[-1]
        if ending in ("awaiting_clawback", "clawed_back"):
            last["state"] = "paid"  # claw-backs start from a paid declaration
        elif last["state"] == "paid":
            last["state"] = "payable"  # a paid declaration would be clawed back, not voided
        at = change_state(b, last, ending)
        if last["declaration_type"] == "completed" and b.ref.has_outcomes(str(app["course_identifier"])):
            outcome(b, last, "voided", at)  # voiding a completed declaration voids its outcome
    return made


def pause(b: WorldBuilder, app: Row, made: list[Row], state: str, *, resume: bool = False) -> None:
    """Defer or withdraw after the last declaration (R-76, R-78), optionally resuming afterwards."""
    last = stamp_seconds(str(made[-1]["declaration_date"]))
    at = min(after(b.rng, last, 5, 60), LATEST)
    reasons = b.ref.deferral_reasons if state == "deferred" else b.ref.withdrawal_reasons
    b.record_state(app, state, b.rng.choice(reasons), at)
    if resume:
        b.record_state(app, "active", None, min(after(b.rng, at, 1, 40), WORLD_NOW_SECONDS - DAY))
