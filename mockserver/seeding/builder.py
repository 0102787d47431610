"""Row builder for seeded worlds: people, applications and approval decisions as plain dicts, no SQL."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from mockserver.domain.states import transition
from mockserver.reference import ReferenceData, ScheduleTemplate
from mockserver.seeding.draws import pick
from mockserver.seeding.pools import FIRST_TRN, TRNS, Pools, catchment_place, new_uuid, trn, ukprn, urn
from mockserver.seeding.timeline import DAY, WORLD_NOW_SECONDS, between, midnight, stamp

Row = dict[str, object]
TrnTaken = Callable[[str], bool]
LEADERS = {"npq-headship", "npq-senior-leadership", "npq-executive-leadership"}
ITT_PROVIDERS = ("University of Southampton", "Teach First", None, None)
ACCEPTED_TRAINING = transition("training_status", None, "accept")  # an accepted application's first state


@dataclass
class Rows:
    """Rows waiting to be written, table by table; drained in batches by the bulk writer."""

    users: list[Row] = field(default_factory=list)
    applications: list[Row] = field(default_factory=list)
    application_states: list[Row] = field(default_factory=list)
    declarations: list[Row] = field(default_factory=list)
    outcomes: list[Row] = field(default_factory=list)

    def drain(self) -> Rows:
        """Hand over the collected rows and start empty again."""
        taken = Rows(self.users, self.applications, self.application_states, self.declarations, self.outcomes)
        self.users, self.applications, self.application_states = [], [], []
        self.declarations, self.outcomes = [], []
        return taken


class TrnRegister:
    """The seven-digit TRNs a builder has given out, one bit each (1.1 MiB for all nine million).

    Teachers' TRNs are unique, and R-53 and R-104 read two people with one TRN as one teacher: random draws
    shared by chance (~700 pairs in 100,000 people, tens of thousands in a million) made accepts of
    unrelated people refused and their declarations duplicates. A drawn TRN someone has moves to the next
    free one; the rng's draws are unchanged, so the rest of a seeded world is the same."""

    def __init__(self) -> None:
        self.bits = bytearray((TRNS + 7) // 8)

    def claim(self, drawn: int) -> int:
        """`drawn`, or the next TRN after it (wrapping) that nobody has; now taken."""
        bits, index = self.bits, drawn - FIRST_TRN
        while bits[index >> 3] & (1 << (index & 7)):
            index = index + 1 if index + 1 < TRNS else 0
        bits[index >> 3] |= 1 << (index & 7)
        return FIRST_TRN + index

    def mark(self, given: str) -> None:
        """A TRN given, not drawn (stories share one on purpose): later draws avoid it."""
        index = int(given) - FIRST_TRN if given.isdigit() else -1
        if 0 <= index < TRNS:
            self.bits[index >> 3] |= 1 << (index & 7)


def unused_trn(drawn: int, taken: TrnTaken) -> int:
    """TrnRegister.claim's answer when only `taken` (a world's users) knows which TRNs are held."""
    while taken(str(drawn)):
        drawn = drawn + 1 if drawn + 1 < FIRST_TRN + TRNS else FIRST_TRN
    return drawn


class WorldBuilder:
    """Makes consistent records from reference data; every choice comes from the rng it is given.

    Moments are epoch seconds (seeding/timeline.py). What depends only on the reference data (courses of a
    cohort, schedules to choose from) is computed once per key and kept: a big world asks millions of times.
    """

    def __init__(self, ref: ReferenceData, schedule_ids: dict[tuple[int, str], int],
                 rng: random.Random, pools: Pools, trn_taken: TrnTaken | None = None) -> None:
        """`trn_taken` says whether a TRN is already someone's (a world's users, for people added to it);
        without it, the people this builder made are all there is (a seeded world is made by one)."""
        self.ref, self.schedule_ids, self.rng, self.pools = ref, schedule_ids, rng, pools
        self.trns = TrnRegister() if trn_taken is None else None
        self.claim_trn: Callable[[int], int] = (
            self.trns.claim if self.trns is not None else partial(unused_trn, taken=trn_taken))
        self.rows = Rows()
        self.serial = 0
        self.capped = {c.start_year: c.funding_cap for c in ref.cohorts}
        self.funding: dict[tuple[int, str], str] = {}  # (year, suffix) -> funding, for cohorts made later
        self._courses: dict[tuple[int, tuple[str, ...]], list[str]] = {}
        self._schedules: dict[tuple[int, str, int], list[ScheduleTemplate]] = {}
        self._windows: dict[int, tuple[int, int]] = {}
        self._starts: dict[tuple[str, int, int, int, int], int] = {}

    def registration_time(self, cohort: int) -> int:
        """A moment in the cohort's registration window (April to September of its start year)."""
        window = self._windows.get(cohort)
        if window is None:
            start = midnight(self.ref.cohort(cohort).registration_start_date)
            window = self._windows[cohort] = (start, min(start + 170 * DAY, WORLD_NOW_SECONDS - DAY))
        return between(self.rng, *window)

    def schedule_start(self, schedule: ScheduleTemplate, cohort: int) -> int:
        """Midnight of the first day the schedule applies from in the cohort (epoch seconds)."""
        # not the template itself as the key: a frozen dataclass hashes every field in Python on each lookup
        key = (schedule.identifier, schedule.month, schedule.day, schedule.year_offset, cohort)
        found = self._starts.get(key)
        if found is None:
            found = self._starts[key] = midnight(schedule.applies_from(cohort))
        return found

    def person(self, at: int, *, teacher_reference_number: str | None = None,
               verified: bool | None = None) -> Row:
        """A new user (participant) registered at `at`."""
        rng = self.rng
        self.serial += 1
        name = self.pools.full_name(rng)
        has_trn = teacher_reference_number is not None or rng.random() < 0.93
        when = stamp(at)
        user_id, email = new_uuid(rng), self.pools.email(rng, name, self.serial)  # the rng's order matters
        if teacher_reference_number is None:
            teacher_reference_number = str(self.claim_trn(trn(rng))) if has_trn else None
        elif self.trns is not None:
            self.trns.mark(teacher_reference_number)
        user = {
            "id": user_id, "full_name": name, "email": email, "trn": teacher_reference_number,
            "trn_verified": int(verified if verified is not None else has_trn and rng.random() < 0.88),
            "created_at": when, "updated_at": when, "previous_names": "[]",
        }
        self.rows.users.append(user)
        return user

    def apply(self, user: Row, provider_id: str, cohort: int, course: str, at: int, *,
              catchment: str = "england", eligible: bool | None = None) -> Row:
        """A pending application by `user` to `provider_id`."""
        rng = self.rng
        eligible = rng.random() < 0.8 if eligible is None else eligible
        in_school = course != "npq-early-years-leadership" or rng.random() < 0.3
        employer, role = (None, None) if in_school else self.pools.employer(rng)
        country, iso_code = catchment_place(rng, catchment)
        when = stamp(at)
        app = {
            "id": new_uuid(rng), "user_id": user["id"], "lead_provider_id": provider_id,
            "course_identifier": course, "cohort": cohort, "status": "pending", "training_status": None,
            "schedule_id": None, "funded_place": None, "eligible_for_funding": int(eligible),
            "funding_eligibility_status_code": "funded" if eligible else "ineligible_establishment_type",
            "employer_name": employer, "employment_role": role,
            "funding_choice": None if eligible else pick(rng, self.ref.funding_choices),
            "headteacher_status": pick(rng, self.ref.headteacher_statuses) if course in LEADERS else None,
            "private_childcare_provider_urn": None if in_school else f"EY{between(rng, 100000, 999999)}",
            "school_urn": urn(rng) if in_school else None, "school_ukprn": ukprn(rng) if in_school else None,
            "works_in_school": int(in_school),
            "targeted_delivery_funding_eligibility": int(rng.random() < 0.1),
            "teacher_catchment": catchment, "teacher_catchment_country": country,
            "teacher_catchment_iso_country_code": iso_code,
            "itt_provider": pick(rng, ITT_PROVIDERS),
            "lead_mentor": int(rng.random() < 0.05), "accepted_at": None,
            "created_at": when, "updated_at": when,
            "cohort_suffix": "a", "reason_for_rejection": None, "senco_in_role": None,
            "senco_start_date": None,
        }
        self.rows.applications.append(app)
        return app

    @staticmethod
    def touch(row: Row, when: str) -> None:
        """Move a row's updated_at forward to `when`, a stamp (never backwards: the text orders as time)."""
        if when > row["updated_at"]:  # type: ignore[operator]
            row["updated_at"] = when

    def accept(self, app: Row, user: Row, at: int, schedule: ScheduleTemplate | None, *,
               funded_place: bool | None = None) -> None:
        """Accept as R-56 does: schedule, training status active with its history record, funded place.

        schedule None: accepted without one (testing API, a cohort with no schedule of the group; R-87)."""
        year, suffix = int(app["cohort"]), str(app.get("cohort_suffix") or "a")
        key: tuple | None = None
        if schedule is not None:
            key = (year, schedule.identifier) if suffix == "a" else (year, schedule.identifier, suffix)
        schedule_id = None if key is None else self.schedule_ids[key]
        status = transition("application_status", str(app["status"]), "accept")
        when = stamp(at)
        app.update(status=status, accepted_at=when, schedule_id=schedule_id)
        funding = self.funding.get((year, suffix)) or ("capped" if self.capped.get(year) else "full")
        if funding == "capped":
            wanted = self.rng.random() < 0.9 if funded_place is None else funded_place
            app["funded_place"] = int(bool(wanted and app["eligible_for_funding"]))
        elif funding == "zero":
            app["funded_place"] = 0
        self.touch(app, when)
        self.touch(user, when)  # status changes touch the user
        self._record_state(app, ACCEPTED_TRAINING, None, when)

    def reject(self, app: Row, user: Row, at: int) -> None:
        """Reject a pending application (by the provider or as an accepted sibling's side effect, R-57)."""
        app["status"] = transition("application_status", str(app["status"]), "reject")
        when = stamp(at)
        self.touch(app, when)
        self.touch(user, when)

    def record_state(self, app: Row, state: str, reason: str | None, at: int) -> None:
        """Append a training-status history record (section 7.2) and set the status."""
        self._record_state(app, state, reason, stamp(at))

    def _record_state(self, app: Row, state: str, reason: str | None, when: str) -> None:
        app["training_status"] = state
        self.touch(app, when)
        self.rows.application_states.append({
            "application_id": app["id"], "lead_provider_id": app["lead_provider_id"],
            "state": state, "reason": reason, "created_at": when})

    def courses_for(self, cohort: int, groups: tuple[str, ...]) -> list[str]:
        """Courses of the given groups with a contract and an acceptable schedule in the cohort."""
        key = (cohort, groups)
        courses = self._courses.get(key)
        if courses is None:
            found = {s.course_group for s in self.ref.schedules_for(cohort)}
            courses = self._courses[key] = [
                c for c, g in self.ref.course_groups.items()
                if g in groups and g in found and self.ref.has_contract(cohort, c)]
        return courses

    def schedule_for(self, cohort: int, course: str, before: int = WORLD_NOW_SECONDS) -> ScheduleTemplate:
        """A schedule of the course's group in the cohort, preferring ones that started before `before`."""
        group = self.ref.course_groups[course]
        key = (cohort, group, before)
        choices = self._schedules.get(key)
        if choices is None:
            options = [s for s in self.ref.schedules_for(cohort) if s.course_group == group]
            started = [s for s in options if self.schedule_start(s, cohort) < before]
            choices = self._schedules[key] = started or options
        return pick(self.rng, choices)
