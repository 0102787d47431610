"""Reference data (providers, cohorts, courses, schedules, contracts, reasons) read from fixtures YAML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

from npq_lead_provider_kit.resources import fixtures_dir as default_fixtures_dir


@dataclass(frozen=True)
class LeadProvider:
    id: str
    name: str
    token: str


@dataclass(frozen=True)
class Cohort:
    start_year: int
    funding_cap: bool
    registration_start_date: date


@dataclass(frozen=True)
class ScheduleTemplate:
    identifier: str
    course_group: str
    month: int
    day: int
    year_offset: int
    declaration_types: tuple[str, ...]

    def applies_from(self, cohort: int) -> date:
        """The first day declarations may be dated, for this schedule in the given cohort."""
        return date(cohort + self.year_offset, self.month, self.day)


@dataclass(frozen=True)
class ReferenceData:
    lead_providers: tuple[LeadProvider, ...]
    cohorts: tuple[Cohort, ...]
    course_groups: Mapping[str, str]  # course identifier -> course group
    interchangeable: Mapping[str, str]  # course identifier -> its alternative (ASO <-> EHCO)
    outcome_course_groups: frozenset[str]
    schedule_templates: Mapping[str, ScheduleTemplate]
    schedules_by_cohort: Mapping[int, tuple[str, ...]]
    contract_exceptions: tuple[tuple[str, int], ...]  # (course, first cohort with a contract)
    closed_cohorts: tuple[int, ...]
    deferral_reasons: tuple[str, ...]
    withdrawal_reasons: tuple[str, ...]
    funding_choices: tuple[str, ...]
    headteacher_statuses: tuple[str, ...]
    teacher_catchments: tuple[str, ...]
    uk_catchments: tuple[str, ...]
    declaration_types: tuple[str, ...]

    @property
    def courses(self) -> tuple[str, ...]:
        return tuple(self.course_groups)

    def cohort(self, start_year: int) -> Cohort | None:
        return next((c for c in self.cohorts if c.start_year == start_year), None)

    def same_course(self, course: str) -> frozenset[str]:
        """The course with its interchangeable alternative, if it has one."""
        alternative = self.interchangeable.get(course)
        return frozenset({course, alternative} if alternative else {course})

    def has_outcomes(self, course: str) -> bool:
        """Leadership and specialist courses: has_passed and outcomes apply (R-101, R-131)."""
        return self.course_groups.get(course) in self.outcome_course_groups

    def schedules_for(self, cohort: int) -> tuple[ScheduleTemplate, ...]:
        names = self.schedules_by_cohort.get(cohort, self.schedules_by_cohort.get(0, ()))
        return tuple(self.schedule_templates[name] for name in names)

    def has_contract(self, cohort: int, course: str) -> bool:
        """Every provider holds the same contracts by default (R-140)."""
        return all(not (c == course and cohort < first) for c, first in self.contract_exceptions)


# libyaml's parser when PyYAML was built with it: the same documents, read ten times faster (every worker
# process reads the fixtures at start).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(folder: Path, name: str) -> dict:
    with (folder / name).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_LOADER) or {}  # noqa: S506 - a safe loader


class FixturesError(ValueError):
    """A fixtures folder that cannot be read as reference data; the message says what to fix."""


def load_reference(fixtures_dir: Path | None = None) -> ReferenceData:
    """Read the reference data from a fixtures folder (the kit's own by default)."""
    folder = Path(fixtures_dir) if fixtures_dir else default_fixtures_dir()
    try:
        return _build_once(folder.resolve(), _stamp(folder))
    except OSError as exc:
        raise FixturesError(f"cannot read {exc.filename or folder}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise FixturesError(f"{folder}: a fixture file is not valid YAML: {exc}") from exc
    except KeyError as exc:
        raise FixturesError(f"{folder}: a fixture lacks the key {exc} (compare with the kit's own)") from exc
    except (TypeError, ValueError, AttributeError) as exc:
        raise FixturesError(f"{folder}: a fixture value has the wrong shape ({exc})") from exc


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What says the folder's fixture files changed: their names, modification times and sizes."""
    return tuple((path.name, stat.st_mtime_ns, stat.st_size)
                 for path in sorted(folder.glob("*.yaml")) for stat in (path.stat(),))


@lru_cache(maxsize=8)
def _build_once(folder: Path, stamp: tuple[tuple[str, int, int], ...]) -> ReferenceData:
    """The reference data of a folder as its files stand (`stamp`): read once, not at every app and reset
    (ReferenceData is frozen, so every user may share it)."""
    return _build(folder)


def _build(folder: Path) -> ReferenceData:
    providers = _read(folder, "lead_providers.yaml")["lead_providers"]
    cohorts = _read(folder, "cohorts.yaml")["cohorts"]
    courses = _read(folder, "courses.yaml")
    schedules = _read(folder, "schedules.yaml")
    contracts = _read(folder, "contracts.yaml")
    reasons = _read(folder, "reasons.yaml")
    vocabulary = _read(folder, "vocabulary.yaml")

    course_groups = {course: group for group, names in courses["course_groups"].items() for course in names}
    interchangeable: dict[str, str] = {}
    for first, second in courses.get("interchangeable_courses", []):
        interchangeable[first], interchangeable[second] = second, first
    templates = {
        name: ScheduleTemplate(
            identifier=name,
            course_group=spec["course_group"],
            month=spec["applies_from"]["month"],
            day=spec["applies_from"]["day"],
            year_offset=spec["applies_from"].get("year_offset", 0),
            declaration_types=tuple(spec["declaration_types"]),
        )
        for name, spec in schedules["schedules"].items()
    }
    # Key 0 stands for "any cohort not listed" (the YAML's `default` entry).
    by_cohort = {
        (0 if key == "default" else int(key)): tuple(names)
        for key, names in schedules["schedules_by_cohort"].items()
    }
    return ReferenceData(
        lead_providers=tuple(LeadProvider(p["id"], p["name"], p["token"]) for p in providers),
        cohorts=tuple(
            Cohort(int(c["start_year"]), bool(c["funding_cap"]), _as_date(c["registration_start_date"]))
            for c in cohorts
        ),
        course_groups=MappingProxyType(course_groups),
        interchangeable=MappingProxyType(interchangeable),
        outcome_course_groups=frozenset(courses.get("outcome_course_groups", [])),
        schedule_templates=MappingProxyType(templates),
        schedules_by_cohort=MappingProxyType(by_cohort),
        contract_exceptions=tuple(
            (e["course_identifier"], int(e["from_cohort"])) for e in contracts.get("contract_exceptions", [])
        ),
        closed_cohorts=tuple(int(c) for c in contracts.get("closed_cohorts", [])),
        deferral_reasons=tuple(reasons["deferral_reasons"]),
        withdrawal_reasons=tuple(reasons["withdrawal_reasons"]),
        funding_choices=tuple(vocabulary["funding_choices"]),
        headteacher_statuses=tuple(str(v) for v in vocabulary["headteacher_statuses"]),
        teacher_catchments=tuple(vocabulary["teacher_catchments"]),
        uk_catchments=tuple(vocabulary["uk_catchments"]),
        declaration_types=tuple(vocabulary["declaration_types"]),
    )


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
