"""Testing API additions for v2/v3 (design/testing-api.md): cohorts with suffixes, funding and schedules,
and the end of a provider's contract (V-91, V-92, V-102)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Response, request

from mockserver import world as mock_world
from mockserver.auth import token_from_header
from mockserver.domain.models import FUNDING_LEVELS
from mockserver.errors import InvalidAttribute
from mockserver.reference import ReferenceData
from mockserver.store import reference_rows
from mockserver.store.db import write_transaction
from mockserver.testing_api.common import blueprint, json_answer, read_body

SUFFIX = re.compile(r"\A[a-z]\Z")
COHORT_IDENTIFIER = re.compile(r"\A(\d{4})([a-z])?\Z")
# The course group a schedule identifier serves, from its name (npq-<group>-<season>).
GROUP_OF_PREFIX = {"npq-leadership-": "leadership", "npq-specialist-": "specialist", "npq-ehco-": "ehco",
                   "npq-aso-": "support"}


def _date(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidAttribute(name, "must be a date, e.g. 2026-04-03")
    try:
        return date.fromisoformat(value).isoformat() if len(value) == 10 else _bad_date(name)
    except ValueError:
        return _bad_date(name)


def _bad_date(name: str) -> str:
    raise InvalidAttribute(name, "must be a date, e.g. 2026-04-03")


def _year(value: object, name: str = "start_year") -> int:
    if type(value) is not int or not 2000 <= value <= 2100:
        raise InvalidAttribute(name, "must be a year between 2000 and 2100, e.g. 2026")
    return value


def cohort_of(value: object, name: str = "cohort") -> tuple[int, str | None]:
    """A cohort given as a start year (int or digits) or an identifier such as "2024a": (year, suffix)."""
    if type(value) is int:
        return _year(value, name), None
    match = COHORT_IDENTIFIER.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise InvalidAttribute(name, "must be a start year or a cohort identifier, e.g. 2024 or \"2024a\"")
    return _year(int(match.group(1)), name), match.group(2)


def _template(ref: ReferenceData, identifier: str) -> tuple[str, str]:
    """(course group, declaration types) of a schedule identifier."""
    known = ref.schedule_templates.get(identifier)
    if known is not None:
        return known.course_group, ",".join(known.declaration_types)
    group = next((g for prefix, g in GROUP_OF_PREFIX.items() if identifier.startswith(prefix)), None)
    if group is None:
        raise InvalidAttribute("schedules", f"{identifier!r} names no course group (npq-leadership-..., "
                                            "npq-specialist-..., npq-ehco-..., npq-aso-...)")
    sample = next(t for t in ref.schedule_templates.values() if t.course_group == group)
    return group, ",".join(sample.declaration_types)


def _schedules(ref: ReferenceData, raw: object) -> list[tuple[str, str, str, str | None, str]]:
    if not isinstance(raw, list):
        raise InvalidAttribute("schedules", "must be a list of {identifier, applies_from, applies_to}")
    found = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("identifier"), str) \
                or not item["identifier"].strip():
            raise InvalidAttribute("schedules", "every schedule needs an identifier (a string)")
        identifier = item["identifier"].strip()
        group, types = _template(ref, identifier)
        applies_from = _date("schedules", item.get("applies_from"))
        applies_to = None if item.get("applies_to") is None else _date("schedules", item.get("applies_to"))
        found.append((identifier, group, applies_from, applies_to, types))
    return found


def _shift(value: str | None, years: int) -> str | None:
    if value is None:
        return None
    day = date.fromisoformat(value)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


def _answer(conn: Any, year: int, suffix: str) -> dict[str, Any]:
    cohort = next(c for c in reference_rows.catalog_rows(conn)[0] if c[:2] == (year, suffix))
    return {
        "identifier": f"{year}{suffix}", "start_year": year, "suffix": suffix, "funding": cohort[2],
        "registration_start_date": cohort[3],
        "schedules": [
            {"identifier": s["identifier"], "applies_from": s["applies_from"], "applies_to": s["applies_to"]}
            for s in reference_rows.cohort_schedules(conn, year, suffix)
        ],
    }


@blueprint.post("/cohorts")
def create_cohort() -> Response:
    """Create (201) or update (200) a cohort (start year, suffix), its schedules and every contract."""
    body, conn = read_body(), mock_world.connection()
    ref = mock_world.state().reference
    year = _year(body.get("start_year"))
    suffix = body.get("suffix", "a")
    if not isinstance(suffix, str) or not SUFFIX.match(suffix):
        raise InvalidAttribute("suffix", "must be one lower-case letter, e.g. \"b\"")
    funding = body.get("funding", "full")
    if funding not in FUNDING_LEVELS:
        raise InvalidAttribute("funding", "must be one of: " + ", ".join(FUNDING_LEVELS))
    registration = _date("registration_start_date", body.get("registration_start_date", f"{year}-04-03"))
    given = _schedules(ref, body["schedules"]) if "schedules" in body else None
    with write_transaction(conn):
        created = reference_rows.upsert_cohort(conn, year, suffix, funding, registration)
        if given is None and created:
            template = reference_rows.latest_cohort_before(conn, year)
            if template is not None:
                years = year - template[0]
                given = [
                    (s["identifier"], s["course_group"], str(_shift(s["applies_from"], years)),
                     _shift(s["applies_to"], years), s["declaration_types"])
                    for s in reference_rows.cohort_schedules(conn, *template)
                ]
        for identifier, group, applies_from, applies_to, types in given or ():
            reference_rows.upsert_schedule(
                conn, year, suffix, identifier, group, applies_from, applies_to, types)
        reference_rows.add_contracts(conn, year, [(p.id, c) for p in ref.lead_providers for c in ref.courses])
        reference_rows.bump_catalog_revision(conn)
        answer = _answer(conn, year, suffix)
    return json_answer(answer, 201 if created else 200)


@blueprint.delete("/contracts")
def delete_contracts() -> Response:
    """DfE ends the bearer's contract for a cohort (start year) and course (R-89, R-91 then apply)."""
    conn = mock_world.connection()
    token = token_from_header(request.headers.get("Authorization"))
    provider_id = mock_world.state().tokens.provider(conn, token)
    if provider_id is None:
        return json_answer({"error": "HTTP Token: Access denied"}, 401)
    body = read_body()
    year, _suffix = cohort_of(body.get("cohort"))
    course = body.get("course_identifier")
    if not isinstance(course, str) or course not in mock_world.state().reference.course_groups:
        raise InvalidAttribute("course_identifier", "must be a known course identifier, e.g. npq-headship")
    with write_transaction(conn):
        removed = reference_rows.remove_contracts(conn, provider_id, year, course)
        reference_rows.bump_catalog_revision(conn)
    return json_answer({"removed": removed})
