"""Per-app reference lookups (built once) and the per-request context: connection, provider, clock."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from mockserver.domain import rulesets
from mockserver.domain.models import Cohort, Schedule
from mockserver.domain.rulesets import RuleSet, RuleSource
from mockserver.domain.schedules import current_cohort
from mockserver.domain.timeparse import parse_server_date, stamp
from mockserver.reference import ReferenceData
from mockserver.store.db import get_settings, get_settings_of, set_setting
from mockserver.store.records import pairs_of
from mockserver.store.reference_rows import CATALOG_REVISION_KEY, catalog_rows

ID_SEQUENCE_KEY = "api_id_sequence"
DEFAULT_SETTINGS: dict[str, Any] = {
    "delivery_partner_rule": True,
    "closed_cohorts": [],
    "clock": None,
    "drift_reject_requires_reason": False,  # D1
    "drift_accept_ignores_withdrawn": False,  # D2
    "drift_outcome_invalid_date_400": False,  # D3
    "v3_epoch": "head",  # which v3 rules are in force: today's ("head") or August 2025's ("2025-08")
}


class Catalog:
    """Reference data shaped for the rules: courses and reasons from the fixtures; cohorts, schedules and
    contracts from the world's tables (the testing API changes those at run time, V-91, V-92)."""

    def __init__(
        self,
        ref: ReferenceData,
        cohorts: Sequence[tuple] | None = None,
        schedules: Sequence[tuple] | None = None,
        contracts: Sequence[tuple] | None = None,
    ) -> None:
        self.ref = ref
        self.pairs = pairs_of(ref.interchangeable)
        self.courses = frozenset(ref.course_groups)
        self.outcome_courses = frozenset(c for c in ref.course_groups if ref.has_outcomes(c))
        if cohorts is None:  # straight from the fixtures (one cohort a year, suffix a)
            cohorts = [
                (c.start_year, "a", "capped" if c.funding_cap else "full", c.registration_start_date)
                for c in ref.cohorts
            ]
            schedules = [
                (
                    c.start_year,
                    "a",
                    t.identifier,
                    t.course_group,
                    t.applies_from(c.start_year),
                    ",".join(t.declaration_types),
                    None,
                )
                for c in ref.cohorts
                for t in ref.schedules_for(c.start_year)
            ]
            contracts = [
                (p.id, c.start_year, course)
                for p in ref.lead_providers
                for c in ref.cohorts
                for course in ref.courses
                if ref.has_contract(c.start_year, course)
            ]
        self.exact: dict[tuple[int, str], Cohort] = {}
        for year, suffix, funding, registration in cohorts:
            self.exact[(year, suffix)] = Cohort(year, suffix, funding, _as_date(registration))
        # start year -> its cohorts by suffix (a, b, ...)
        self.cohorts: dict[int, tuple[Cohort, ...]] = {}
        for cohort in sorted(self.exact.values(), key=lambda c: (c.start_year, c.suffix)):
            self.cohorts[cohort.start_year] = (*self.cohorts.get(cohort.start_year, ()), cohort)
        self.exact_schedules: dict[tuple[int, str, str], Schedule] = {}
        self.schedule_row_ids: dict[tuple[int, str, str], int] = {}
        for year, suffix, identifier, group, applies_from, types, row_id in schedules or ():
            schedule = Schedule(
                year,
                identifier,
                group,
                _as_date(applies_from),
                tuple(t for t in str(types).split(",") if t),
                suffix,
            )
            self.exact_schedules[(year, suffix, identifier)] = schedule
            if row_id is not None:
                self.schedule_row_ids[(year, suffix, identifier)] = row_id
        # (start year, identifier) -> the schedule of suffix a (what v1/v2's one-cohort-a-year world holds)
        self.schedules: dict[tuple[int, str], Schedule] = {
            (y, i): s for (y, x, i), s in self.exact_schedules.items() if x == "a"
        }
        self.contracts = frozenset((p, int(y), c) for p, y, c in contracts or ())

    def same_course(self, course: str) -> tuple[str, ...]:
        """The course and its interchangeable alternative (ASO <-> EHCO)."""
        return tuple(sorted(self.ref.same_course(course)))

    def group(self, course: object) -> str | None:
        """The course group of a course identifier."""
        return self.ref.course_groups.get(course) if isinstance(course, str) else None

    def schedule(self, cohort: int | None, identifier: object, suffix: str | None = "a") -> Schedule | None:
        """The schedule with this identifier in an exact cohort (suffix a unless told)."""
        if cohort is None or not isinstance(identifier, str):
            return None
        return self.exact_schedules.get((cohort, suffix or "a", identifier))

    def latest_schedule(self, start_year: int | None, identifier: object) -> Schedule | None:
        """VD18: the schedule with this identifier among the cohorts of a start year, latest suffix first."""
        if start_year is None or not isinstance(identifier, str):
            return None
        for cohort in reversed(self.cohorts.get(start_year, ())):
            found = self.exact_schedules.get((start_year, cohort.suffix, identifier))
            if found is not None:
                return found
        return None

    def cohort(self, start_year: int | None, suffix: str | None = "a") -> Cohort | None:
        """One exact cohort."""
        return None if start_year is None else self.exact.get((start_year, suffix or "a"))

    def latest(self, start_year: int | None) -> Cohort | None:
        """The latest-suffix cohort of a start year."""
        found = self.cohorts.get(start_year) if start_year is not None else None
        return found[-1] if found else None

    def funding(self, cohort: int | None, suffix: str | None = "a") -> str | None:
        """zero, capped or full (None for an unknown cohort)."""
        found = self.cohort(cohort, suffix)
        return None if found is None else found.funding

    def capped(self, cohort: int | None, suffix: str | None = "a") -> bool:
        """R-42 / V-91: the cohort has a funding cap (funding = capped)."""
        return self.funding(cohort, suffix) == "capped"

    def has_contract(self, provider_id: str, cohort: int | None, course: object) -> bool:
        """R-89/R-91: the provider holds a contract for the cohort's start year and the course."""
        return cohort is not None and (provider_id, cohort, course) in self.contracts

    def schedule_row_id(self, schedule: Schedule) -> int | None:
        """The schedules row id of a schedule."""
        return self.schedule_row_ids.get((schedule.cohort, schedule.suffix, schedule.identifier))

    def current_cohort(self, today: date) -> int | None:
        """R-123."""
        return current_cohort(((c.start_year, c.registration_start_date) for c in self.exact.values()), today)


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class CatalogCache:
    """One process's catalog, rebuilt from the tables when the world's catalog revision moves (every worker
    process sees cohorts, schedules and contracts made at run time by another)."""

    def __init__(self, ref: ReferenceData) -> None:
        self.ref = ref
        self._lock = threading.Lock()
        self._current: tuple[str, Catalog] | None = None

    def get(self, conn: sqlite3.Connection, revision: str) -> Catalog:
        """The catalog of this revision."""
        current = self._current
        if current is not None and current[0] == revision:
            return current[1]
        with self._lock:
            catalog = Catalog(self.ref, *catalog_rows(conn))
            self._current = (revision, catalog)
        return catalog


