"""Behaviour reference §6.5-§6.10: participants list/show, defer, resume, withdraw, change-schedule."""

from __future__ import annotations

import pytest

from .conftest import (
    APP,
    BAD_STRUCTURE,
    NOT_FOUND,
    PARTICIPANTS,
    Api,
    Msg,
    bad_request,
    expect,
    expect_errors,
)

# --- list and show -----------------------------------------------------------------------------


def test_r70_list_has_each_accepted_user_once(api: Api, bpn: Api) -> None:
    p1, _ = api.make_participant(course="npq-headship", created_at="2024-04-01T10:00:00Z")
    api.make_application(
        participant_id=p1, course_identifier="npq-leading-teaching", cohort=2023, status="accepted"
    )
    api.make_application(cohort=2023)  # pending only
    api.make_application(cohort=2023, status="rejected")
    bpn.make_participant()  # other provider only
    p2, _ = api.make_participant(course="npq-senior-leadership", created_at="2024-04-02T10:00:00Z")
    listed = api.data(PARTICIPANTS)
    assert [p["id"] for p in listed] == [p1, p2]
    assert sorted(listed[0]["attributes"]["npq_courses"]) == ["npq-headship", "npq-leading-teaching"]


def test_r71_show_404_for_a_pending_only_user(api: Api) -> None:
    app = api.make_application(cohort=2023)
    expect(api.get(f"{PARTICIPANTS}/{app['attributes']['participant_id']}"), 404, NOT_FOUND)


# --- R-72 .. R-75 common part ------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["defer", "resume", "withdraw", "change-schedule"])
@pytest.mark.parametrize(
    "body", [{}, {"data": {}}, {"data": {"attributes": {}}}, {"data": {"type": "x"}}, {"data": None}]
)
def test_r72_missing_data_or_attributes_is_400(api: Api, action: str, body: dict) -> None:
    pid, _ = api.make_participant()
    expect(api.put(f"{PARTICIPANTS}/{pid}/{action}", body), 400, bad_request(BAD_STRUCTURE))


@pytest.mark.parametrize("course", ["npq-foo", None, ""])
def test_r74_unknown_course_identifier(api: Api, course: object) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect_errors(api.resume(pid, course=course), 422, ("course_identifier", Msg.COURSE_NOT_RECOGNISED))


def test_r74_missing_course_identifier(api: Api) -> None:
    pid, _ = api.make_participant()
    body = {"data": {"attributes": {"reason": "bereavement"}}}
    expect_errors(api.defer(pid, body=body), 422, ("course_identifier", Msg.COURSE_NOT_RECOGNISED))


