"""Stories: small consistent scenarios (one or a few applications each) that together make a seeded world."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mockserver.reference import ScheduleTemplate
from mockserver.seeding.builder import WorldBuilder
from mockserver.seeding.draws import pick
from mockserver.seeding.timeline import DAY, WORLD_NOW_SECONDS, after
from mockserver.seeding.training import pause, train

ALL_GROUPS = ("leadership", "specialist", "ehco", "support")
OUTCOME_GROUPS = ("leadership", "specialist")


@dataclass(frozen=True)
class Kind:
    """How one accepted application's training goes."""

    cohorts: tuple[int, ...]
    groups: tuple[str, ...] = ALL_GROUPS
    depth: tuple[int, int] | None = None  # (min, max) milestones declared; None: every one reached
    ending: str | None = None  # final state of the last declaration
    passed: bool | None = None
    pause: str | None = None  # deferred | withdrawn | resumed
    eligible: bool | None = None
    funded_place: bool | None = None
    catchments: tuple[str, ...] = ("england",)


KINDS: dict[str, Kind] = {
    "fresh": Kind((2025,), depth=(0, 0)),
    "in_progress": Kind((2024, 2025)),
    "paid": Kind((2021, 2022, 2023), eligible=True),
    "unfunded": Kind((2022, 2023), eligible=False),
    "no_funded_place": Kind((2024, 2025), eligible=True, funded_place=False),
    "voided": Kind((2022, 2023, 2024), depth=(1, 2), ending="voided"),
    "awaiting_clawback": Kind((2021, 2022, 2023), depth=(1, 3), ending="awaiting_clawback", eligible=True),
    "clawed_back": Kind((2021, 2022), depth=(1, 3), ending="clawed_back", eligible=True),
    "passed": Kind((2021, 2022, 2023), OUTCOME_GROUPS, passed=True, eligible=True),
    "failed": Kind((2021, 2022, 2023), OUTCOME_GROUPS, passed=False),
    "outcome_voided": Kind((2021, 2022), OUTCOME_GROUPS, ending="voided", passed=True),
    "deferred": Kind((2022, 2023, 2024, 2025), depth=(1, 2), pause="deferred"),
    "withdrawn": Kind((2021, 2022, 2023, 2024), depth=(1, 3), pause="withdrawn"),
    "resumed": Kind((2023, 2024), depth=(1, 2), pause="resumed"),
    "overseas": Kind((2022, 2023, 2024, 2025), catchments=("another",)),
    "elsewhere_uk": Kind((2022, 2023, 2024, 2025), catchments=("scotland", "wales", "northern_ireland",
                                                               "jersey_guernsey_isle_of_man")),
}
NEEDS_DECLARATIONS = 62 * DAY


def accepted(b: WorldBuilder, provider_id: str, name: str) -> None:
    """One person, one application accepted by the provider, and a training history of the given kind."""
    kind, rng = KINDS[name], b.rng
    cohort = pick(rng, kind.cohorts)
    course = pick(rng, b.courses_for(cohort, kind.groups))
    at = b.registration_time(cohort)
    user = b.person(at)
    app = b.apply(user, provider_id, cohort, course, at, catchment=pick(rng, kind.catchments),
                  eligible=kind.eligible)
    wants = kind.depth != (0, 0)
    schedule = b.schedule_for(cohort, course, WORLD_NOW_SECONDS - (NEEDS_DECLARATIONS if wants else 0))
    b.accept(app, user, accept_time(b, at, cohort, schedule), schedule, funded_place=kind.funded_place)
    depth = None if kind.depth is None else _randint(b, *kind.depth)
    made = train(b, app, schedule, depth=depth, ending=kind.ending, passed=kind.passed) if wants else []
    if kind.pause and made:
        pause(b, app, made, "withdrawn" if kind.pause == "withdrawn" else "deferred",
              resume=kind.pause == "resumed")


def _randint(b: WorldBuilder, low: int, high: int) -> int:
    """rng.randint(low, high): the same draw (a draw even when low == high), as timeline.after makes it."""
    return low + b.rng._randbelow(high - low + 1)