@dataclass
class Context:
    """One request: its connection, the current provider, and lazily its clock and settings."""

    conn: sqlite3.Connection
    catalogs: CatalogCache
    provider_id: str = ""
    server_date: str | None = None  # the X-With-Server-Date header
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    api: RuleSource | None = None  # the request's API version (None: the testing API, v1's rules)
    _settings: dict[str, Any] | None = field(default=None, repr=False)
    _now: datetime | None = field(default=None, repr=False)
    _catalog: Catalog | None = field(default=None, repr=False)
    _rules: RuleSet | None = field(default=None, repr=False)

    @property
    def settings(self) -> dict[str, Any]:
        """Server-wide settings, read once per request."""
        if self._settings is None:
            self._settings = {**DEFAULT_SETTINGS, **get_settings(self.conn)}
        return self._settings

    @property
    def catalog(self) -> Catalog:
        """The reference catalog of the world's current revision (read with the settings)."""
        if self._catalog is None:
            self._catalog = self.catalogs.get(self.conn, str(self.settings.get(CATALOG_REVISION_KEY) or ""))
        return self._catalog

    @property
    def rules(self) -> RuleSet:
        """The rule set of the request's API version under the world's settings (read once per request,
        as the settings are: a use case asks for it many times, and v1/v2's is built from them)."""
        if self._rules is None:
            api = self.api
            self._rules = rulesets.baseline("v1", self.settings) if api is None else api.rules(self.settings)
        return self._rules

    @property
    def now(self) -> datetime:
        """'Now': the request header, else the frozen clock setting, else real time (whole seconds)."""
        if self._now is None:
            chosen = parse_server_date(self.server_date) or parse_server_date(self.settings.get("clock"))
            self._now = (chosen or self.clock()).astimezone(UTC).replace(microsecond=0)
        return self._now

    @property
    def now_stamp(self) -> str:
        """'Now' as a stored timestamp."""
        return stamp(self.now)

    def cohort_closed(self, cohort: int | None) -> bool:
        """R-100/R-111: the cohort's funding contract has ended (setting closed_cohorts)."""
        closed = self.settings.get("closed_cohorts") or []
        return cohort is not None and cohort in {int(c) for c in closed if str(c).lstrip("-").isdigit()}

    def new_id(self) -> str:
        """A new record id, deterministic for a given world seed and creation order (caller's transaction)."""
        stored = get_settings_of(self.conn, (ID_SEQUENCE_KEY, "world"))
        sequence = int(stored.get(ID_SEQUENCE_KEY, 0) or 0) + 1
        set_setting(self.conn, ID_SEQUENCE_KEY, sequence)
        seed = (stored.get("world", {}) or {}).get("seed", 0)
        digest = hashlib.sha256(f"npq-mock:{seed}:{sequence}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))
