"""Application factory for the testing API: validated attributes, Faker for the rest, consistent effects."""

from __future__ import annotations

import random
import re
import sqlite3
from datetime import UTC, date, datetime
from typing import Any

from mockserver.domain.schedules import accept_schedule_identifier
from mockserver.domain.states import transition
from mockserver.errors import InvalidAttribute
from mockserver.reference import ReferenceData, ScheduleTemplate
from mockserver.seeding.builder import WorldBuilder
from mockserver.seeding.pools import Pools, catchment_place
from mockserver.seeding.timeline import iso, parse_iso, seconds
from mockserver.store import bulk, reference_rows, testing_rows

RFC3339 = re.compile(r"\A\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z", re.I | re.A)
UUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.I)
PERSON = ("full_name", "email", "teacher_reference_number", "teacher_reference_number_validated")
# Every attribute make_application reads (design/testing-api.md); callers drop the rest, as v1 does.
ATTRIBUTES = ("participant_id", *PERSON, "course_identifier", "cohort", "status", "eligible_for_funding",
              "funding_eligibility_status_code", "funded_place", "teacher_catchment", "funding_choice",
              "school_urn", "created_at", "schedule_identifier", "training_status",
              # v2/v3 additions (design/testing-api.md)
              "accepted_at", "targeted_delivery_funding_eligibility", "teacher_catchment_country",
              "teacher_catchment_iso_country_code", "works_as_senco", "senco_start_date",
              "reason_for_rejection")
SENCO_ANSWERS = ("yes", "no_but_i_plan_to_become_one", "no_i_do_not_plan_to_be_a_SENCO", None)
REJECTION_REASONS = ("rejected_by_provider", "other_application_in_this_cohort_accepted",
                     "registration_expired", None)
COHORT_IDENTIFIER = re.compile(r"\A(\d{4})([a-z])?\Z")


# Every moment the testing API stores must render as R-23 requires (a four-digit year, after conversion to
# UTC) and leave room for the date arithmetic the rules do (schedules, windows): a sensible window, not
# datetime's whole range ('0001-01-01T00:00:00Z' would render as '1-01-01T00:00:00Z').
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, tzinfo=UTC)
WINDOW = f"between {iso(EARLIEST)} and {iso(LATEST)}"


def rfc3339(attribute: str, value: object) -> datetime:
    """Parse an RFC 3339 timestamp or raise InvalidAttribute naming the attribute."""
    if not isinstance(value, str) or not RFC3339.match(value):
        raise InvalidAttribute(attribute, "must be an RFC 3339 date-time, e.g. 2025-03-15T12:00:00Z")
    try:
        moment = parse_iso(value).replace(microsecond=0)
    except (ValueError, OverflowError):  # OverflowError: year 1 or 9999 moved out of range by its offset
        raise InvalidAttribute(attribute, f"is not a real date-time {WINDOW}") from None
    if not EARLIEST <= moment <= LATEST:
        raise InvalidAttribute(attribute, f"must be {WINDOW}")
    return moment


def _one_of(attributes: dict[str, Any], name: str, allowed: tuple, default: object) -> Any:
    value = attributes.get(name, default)
    # Type-strict membership: JSON 1 is not true, "true" is not true.
    if not any(type(value) is type(a) and value == a for a in allowed):
        shown = ", ".join("null" if a is None else str(a) for a in allowed)
        raise InvalidAttribute(name, f"must be one of: {shown}")
    return value


def _text(attributes: dict[str, Any], name: str, pattern: str = r".+", nullable: bool = False) -> Any:
    value = attributes[name]
    if value is None and nullable:
        return None
    if not isinstance(value, str) or not re.fullmatch(pattern, value.strip(), re.A):
        suffix = " or null" if nullable else ""
        raise InvalidAttribute(name, f"must be a string matching {pattern}{suffix}")
    return value.strip()


def _cohort(conn: sqlite3.Connection, attributes: dict[str, Any], rng: random.Random) -> tuple[int, str, str]:
    """(start year, suffix, funding) of the given cohort: a start year means its latest suffix."""
    raw = attributes.get("cohort")
    known = reference_rows.cohort_funding(conn)
    suffix = None
    if raw is None:
        year: int | None = rng.choice((2024, 2025, 2025))
    elif type(raw) is int:
        year = raw
    else:
        match = COHORT_IDENTIFIER.match(raw.strip()) if isinstance(raw, str) else None
        year, suffix = (int(match.group(1)), match.group(2)) if match else (None, None)
    if suffix is None:
        suffix = max((s for y, s in known if y == year), default=None)
    if year is None or suffix is None or (year, suffix) not in known:
        raise InvalidAttribute("cohort", "must be the start year or identifier of a known cohort, e.g. 2024 "
                                         "or \"2024a\"")
    return year, suffix, known[(year, suffix)]