def test_r74_no_accepted_application_for_that_exact_course(api: Api, bpn: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship")
    api.make_application(participant_id=pid, course_identifier="npq-senior-leadership", cohort=2023)
    bpn.make_application(
        participant_id=pid, course_identifier="npq-leading-teaching", cohort=2023, status="accepted"
    )
    for course in ("npq-senior-leadership", "npq-leading-teaching"):
        expect_errors(api.resume(pid, course=course), 422, ("participant_id", Msg.NO_ACCEPTED_APPLICATION))


def test_r75_action_answers_the_participant_unchanged_but_updated_at(api: Api) -> None:
    api.clock("2024-05-01T10:00:00Z")
    pid, _ = api.make_participant()
    before = api.participant(pid)
    _with_declaration(api, pid)
    api.clock("2024-05-02T10:00:00Z")
    after = expect(api.defer(pid), 200)["data"]
    assert after["attributes"].pop("updated_at") == "2024-05-02T10:00:00Z"
    before["attributes"].pop("updated_at")
    assert after == before


def _with_declaration(
    api: Api, pid: str, declaration_type: str = "started", course: str = "npq-headship"
) -> dict:
    dates = {
        "started": "2023-10-02T10:00:00Z",
        "retained-1": "2023-12-01T10:00:00Z",
        "retained-2": "2024-01-10T10:00:00Z",
        "completed": "2024-02-01T10:00:00Z",
    }
    return api.declared(
        pid,
        course=course,
        declaration_type=declaration_type,
        date=dates[declaration_type],
        has_passed=True if declaration_type == "completed" else None,
    )


# --- defer -------------------------------------------------------------------------------------------------


def test_defer_active_participant_with_a_declaration(api: Api) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect(api.defer(pid, reason="parental-leave"), 200)
    expect_errors(api.defer(pid), 422, ("participant_id", Msg.ALREADY_DEFERRED))


@pytest.mark.parametrize("reason", ["holiday", None, "", "Bereavement"])
def test_r76_defer_reason_must_be_in_the_list(api: Api, reason: object) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect_errors(api.defer(pid, reason=reason), 422, ("reason", Msg.BAD_REASON))


def test_r76_defer_needs_a_declaration_voided_counts(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(api.defer(pid), 422, ("participant_id", Msg.DEFER_NO_DECLARATIONS))
    decl = _with_declaration(api, pid, "retained-1")
    expect(api.void(decl["id"]), 200)
    expect(api.defer(pid), 200)


def test_r76_defer_withdrawn_participant(api: Api) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect(api.withdraw(pid), 200)
    expect_errors(api.defer(pid), 422, ("participant_id", Msg.ALREADY_WITHDRAWN))


def test_r76_defer_errors_accumulate_after_common_checks(api: Api) -> None:
    pid, _ = api.make_participant(training_status="deferred")
    expect_errors(
        api.defer(pid, reason="nope"),
        422,
        ("reason", Msg.BAD_REASON),
        ("participant_id", Msg.ALREADY_DEFERRED),
        ("participant_id", Msg.DEFER_NO_DECLARATIONS),
    )


def test_r76_withdrawn_without_declarations_gives_both_participant_errors(api: Api) -> None:
    pid, _ = api.make_participant(training_status="withdrawn")
    expect_errors(
        api.defer(pid),
        422,
        ("participant_id", Msg.ALREADY_WITHDRAWN),
        ("participant_id", Msg.DEFER_NO_DECLARATIONS),
    )


def test_r76_defer_reason_accumulates_with_r74_errors(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(
        api.defer(pid, course="npq-foo", reason="nope"),
        422,
        ("course_identifier", Msg.COURSE_NOT_RECOGNISED),
        ("reason", Msg.BAD_REASON),
    )
    expect_errors(
        api.defer(pid, course="npq-senior-leadership", reason="nope"),
        422,
        ("participant_id", Msg.NO_ACCEPTED_APPLICATION),
        ("reason", Msg.BAD_REASON),
    )


# --- resume ------------------------------------------------------------------------------------------------


def test_r77_resume_active_says_already_active(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(api.resume(pid), 422, ("participant_id", Msg.ALREADY_ACTIVE))


def test_r77_resume_from_deferred(api: Api) -> None:
    pid, _ = api.make_participant(training_status="deferred")
    expect(api.resume(pid), 200)
    expect_errors(api.resume(pid), 422, ("participant_id", Msg.ALREADY_ACTIVE))


def test_r77_resume_from_withdrawn(api: Api) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect(api.withdraw(pid), 200)
    expect(api.resume(pid), 200)
    expect_errors(api.resume(pid), 422, ("participant_id", Msg.ALREADY_ACTIVE))
    expect(api.defer(pid), 200)


def test_r77_resume_ignores_a_reason(api: Api) -> None:
    pid, _ = api.make_participant(training_status="deferred")
    body = {"data": {"attributes": {"course_identifier": "npq-headship", "reason": "whatever"}}}
    expect(api.resume(pid, body=body), 200)


# --- withdraw ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["quality-of-programme-structure-not-suitable", "bereavement", None, "x"])
def test_r78_withdraw_reason_must_be_in_the_list(api: Api, reason: object) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect_errors(api.withdraw(pid, reason=reason), 422, ("reason", Msg.BAD_REASON))


@pytest.mark.parametrize(
    "reason",
    [
        "quality-of-programme-structure-not-suitable.",
        "insufficient-capacity-to-undertake-programme",
        "started-in-error",
        "other",
        "expected-commitment-unclear",
    ],
)
def test_r78_withdraw_with_a_listed_reason(api: Api, reason: str) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect(api.withdraw(pid, reason=reason), 200)


def test_r78_withdraw_needs_a_started_declaration(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(api.withdraw(pid), 422, ("participant_id", Msg.WITHDRAW_NO_STARTED))
    _with_declaration(api, pid, "retained-1")
    expect_errors(api.withdraw(pid), 422, ("participant_id", Msg.WITHDRAW_NO_STARTED))


def test_r78_voided_started_declaration_is_enough(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = _with_declaration(api, pid)
    expect(api.void(decl["id"]), 200)
    expect(api.withdraw(pid), 200)


def test_r78_withdraw_twice_skips_started_check(api: Api) -> None:
    pid, _ = api.make_participant(training_status="withdrawn")
    expect_errors(api.withdraw(pid), 422, ("participant_id", Msg.ALREADY_WITHDRAWN))
    expect_errors(
        api.withdraw(pid, reason="x"),
        422,
        ("reason", Msg.BAD_REASON),
        ("participant_id", Msg.ALREADY_WITHDRAWN),
    )


def test_r78_started_check_skipped_after_bad_reason(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(api.withdraw(pid, reason="x"), 422, ("reason", Msg.BAD_REASON))


def test_r78_withdraw_a_deferred_participant(api: Api) -> None:
    pid, _ = api.make_participant()
    _with_declaration(api, pid)
    expect(api.defer(pid), 200)
    expect(api.withdraw(pid), 200)


# --- change-schedule ---------------------------------------------------------------------------------------


def _autumn_2023(api: Api, **kw: object) -> str:
    pid, _ = api.make_participant(
        course="npq-headship", cohort=2023, schedule_identifier="npq-leadership-autumn", **kw
    )
    return pid


@pytest.mark.parametrize("schedule", [None, "", "npq-foo", "npq-aso-december"])
def test_r90_schedule_missing_or_not_in_the_target_cohort(api: Api, schedule: object) -> None:
    pid = _autumn_2023(api)
    expect_errors(
        api.change_schedule(pid, schedule=schedule), 422, ("schedule_identifier", Msg.SCHEDULE_MISSING)
    )


def test_r90_schedule_absent_from_body(api: Api) -> None:
    pid = _autumn_2023(api)
    expect_errors(api.change_schedule(pid), 422, ("schedule_identifier", Msg.SCHEDULE_MISSING))


def test_r90_cohort_without_a_row_is_no_schedule(api: Api) -> None:
    pid = _autumn_2023(api)
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-spring", cohort=2019),
        422,
        ("schedule_identifier", Msg.SCHEDULE_MISSING),
    )


def test_r90_schedule_missing_in_2024_for_spring(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship", cohort=2024, funded_place=True)
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-spring"),
        422,
        ("schedule_identifier", Msg.SCHEDULE_MISSING),
    )


def test_r91_no_contract_for_target_cohort_and_course(api: Api) -> None:
    pid, _ = api.make_participant(
        course="npq-senco", cohort=2023, schedule_identifier="npq-leadership-autumn"
    )
    expect_errors(
        api.change_schedule(pid, course="npq-senco", schedule="npq-leadership-spring"),
        422,
        ("cohort", Msg.CS_NO_CONTRACT),
    )


def test_r91_r97_accumulate_on_cohort(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-senco", cohort=2024, funded_place=True)
    expect_errors(
        api.change_schedule(pid, course="npq-senco", schedule="npq-leadership-spring", cohort=2023),
        422,
        ("cohort", Msg.CS_NO_CONTRACT),
        ("cohort", Msg.CS_CAPPED_TO_UNCAPPED),
    )


def test_r92_withdrawn_participant_cannot_change_schedule(api: Api) -> None:
    pid = _autumn_2023(api, training_status="withdrawn")
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-spring"),
        422,
        ("participant_id", Msg.ALREADY_WITHDRAWN),
    )


def test_r92_runs_after_r90_error(api: Api) -> None:
    pid = _autumn_2023(api, training_status="withdrawn")
    expect_errors(
        api.change_schedule(pid, schedule="npq-foo"),
        422,
        ("schedule_identifier", Msg.SCHEDULE_MISSING),
        ("participant_id", Msg.ALREADY_WITHDRAWN),
    )


def test_r92_deferred_participant_may_change_schedule(api: Api) -> None:
    pid = _autumn_2023(api, training_status="deferred")
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 200)


def test_r93_declaration_before_new_schedule_start_blocks(api: Api) -> None:
    pid = _autumn_2023(api)
    api.declared(pid, date="2023-12-31T23:59:59Z")
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-spring"),
        422,
        ("schedule_identifier", Msg.CS_INVALIDATES),
    )


def test_r93_declaration_exactly_at_midnight_of_new_start_blocks(api: Api) -> None:
    pid = _autumn_2023(api)
    api.declared(pid, date="2024-01-01T00:00:00Z")
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-spring"),
        422,
        ("schedule_identifier", Msg.CS_INVALIDATES),
    )


def test_r93_declaration_after_new_start_does_not_block(api: Api) -> None:
    pid = _autumn_2023(api)
    api.declared(pid, date="2024-01-01T00:00:01Z")
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 200)


def test_r93_fraction_of_a_second_after_new_start_does_not_block(api: Api) -> None:
    """00:00:00.5 is after midnight: the fraction is kept for the comparison, though never shown (R-23)."""
    pid = _autumn_2023(api)
    made = api.declared(pid, date="2024-01-01T00:00:00.500Z")
    assert made["attributes"]["declaration_date"] == "2024-01-01T00:00:00Z"
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 200)


def test_r93_declaration_type_not_in_new_schedule_blocks(api: Api) -> None:
    pid = _autumn_2023(api)
    api.declared(pid, declaration_type="retained-2", date="2024-02-01T10:00:00Z")
    expect_errors(
        api.change_schedule(pid, schedule="npq-specialist-spring"),
        422,
        ("schedule_identifier", Msg.CS_INVALIDATES),
    )


@pytest.mark.parametrize("state", ["voided", "ineligible_by_trn", "awaiting_clawback"])
def test_r93_non_billable_declarations_do_not_block(api: Api, state: str) -> None:
    pid = _autumn_2023(api, teacher_reference_number="5556667")
    if state == "ineligible_by_trn":
        other, _ = api.make_participant(teacher_reference_number="5556667")
        api.declared(other)
        decl = api.declared(pid)
        assert decl["attributes"]["state"] == "ineligible"
    else:
        decl = api.declared(pid)
        if state == "voided":
            expect(api.void(decl["id"]), 200)
        else:
            api.set_state(decl["id"], state)
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 200)


