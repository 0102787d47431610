"""Reading whole collections (R-33 pagination), small helpers over records, and each API version's
representations: field lists and readers, the suite's one copy of them (checks never spell a version's
fields themselves)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest

from contract_tests import expect
from contract_tests.client import Client, ContractFailure, Reply

T = TypeVar("T")

LISTS = {
    "applications": ("/api/v1/npq-applications", "npq_application", "updated_at"),
    "participants": ("/api/v1/participants/npq", "npq-participant", "updated_at"),
    "declarations": ("/api/v1/participant-declarations", "participant-declaration", "updated_at"),
    "outcomes": ("/api/v1/participants/npq/outcomes", "participant-outcome", "created_at"),
}
MAX_PAGE = 3000
# timestamps in UTC with Z and no fraction; dates (completion_date) as midnight with +00:00.
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}T00:00:00\+00:00$")
# --- Representations per API version: the suite's one copy of each version's field lists -------------
# (v1 reference §3.3-§3.6; v2/v3 reference §2). JSON member order is not significant, checks compare sets;
# the lists keep the real order for reading. CSV column lists are ordered (the header is compared as is).
APPLICATION_V1 = [
    "course_identifier", "email", "email_validated", "employer_name", "employment_role", "full_name",
    "funding_choice", "headteacher_status", "ineligible_for_funding_reason", "participant_id",
    "private_childcare_provider_urn", "teacher_reference_number", "teacher_reference_number_validated",
    "school_urn", "school_ukprn", "status", "works_in_school", "cohort", "eligible_for_funding",
    "targeted_delivery_funding_eligibility", "teacher_catchment", "teacher_catchment_country",
    "teacher_catchment_iso_country_code", "itt_provider", "lead_mentor", "funded_place", "created_at",
    "updated_at",
]  # fmt: skip
# V-11 (HEAD): + reason_for_rejection, cohort_suffix, schedule_identifier, works_as_senco, senco_start_date.
APPLICATION_V3 = [
    *APPLICATION_V1[:16], "reason_for_rejection", "works_in_school", "cohort", "cohort_suffix",
    *APPLICATION_V1[18:], "schedule_identifier", "works_as_senco", "senco_start_date",
]  # fmt: skip
# §3.5 (v1): the declaration attributes in order; the v1 declarations CSV is `id` and these.
DECLARATION_ATTRIBUTES = [
    "participant_id", "declaration_type", "course_identifier", "declaration_date", "state", "has_passed",
    "voided", "eligible_for_payment", "updated_at",
]  # fmt: skip
DECLARATION_V2 = [a for a in DECLARATION_ATTRIBUTES if a not in ("voided", "eligible_for_payment")]  # V-17
DECLARATION_V3 = [  # V-18 (HEAD)
    *DECLARATION_V2[:6], "delivery_partner_id", "delivery_partner_name", "secondary_delivery_partner_id",
    "secondary_delivery_partner_name", "statement_id", "application_id", "clawback_statement_id",
    "uplift_paid", "lead_provider_name", "ineligible_for_funding_reason", "created_at", "updated_at",
]  # fmt: skip
PARTICIPANT_V1 = [
    "participant_id", "full_name", "email", "npq_courses", "funded_places", "teacher_reference_number",
    "updated_at",
]  # fmt: skip
PARTICIPANT_V2 = ["email", "full_name", "teacher_reference_number", "updated_at", "npq_enrolments"]  # V-13
PARTICIPANT_V3 = [  # V-14 (HEAD)
    "full_name", "previous_names", "teacher_reference_number", "updated_at", "npq_enrolments",
    "participant_id_changes",
]  # fmt: skip
ENROLMENT = {
    "v2": [
        "course_identifier", "schedule_identifier", "cohort", "npq_application_id", "eligible_for_funding",
        "training_status", "school_urn", "targeted_delivery_funding_eligibility", "funded_place",
    ],
    "v3": [
        "email", "course_identifier", "schedule_identifier", "cohort", "cohort_suffix", "npq_application_id",
        "eligible_for_funding", "training_status", "school_urn", "targeted_delivery_funding_eligibility",
        "withdrawal", "deferral", "created_at", "funded_place",
    ],
}  # fmt: skip
OUTCOME_V1 = ["state", "completion_date", "course_identifier", "participant_id", "created_at"]
FIELDS: dict[str, dict[str, list[str]]] = {
    "applications": {"v1": APPLICATION_V1, "v2": APPLICATION_V1, "v3": APPLICATION_V3},  # V-10, V-11
    "participants": {"v1": PARTICIPANT_V1, "v2": PARTICIPANT_V2, "v3": PARTICIPANT_V3},
    "declarations": {"v1": DECLARATION_ATTRIBUTES, "v2": DECLARATION_V2, "v3": DECLARATION_V3},
    "outcomes": {"v1": OUTCOME_V1, "v2": OUTCOME_V1, "v3": [*OUTCOME_V1, "updated_at"]},  # V-20, V-21
    "statements": {
        "v3": ["month", "year", "cohort", "cut_off_date", "payment_date", "paid", "created_at", "updated_at"]
    },  # §2.5
    "delivery-partners": {"v3": ["name", "cohort", "created_at", "updated_at"]},  # §2.6
}
PARTICIPANT_ID_CHANGE = ["from_participant_id", "to_participant_id", "changed_at"]  # V-14
# CSV exports: v1 and v2 (R-30, R-31, V-23..V-25); v3 has none (V-05).
DECLARATIONS_CSV = {"v1": ["id", *DECLARATION_ATTRIBUTES], "v2": ["id", *DECLARATION_V2]}
ENROLMENTS_CSV = [
    "participant_id", "course_identifier", "schedule_identifier", "cohort", "npq_application_id",
    "eligible_for_funding", "training_status", "school_urn", "funded_place",
]  # fmt: skip
# R-134 (v1, v2 = V-01) and VD11 (v3 at HEAD: four more).
WITHDRAWAL_REASONS_V1 = [
    "insufficient-capacity-to-undertake-programme",
    "personal-reason-health-or-pregnancy-related",
    "personal-reason-moving-school",
    "personal-reason-other",
    "insufficient-capacity",
    "change-in-developmental-or-personal-priorities",
    "change-in-school-circumstances",
    "change-in-school-leadership",
    "quality-of-programme-structure-not-suitable.",
    "quality-of-programme-content-not-suitable",
    "quality-of-programme-facilitation-not-effective",
    "quality-of-programme-accessibility",
    "quality-of-programme-other",
    "programme-not-appropriate-for-role-and-cpd-needs",
    "started-in-error",
    "expected-commitment-unclear",
    "other",
]
WITHDRAWAL_REASONS_V3_ONLY = [
    "assessment-requirements-not-met",
    "change-in-career",
    "disengaged-and-unresponsive",
    "non-payment-of-invoice",
]


def fields(kind: str, version: str) -> list[str]:
    """The attribute names of a `kind` record ("applications", "declarations", ...) in API `version`."""
    return FIELDS[kind][version]


def has_csv(version: str) -> bool:
    """v1 and v2 answer CSV exports; v3 has none (a `.csv` URL answers JSON, V-05)."""
    return version in ("v1", "v2")


def enrolments(attrs: dict[str, Any]) -> list[dict[str, Any]]:
    value = attrs.get("npq_enrolments")
    return value if isinstance(value, list) else []


def courses_of(attrs: dict[str, Any], version: str) -> list[str] | None:
    """The courses a participant (attributes as `version` shows them) is enrolled on with the caller:
    v1 `npq_courses`, v2/v3 one `npq_enrolments` item per accepted application (V-13, V-14)."""
    if version == "v1":
        return attrs.get("npq_courses")
    if not isinstance(attrs.get("npq_enrolments"), list):
        return None
    return [e.get("course_identifier") for e in enrolments(attrs)]


def funded_places_of(attrs: dict[str, Any], version: str) -> list[dict[str, Any]] | None:
    """v1 `funded_places` items, or the same facts read from v2/v3 enrolments."""
    if version == "v1":
        return attrs.get("funded_places")
    if not isinstance(attrs.get("npq_enrolments"), list):
        return None
    return [
        {
            "npq_course": e.get("course_identifier"),
            "funded_place": e.get("funded_place"),
            "npq_application_id": e.get("npq_application_id"),
        }
        for e in enrolments(attrs)
    ]


def enrolment(attrs: dict[str, Any], application_id: str) -> dict[str, Any] | None:
    """The v2/v3 enrolment of one application (None when not listed)."""
    return next((e for e in enrolments(attrs) if e.get("npq_application_id") == application_id), None)


def has_declaration_flags(version: str) -> bool:
    """Only v1 declarations carry `voided` and `eligible_for_payment` (R-29; absent in v2/v3, V-17/V-18)."""
    return "voided" in FIELDS["declarations"][version]


def all_records(
    api: Client, path: str, params: dict[str, Any] | None = None, per_page: int = MAX_PAGE
) -> list[dict]:
    """Every record of a list, page by page, in server order.

    A real service may hold many thousands of records: reading them all must stay within the run's
    `--list-budget`. Past it the check is skipped (the list is too big to judge here), never failed.
    """
    out: list[dict] = []
    seen: set[str] = set()
    page = 1
    started = time.monotonic()
    while True:
        if page > 1 and time.monotonic() - started > api.list_budget:
            pytest.skip(
                f"reading every record of {path} took over {api.list_budget:.0f}s "
                f"({len(out)} records in {page - 1} pages of {per_page}); raise --list-budget to judge it"
            )
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


def settle(check: Callable[[], T]) -> T:
    """Run a check that compares two or more reads of live data; if it fails, run it once more.

    Other people and processes change a shared sandbox between our calls (a record created or updated
    between reading the JSON list and the CSV, or between two pages). A correct server disagrees at most
    with a moment ago; a broken one disagrees again.
    """
    try:
        return check()
    except ContractFailure:
        return check()


def judge_filter(
    api: Client,
    path: str,
    before: list[dict],
    got: list[dict],
    matches: Callable[[dict], bool],
    rule: str,
    what: str,
    reply: Reply | None = None,
) -> None:
    """A filtered list holds exactly the matching records, judged so that concurrent changes are no alarm.

    - every record returned must match by its own attributes as returned (no stale comparison);
    - every record that matched in a full read taken before must be returned, unless a full read taken
      after shows it no longer matches (e.g. its cohort was changed) or is gone. Timestamps only move
      forward, so for `updated_since` a record that matched stays matching: no omission is excused.
    """
    wrong = [r["id"] for r in got if not matches(r)]
    if wrong:
        expect.fail(rule, f"only records with {what}", f"{len(wrong)} others, e.g. {wrong[:3]}", reply)
    returned = set(ids(got))
    missing = [r["id"] for r in before if matches(r) and r["id"] not in returned]
    if missing:
        after = {r["id"]: r for r in all_records(api, path)}
        missing = [i for i in missing if i in after and matches(after[i])]
    if missing:
        expect.fail(rule, f"every record with {what}", f"{len(missing)} left out, e.g. {missing[:3]}", reply)


def stamp_at_least(field: str, pivot: str) -> Callable[[dict], bool]:
    bound = parse_ts(pivot)
    return lambda r: bool(r["attributes"].get(field)) and parse_ts(r["attributes"][field]) >= bound


def judge_declaration_flags(
    attrs: dict[str, Any], version: str, rule: str, reply: Reply | None = None
) -> None:
    """R-29 (v1): voided iff state voided; eligible_for_payment iff eligible or payable.
    v2/v3 (V-17, V-18): neither flag is shown."""
    state = attrs.get("state")
    if has_declaration_flags(version):
        expect.equal(
            (attrs.get("voided"), attrs.get("eligible_for_payment")),
            (state == "voided", state in ("eligible", "payable")),
            rule,
            f"(voided, eligible_for_payment) for state {state!r}",
            reply,
        )
        return
    shown = sorted({"voided", "eligible_for_payment"} & set(attrs))
    expect.equal(shown, [], f"{rule} ({version}: V-17/V-18 no such flags)", "flags shown", reply)


def judge_fields(
    attrs: dict[str, Any], kind: str, version: str, rule: str, reply: Reply | None = None
) -> None:
    """The record's attribute names are exactly `version`'s for `kind` (§2 of the reference)."""
    want = fields(kind, version)
    missing = [f for f in want if f not in attrs]
    extra = sorted(set(attrs) - set(want))
    if missing or extra:
        expect.fail(
            rule,
            f"the {version} {kind} attributes {want}",
            f"missing {missing}, unexpected {extra}",
            reply,
        )