def _date(attributes: dict[str, Any], name: str) -> str | None:
    value = attributes[name]
    if value is None:
        return None
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise InvalidAttribute(name, "must be a date (YYYY-MM-DD) or null")


def make_application(conn: sqlite3.Connection, rng: random.Random, provider_id: str, *, ref: ReferenceData,
                     pools: Pools, now: datetime, **attributes: Any) -> str:
    """Create one application owned by provider_id (caller's transaction); returns its id."""
    b = WorldBuilder(ref, bulk.schedule_ids(conn), rng, pools,
                     trn_taken=lambda value: testing_rows.trn_in_use(conn, value))
    bools = (True, False)
    cohort, suffix, funding = _cohort(conn, attributes, rng)
    b.funding[(cohort, suffix)] = funding
    course = _one_of(attributes, "course_identifier", ref.courses,
                     rng.choice(b.courses_for(cohort, ("leadership", "specialist"))))
    status = _one_of(attributes, "status", ("pending", "accepted", "rejected"), "pending")
    for name in ("schedule_identifier", "training_status", "accepted_at"):
        if name in attributes and status != "accepted":
            raise InvalidAttribute(name, "can only be given with status accepted")
    if "reason_for_rejection" in attributes and status != "rejected":
        raise InvalidAttribute("reason_for_rejection", "can only be given with status rejected")
    eligible = _one_of(attributes, "eligible_for_funding", bools, rng.random() < 0.8)
    catchment = _one_of(attributes, "teacher_catchment", ref.teacher_catchments, "england")
    at = rfc3339("created_at", attributes["created_at"]) if "created_at" in attributes else now
    user = _person(conn, b, attributes, at)
    app = b.apply(user, provider_id, cohort, course, seconds(at), catchment=catchment, eligible=eligible)
    app["cohort_suffix"] = suffix
    if catchment != "england":
        place = catchment_place(rng, catchment)
        app["teacher_catchment_country"], app["teacher_catchment_iso_country_code"] = place
    _v3_attributes(app, attributes)
    if "funding_choice" in attributes:
        app["funding_choice"] = _one_of(attributes, "funding_choice", (*ref.funding_choices, None), None)
    if "school_urn" in attributes:
        app["school_urn"] = _text(attributes, "school_urn", r"\d{5,7}", nullable=True)
    if "funding_eligibility_status_code" in attributes:
        # The only way to reach R-40's exception (`marked_funded_by_policy`); other codes are stored only.
        app["funding_eligibility_status_code"] = _text(attributes, "funding_eligibility_status_code",
                                                       r"[a-z][a-z_]*", nullable=True)
    funded = _funded_place(attributes)
    if status == "accepted":
        _accept(conn, b, app, user, now, attributes, funded)
    elif status == "rejected":
        b.reject(app, user, seconds(at))
        app["reason_for_rejection"] = _one_of(attributes, "reason_for_rejection", REJECTION_REASONS, None)
    if funding == "zero" and "funded_place" not in attributes:
        app["funded_place"] = 0  # applications in unfunded cohorts are created with funded_place false (V-54)
    if "funded_place" in attributes:  # after accept, which would otherwise derive it from eligibility
        app["funded_place"] = None if funded is None else int(funded)
    tables = ("applications", "application_states") if "participant_id" in attributes else bulk.COLUMNS
    for table in tables:
        bulk.insert_rows(conn, table, getattr(b.rows, table))
    if "participant_id" in attributes:
        testing_rows.touch_user(conn, str(user["id"]), str(user["updated_at"]))
    return str(app["id"])


def _v3_attributes(app: dict, attributes: dict[str, Any]) -> None:
    """The fields v1 does not show: uplift eligibility, catchment country, SENCO answers."""
    if "targeted_delivery_funding_eligibility" in attributes:
        app["targeted_delivery_funding_eligibility"] = int(
            _one_of(attributes, "targeted_delivery_funding_eligibility", (True, False), False))
    for name in ("teacher_catchment_country", "teacher_catchment_iso_country_code"):
        if name in attributes:
            app[name] = _text(attributes, name, r".+", nullable=True)
    if "works_as_senco" in attributes:
        app["senco_in_role"] = _one_of(attributes, "works_as_senco", SENCO_ANSWERS, None)
    if "senco_start_date" in attributes:
        app["senco_start_date"] = _date(attributes, "senco_start_date")