def test_r94_same_schedule(api: Api) -> None:
    pid = _autumn_2023(api)
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-autumn"),
        422,
        ("schedule_identifier", Msg.CS_SAME_SCHEDULE),
    )
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-autumn", cohort=2023),
        422,
        ("schedule_identifier", Msg.CS_SAME_SCHEDULE),
    )


@pytest.mark.parametrize("schedule", ["npq-specialist-spring", "npq-ehco-november"])
def test_r95_r122_schedule_of_another_course_group(api: Api, schedule: str) -> None:
    pid = _autumn_2023(api)
    expect_errors(
        api.change_schedule(pid, schedule=schedule), 422, ("schedule_identifier", Msg.CS_WRONG_COURSE)
    )


def test_r95_skipped_after_an_earlier_error(api: Api) -> None:
    pid = _autumn_2023(api, training_status="withdrawn")
    expect_errors(
        api.change_schedule(pid, schedule="npq-specialist-spring"),
        422,
        ("participant_id", Msg.ALREADY_WITHDRAWN),
    )


def test_r95_ehco_schedules_for_ehco_only(api: Api) -> None:
    pid, _ = api.make_participant(
        course="npq-early-headship-coaching-offer", cohort=2023, schedule_identifier="npq-ehco-november"
    )
    course = "npq-early-headship-coaching-offer"
    expect_errors(
        api.change_schedule(pid, course=course, schedule="npq-leadership-spring"),
        422,
        ("schedule_identifier", Msg.CS_WRONG_COURSE),
    )
    expect(api.change_schedule(pid, course=course, schedule="npq-ehco-december"), 200)