def accept_time(b: WorldBuilder, created: int, cohort: int, schedule: ScheduleTemplate) -> int:
    """Some days after applying (at `created`), and before the schedule starts so every declaration
    follows acceptance."""
    start = b.schedule_start(schedule, cohort)
    return max(created + 5 * 60, min(after(b.rng, created, 1, 20), start - 2 * 3600))


def pending(b: WorldBuilder, provider_id: str, cohort: int | None = None) -> None:
    """A person with an application the provider has not decided on yet."""
    cohort = cohort or pick(b.rng, (2023, 2024, 2024, 2025, 2025, 2025))
    at = b.registration_time(cohort)
    b.apply(b.person(at), provider_id, cohort, pick(b.rng, b.courses_for(cohort, ALL_GROUPS)), at)


def rejected(b: WorldBuilder, provider_id: str, cohort: int | None = None) -> None:
    """A person whose application the provider rejected."""
    cohort = cohort or pick(b.rng, (2021, 2022, 2023, 2024, 2025))
    at = b.registration_time(cohort)
    user = b.person(at)
    app = b.apply(user, provider_id, cohort, pick(b.rng, b.courses_for(cohort, ALL_GROUPS)), at)
    b.reject(app, user, min(after(b.rng, at, 2, 40), WORLD_NOW_SECONDS - DAY))


def two_providers(b: WorldBuilder, provider_id: str, other_id: str) -> Counter[str]:
    """Two people who applied to two providers for one course: one accepted here (the other application
    auto-rejected, R-57), one still pending at both."""
    for decided in (True, False):
        cohort = 2024 if decided else 2025
        course = b.rng.choice(b.courses_for(cohort, OUTCOME_GROUPS))
        at = b.registration_time(cohort)
        user = b.person(at)
        mine = b.apply(user, provider_id, cohort, course, at)
        applied = after(b.rng, at, 0, 3)
        theirs = b.apply(user, other_id, cohort, course, applied)
        if decided:
            schedule = b.schedule_for(cohort, course, WORLD_NOW_SECONDS - NEEDS_DECLARATIONS)
            when = accept_time(b, applied, cohort, schedule)
            b.accept(mine, user, when, schedule)
            b.reject(theirs, user, when)
            train(b, mine, schedule, depth=1)
    return Counter({provider_id: 2, other_id: 2})


def shared_trn(b: WorldBuilder, provider_id: str) -> Counter[str]:
    """Two people recorded with the same TRN: the later one's started declaration is a duplicate (R-104)."""
    course = b.rng.choice(b.courses_for(2022, OUTCOME_GROUPS))
    first = second = None
    for cohort in (2022, 2023):
        at = b.registration_time(cohort)
        user = b.person(at, teacher_reference_number=first["trn"] if first else None, verified=True)
        app = b.apply(user, provider_id, cohort, course, at, eligible=True)
        schedule = b.schedule_for(cohort, course, WORLD_NOW_SECONDS - NEEDS_DECLARATIONS)
        b.accept(app, user, accept_time(b, at, cohort, schedule), schedule)
        decl = train(b, app, schedule, depth=1)[0]
        if first is None:
            first, second = user, decl
        else:
            decl.update(state="ineligible", superseded_by_id=second["id"], updated_at=decl["created_at"])
    return Counter({provider_id: 2})


def previously_funded(b: WorldBuilder, provider_id: str) -> Counter[str]:
    """One person funded twice for the same course in two cohorts: R-40 marks both previously funded."""
    course = b.rng.choice(b.courses_for(2021, ("leadership",)))
    user = None
    for cohort in (2021, 2023):
        at = b.registration_time(cohort)
        user = user or b.person(at, verified=True)
        app = b.apply(user, provider_id, cohort, course, at, eligible=True)
        schedule = b.schedule_for(cohort, course, WORLD_NOW_SECONDS - NEEDS_DECLARATIONS)
        b.accept(app, user, accept_time(b, at, cohort, schedule), schedule)
        app["_prev"] = cohort == 2023  # declared after the second acceptance: not fundable
        train(b, app, schedule, depth=1 if cohort == 2023 else 2)
    return Counter({provider_id: 2})