def _person(conn: sqlite3.Connection, b: WorldBuilder, attributes: dict[str, Any], at: datetime) -> dict:
    if "participant_id" in attributes:
        raw = attributes["participant_id"]
        user = testing_rows.user_row(conn, raw.lower()) if isinstance(raw, str) and UUID.match(raw) else None
        if user is None:
            raise InvalidAttribute("participant_id", "must be the id of an existing participant")
        # The person's details may be repeated (a client echoing what it knows); changing them would be a
        # different story (a person update), so only values equal to the stored ones are accepted.
        for name in PERSON:
            if name in attributes and attributes[name] != _stored_person_value(user, name):
                raise InvalidAttribute(name, "differs from the existing participant's (given with "
                                             "participant_id, the person's details cannot change)")
        return user
    trn = _text(attributes, "teacher_reference_number", r"\d{5,10}", nullable=True) \
        if "teacher_reference_number" in attributes else None
    verified = _one_of(attributes, "teacher_reference_number_validated", (True, False), False) \
        if "teacher_reference_number_validated" in attributes else None
    user = b.person(seconds(at), teacher_reference_number=trn, verified=verified)
    if "teacher_reference_number" in attributes and trn is None:
        user["trn"], user["trn_verified"] = None, int(bool(verified))
    if "full_name" in attributes:
        user["full_name"] = _text(attributes, "full_name")
    if "email" in attributes:
        user["email"] = _text(attributes, "email", r"[^@\s]+@[^@\s]+")
    return user


def _stored_person_value(user: dict, name: str) -> object:
    """A person attribute as the testing API takes it, from the stored user row."""
    column = {"teacher_reference_number": "trn", "teacher_reference_number_validated": "trn_verified"}
    value = user[column.get(name, name)]
    return bool(value) if name == "teacher_reference_number_validated" else value


def _funded_place(attributes: dict[str, Any]) -> bool | None:
    """The given funded_place, stored as given on any status and cohort (the real data model allows
    it, and R-41 scenarios need e.g. true with eligible_for_funding false); only a non-boolean is refused."""
    return _one_of(attributes, "funded_place", (True, False, None), None) if "funded_place" in attributes \
        else None


def _default_schedule(ref: ReferenceData, group: str, cohort: int, now: datetime,
                      in_cohort: dict[str, ScheduleTemplate], suffix: str = "a") -> ScheduleTemplate | None:
    """The schedule accept would choose (R-120) when the cohort has it; else the cohort's first schedule
    of the course's group (a set-up the v1 accept could not make today, but the data can hold).

    When the cohort has no schedule of that group at all (e.g. ASO outside 2021) the application is
    accepted without a schedule, as the real data can be; R-87 then answers declarations. A schedule
    of the interchangeable course's group (EHCO for ASO) was rejected: it would break R-122 (a schedule
    only serves its own course group), so change-schedule and declarations would see an impossible record.
    """
    chosen = in_cohort.get(accept_schedule_identifier(
        group, cohort, now.date(), [s for s in in_cohort if s.startswith("npq-ehco")], suffix=suffix))
    if chosen is not None and chosen.course_group == group:
        return chosen
    return next((s for s in in_cohort.values() if s.course_group == group), None)


def _accept(conn: sqlite3.Connection, b: WorldBuilder, app: dict, user: dict, now: datetime,
            attributes: dict[str, Any], funded: bool | None) -> None:
    ref, cohort, course = b.ref, int(app["cohort"]), str(app["course_identifier"])
    suffix = str(app["cohort_suffix"])
    if testing_rows.accepted_for_course(conn, str(user["id"]), cohort, ref.same_course(course)):
        raise InvalidAttribute("status", "the participant already has an accepted application for this "
                                         "course and cohort")
    group = ref.course_groups[course]
    in_cohort = {}
    for row in reference_rows.cohort_schedules(conn, cohort, suffix):
        start = date.fromisoformat(row["applies_from"])
        in_cohort[row["identifier"]] = ScheduleTemplate(
            row["identifier"], row["course_group"], start.month, start.day, start.year - cohort,
            tuple(row["declaration_types"].split(",")))
    if "schedule_identifier" in attributes:
        name = attributes["schedule_identifier"]
        schedule = in_cohort.get(name) if isinstance(name, str) else None
        if schedule is None or schedule.course_group != group:
            options = ", ".join(s for s, t in in_cohort.items() if t.course_group == group)
            raise InvalidAttribute("schedule_identifier", f"must name a {group} schedule of cohort {cohort}: "
                                   + (options or "(this cohort has none)"))
    else:
        schedule = _default_schedule(ref, group, cohort, now, in_cohort, suffix)
    training = _one_of(attributes, "training_status", ("active", "deferred", "withdrawn"), "active")
    at = parse_iso(str(app["created_at"]))
    if "accepted_at" in attributes:
        at = rfc3339("accepted_at", attributes["accepted_at"])
    funded = bool(app["eligible_for_funding"]) if funded is None else funded
    b.accept(app, user, seconds(at), schedule, funded_place=funded)
    if training != "active":
        reasons = ref.deferral_reasons if training == "deferred" else ref.withdrawal_reasons
        b.record_state(app, training, "other" if "other" in reasons else reasons[0], seconds(at))
    rejected = transition("application_status", "pending", "other_application_accepted")
    testing_rows.reject_siblings(
        conn, str(app["id"]), str(user["id"]), course, cohort, iso(at), suffix, status=rejected
    )