def test_r96_cohort_change_with_billable_declarations(api: Api) -> None:
    pid = _autumn_2023(api)
    api.declared(pid)
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-autumn", cohort=2022),
        422,
        ("cohort", Msg.CS_COHORT_DECLARATIONS),
    )


def test_r96_cohort_change_after_voiding(api: Api) -> None:
    pid, app = api.make_participant(
        course="npq-headship", cohort=2023, schedule_identifier="npq-leadership-autumn"
    )
    decl = api.declared(pid)
    expect(api.void(decl["id"]), 200)
    expect(api.change_schedule(pid, schedule="npq-leadership-autumn", cohort="2022"), 200)
    assert api.application(app["id"])["attributes"]["cohort"] == "2022"


def test_r97_capped_to_uncapped_refused(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship", cohort=2024, funded_place=True)
    expect_errors(
        api.change_schedule(pid, schedule="npq-leadership-autumn", cohort=2023),
        422,
        ("cohort", Msg.CS_CAPPED_TO_UNCAPPED),
    )


@pytest.mark.parametrize(("eligible", "cohort"), [(True, 2024), (False, "2025")])
def test_change_schedule_uncapped_to_capped_sets_funded_place(
    api: Api, eligible: bool, cohort: object
) -> None:
    pid, app = api.make_participant(
        course="npq-headship",
        cohort=2023,
        eligible_for_funding=eligible,
        schedule_identifier="npq-leadership-autumn",
    )
    assert app["attributes"]["funded_place"] is None
    expect(api.change_schedule(pid, schedule="npq-leadership-autumn", cohort=cohort), 200)
    a = api.application(app["id"])["attributes"]
    assert (a["cohort"], a["funded_place"]) == (str(cohort), eligible)


def test_change_schedule_capped_to_capped_keeps_funded_place(api: Api) -> None:
    pid, app = api.make_participant(course="npq-headship", cohort=2024, funded_place=False)
    expect(api.change_schedule(pid, schedule="npq-leadership-spring", cohort=2025), 200)
    a = api.application(app["id"])["attributes"]
    assert (a["cohort"], a["funded_place"]) == ("2025", False)


def test_change_schedule_moves_the_schedule_start_for_declarations(api: Api) -> None:
    pid = _autumn_2023(api)
    expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 200)
    expect_errors(
        api.declare(pid, date="2023-12-15T10:00:00Z"), 422, ("declaration_date", Msg.DATE_BEFORE_SCHEDULE)
    )
    expect(api.declare(pid, date="2024-01-02T10:00:00Z"), 200)


def test_change_schedule_blank_cohort_keeps_the_schedules_cohort(api: Api) -> None:
    """R-123 fallback (current cohort) needs an accepted application without a schedule: unreachable in v1."""
    api.clock("2025-06-01T12:00:00Z")  # current cohort would be 2025
    pid, app = api.make_participant(
        course="npq-headship", cohort=2023, schedule_identifier="npq-leadership-autumn"
    )
    expect(api.change_schedule(pid, schedule="npq-leadership-spring", cohort=""), 200)
    assert api.application(app["id"])["attributes"]["cohort"] == "2023"


def test_change_schedule_writes_no_visible_training_data(api: Api) -> None:
    pid = _autumn_2023(api)
    data = expect(api.change_schedule(pid, schedule="npq-leadership-spring"), 200)["data"]
    assert set(data["attributes"]) == {
        "participant_id",
        "full_name",
        "email",
        "npq_courses",
        "funded_places",
        "teacher_reference_number",
        "updated_at",
    }
    assert [a["attributes"]["status"] for a in api.data(APP)] == ["accepted"]
