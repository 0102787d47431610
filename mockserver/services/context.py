"""Per-app reference lookups (built once) and the per-request context: connection, provider, clock."""

from __future__ import annotations

import hashlib
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from mockserver.domain import rulesets
from mockserver.domain.models import Schedule
from mockserver.domain.rulesets import RuleSet, RuleSource
from mockserver.domain.schedules import current_cohort
from mockserver.domain.timeparse import parse_server_date, stamp
from mockserver.reference import ReferenceData
from mockserver.store.db import get_setting, get_settings, set_setting
from mockserver.store.records import pairs_of

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
    """Reference data shaped for the rules, built once per app."""

    def __init__(self, ref: ReferenceData) -> None:
        self.ref = ref
        self.pairs = pairs_of(ref.interchangeable)
        self.courses = frozenset(ref.course_groups)
        self.outcome_courses = frozenset(c for c in ref.course_groups if ref.has_outcomes(c))
        self.cohorts = {c.start_year: c for c in ref.cohorts}
        self.schedules: dict[tuple[int, str], Schedule] = {
            (c.start_year, t.identifier): Schedule(
                c.start_year, t.identifier, t.course_group, t.applies_from(c.start_year), t.declaration_types
            )
            for c in ref.cohorts
            for t in ref.schedules_for(c.start_year)
        }

    def same_course(self, course: str) -> tuple[str, ...]:
        """The course and its interchangeable alternative (ASO <-> EHCO)."""
        return tuple(sorted(self.ref.same_course(course)))

    def group(self, course: object) -> str | None:
        """The course group of a course identifier."""
        return self.ref.course_groups.get(course) if isinstance(course, str) else None

    def schedule(self, cohort: int | None, identifier: object) -> Schedule | None:
        """The schedule with this identifier in a cohort."""
        if cohort is None or not isinstance(identifier, str):
            return None
        return self.schedules.get((cohort, identifier))

    def capped(self, cohort: int | None) -> bool:
        """R-42: whether the cohort has a funding cap."""
        found = self.cohorts.get(cohort) if cohort is not None else None
        return bool(found and found.funding_cap)

    def current_cohort(self, today: date) -> int | None:
        """R-123."""
        return current_cohort(((c.start_year, c.registration_start_date) for c in self.ref.cohorts), today)


@dataclass
class Context:
    """One request: its connection, the current provider, and lazily its clock and settings."""

    conn: sqlite3.Connection
    catalog: Catalog
    provider_id: str = ""
    server_date: str | None = None  # the X-With-Server-Date header
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    api: RuleSource | None = None  # the request's API version (None: the testing API, v1's rules)
    _settings: dict[str, Any] | None = field(default=None, repr=False)
    _now: datetime | None = field(default=None, repr=False)

    @property
    def settings(self) -> dict[str, Any]:
        """Server-wide settings, read once per request."""
        if self._settings is None:
            self._settings = {**DEFAULT_SETTINGS, **get_settings(self.conn)}
        return self._settings

    @property
    def rules(self) -> RuleSet:
        """The rule set of the request's API version under the world's settings."""
        if self.api is None:
            return rulesets.baseline("v1", self.settings)
        return self.api.rules(self.settings)

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
        sequence = int(get_setting(self.conn, ID_SEQUENCE_KEY, 0) or 0) + 1
        set_setting(self.conn, ID_SEQUENCE_KEY, sequence)
        seed = (get_setting(self.conn, "world", {}) or {}).get("seed", 0)
        digest = hashlib.sha256(f"npq-mock:{seed}:{sequence}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))
