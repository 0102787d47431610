"""Behaviour reference §6.11-§6.13: declaration create (order and skips), list/show, void and claw-back."""

from __future__ import annotations

import pytest

from .conftest import (
    BAD_STRUCTURE,
    DECLARATIONS,
    NOT_FOUND,
    PARTICIPANTS,
    UNKNOWN_ID,
    Api,
    Msg,
    bad_request,
    expect,
    expect_errors,
)

# --- R-79 body ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body", [{}, {"data": {}}, {"data": {"attributes": {}}}, {"data": {"type": "x"}}, {"data": None}]
)
def test_r79_missing_data_or_attributes_is_400(api: Api, body: dict) -> None:
    expect(api.declare(body=body), 400, bad_request(BAD_STRUCTURE))


def test_r79_unknown_attributes_and_delivery_partner_are_dropped(api: Api) -> None:
    pid, _ = api.make_participant()
    body = {
        "data": {
            "type": "anything",
            "attributes": {
                "participant_id": pid,
                "declaration_type": "started",
                "declaration_date": "2023-10-02T10:00:00Z",
                "course_identifier": "npq-headship",
                "delivery_partner_id": UNKNOWN_ID,
                "bogus": True,
            },
        }
    }
    expect(api.declare(body=body), 200)


# --- participant -------------------------------------------------------------------------------


def test_r80_participant_id_missing(api: Api) -> None:
    api.make_participant()
    expect_errors(api.declare(), 422, ("participant_id", Msg.PID_MISSING))


@pytest.mark.parametrize("kind", ["unknown", "non-uuid", "other-provider", "pending-only"])
def test_r81_participant_not_visible(api: Api, bpn: Api, kind: str) -> None:
    if kind == "unknown":
        pid = UNKNOWN_ID
    elif kind == "non-uuid":
        pid = "abc"
    elif kind == "other-provider":
        pid, _ = bpn.make_participant()
    else:
        pid = api.make_application(cohort=2023, course_identifier="npq-headship")["attributes"][
            "participant_id"
        ]
    expect_errors(api.declare(pid), 422, ("participant_id", Msg.PID_NOT_RECOGNISED))


def test_r81_upper_case_participant_id_is_recognised(api: Api) -> None:
    """Postgres compares uuids case-insensitively; the declaration shows the stored (lower-case) id."""
    pid, _ = api.make_participant()
    made = api.declared(pid.upper())
    assert made["attributes"]["participant_id"] == pid


def test_r81_unskipped_checks_still_run_after_it(api: Api) -> None:
    """R-84 is skipped; R-85 and R-86 are not."""
    expect_errors(
        api.declare(UNKNOWN_ID, declaration_type=None, date=None),
        422,
        ("participant_id", Msg.PID_NOT_RECOGNISED),
        ("declaration_date", Msg.DATE_MISSING),
        ("declaration_type", Msg.TYPE_MISSING),
        ("declaration_type", Msg.TYPE_UNKNOWN),
    )


def test_r80_r85_impossible_date_without_participant(api: Api) -> None:
    expect_errors(
        api.declare(None, date="2023-19-01T10:00:00Z"),
        422,
        ("participant_id", Msg.PID_MISSING),
        ("declaration_date", Msg.DATE_MISSING),
    )


# --- R-82 withdrawal ----------------------------------------------------------------------------------------


def _withdrawn_at_0930(api: Api) -> str:
    api.clock("2023-10-05T12:00:00Z")  # time only moves forward
    pid, _ = api.make_participant(schedule_identifier="npq-leadership-autumn")
    api.declared(pid)
    api.clock("2024-01-10T09:30:00Z")
    expect(api.withdraw(pid), 200)
    api.clock("2024-05-01T12:00:00Z")
    return pid


@pytest.mark.parametrize("date", ["2024-02-01T10:00:00Z", "2024-01-10T10:30:01+01:00"])
def test_r82_declaration_after_withdrawal_time(api: Api, date: str) -> None:
    pid = _withdrawn_at_0930(api)
    expect_errors(
        api.declare(pid, declaration_type="retained-1", date=date),
        422,
        ("participant_id", Msg.withdrew("2024-01-10T09:30:00Z")),
    )


def test_r82_declaration_exactly_at_withdrawal_time_is_refused(api: Api) -> None:
    pid = _withdrawn_at_0930(api)
    expect_errors(
        api.declare(pid, declaration_type="retained-1", date="2024-01-10T09:30:00Z"),
        422,
        ("participant_id", Msg.withdrew("2024-01-10T09:30:00Z")),
    )


def test_r82_declaration_before_withdrawal_time_is_accepted(api: Api) -> None:
    pid = _withdrawn_at_0930(api)
    expect(api.declare(pid, declaration_type="retained-1", date="2024-01-10T09:29:59Z"), 200)


def test_r82_skips_later_skippable_checks(api: Api) -> None:
    pid = _withdrawn_at_0930(api)
    """A date-only value is still parsed (R-85 passes), so R-82 fires and R-84's RFC3339 check is skipped."""
    expect_errors(
        api.declare(pid, declaration_type="retained-1", date="2024-02-01"),
        422,
        ("participant_id", Msg.withdrew("2024-01-10T09:30:00Z")),
    )


def test_r82_needs_the_application_of_the_course(api: Api) -> None:
    """With an unknown course there is no application, so no withdrawal record: R-83 answers."""
    pid = _withdrawn_at_0930(api)
    expect_errors(
        api.declare(pid, course="npq-foo", declaration_type="retained-1", date="2024-02-01T10:00:00Z"),
        422,
        ("course_identifier", Msg.COURSE_NOT_RECOGNISED),
    )


def test_r82_deferred_participants_are_not_restricted(api: Api) -> None:
    api.clock("2023-10-05T12:00:00Z")
    pid, _ = api.make_participant(schedule_identifier="npq-leadership-autumn")
    api.declared(pid)
    api.clock("2024-01-10T09:30:00Z")
    expect(api.defer(pid), 200)
    api.clock("2024-05-01T12:00:00Z")
    expect(api.declare(pid, declaration_type="retained-1", date="2024-03-01T10:00:00Z"), 200)


def test_r82_resumed_participant_is_not_restricted(api: Api) -> None:
    api.clock("2023-10-05T12:00:00Z")
    pid, _ = api.make_participant(schedule_identifier="npq-leadership-autumn")
    api.declared(pid)
    api.clock("2024-01-10T09:30:00Z")
    expect(api.withdraw(pid), 200)
    api.clock("2024-01-11T09:30:00Z")
    expect(api.resume(pid), 200)
    api.clock("2024-05-01T12:00:00Z")
    expect(api.declare(pid, declaration_type="retained-1", date="2024-03-01T10:00:00Z"), 200)


# --- R-83 course --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("course", ["npq-senior-leadership", "npq-foo", None, ""])
def test_r83_course_not_accepted_for_participant(api: Api, course: object) -> None:
    pid, _ = api.make_participant(course="npq-headship")
    api.make_application(participant_id=pid, course_identifier="npq-senior-leadership", cohort=2023)
    expect_errors(api.declare(pid, course=course), 422, ("course_identifier", Msg.COURSE_NOT_RECOGNISED))


def test_r83_aso_declaration_on_ehco_application(api: Api) -> None:
    pid, _ = api.make_participant(
        course="npq-early-headship-coaching-offer", cohort=2023, schedule_identifier="npq-ehco-november"
    )
    expect(api.declare(pid, course="npq-additional-support-offer", date="2023-11-02T10:00:00Z"), 200)


# --- declaration_date ---------------------------------------------------------------------------


@pytest.mark.parametrize("date", ["2023-10-02", "2023-10-02T10:00Z", "2023-10-02 10:00:00Z"])
def test_r84_not_rfc3339(api: Api, date: str) -> None:
    pid, _ = api.make_participant()
    expect_errors(api.declare(pid, date=date), 422, ("declaration_date", Msg.DATE_RFC3339))


@pytest.mark.parametrize(
    "date",
    [
        "2023-10-02T10:00:00",
        "2023-10-02t10:00:00z",
        "2023-10-02T11:00:00+0100",
        "2023-10-02T11:00:00+01",
        "2023-10-02T10:00:00.123456Z",
    ],
)
def test_r84_accepted_forms(api: Api, date: str) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid, date=date)
    assert decl["attributes"]["declaration_date"] == "2023-10-02T10:00:00Z"


def test_r84_r85_convertible_non_rfc3339_date_gives_only_the_rfc3339_message(api: Api) -> None:
    """R-85 fires only for a value that is missing or not convertible to a time; `2023/10/02T10:00:00Z` is
    convertible (the service casts leniently, as it does for the date-only example) so only R-84 applies."""
    pid, _ = api.make_participant()
    expect_errors(api.declare(pid, date="2023/10/02T10:00:00Z"), 422, ("declaration_date", Msg.DATE_RFC3339))


@pytest.mark.parametrize(
    ("date", "before_start"),
    [
        ("01/10/2023", "30/09/2023"),  # dd/mm/yyyy, as Ruby reads a/b/yyyy
        ("20231002T100000Z", "20230930T100000Z"),  # ISO 8601 basic format
        ("2023-10-02T10:00:00 Z", "2023-09-30T10:00:00 Z"),  # space before the zone
        ("2023-10-03T11:00:00+25:00", "2023-10-01T00:30:00+25:00"),  # out-of-range offset, subtracted as read
    ],
)
def test_r84_r85_forms_date_parse_reads_give_only_the_rfc3339_message(
    api: Api, date: str, before_start: str
) -> None:
    """Convertible by Ruby's Date._parse, so R-85 stays silent; the cast time still meets the start check."""
    pid, _ = api.make_participant(schedule_identifier="npq-leadership-autumn")
    expect_errors(api.declare(pid, date=date), 422, ("declaration_date", Msg.DATE_RFC3339))
    expect_errors(
        api.declare(pid, date=before_start),
        422,
        ("declaration_date", Msg.DATE_RFC3339),
        ("declaration_date", Msg.DATE_BEFORE_SCHEDULE),
    )


def test_r84_before_schedule_start(api: Api) -> None:
    pid, _ = api.make_participant(schedule_identifier="npq-leadership-autumn")
    expect_errors(
        api.declare(pid, date="2023-09-30T23:59:59Z"), 422, ("declaration_date", Msg.DATE_BEFORE_SCHEDULE)
    )
    expect_errors(
        api.declare(pid, date="2023-10-01T00:30:00+01:00"),
        422,
        ("declaration_date", Msg.DATE_BEFORE_SCHEDULE),
    )
    expect(api.declare(pid, date="2023-10-01T00:00:00Z"), 200)


def test_r85_missing_date(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(api.declare(pid, date=None), 422, ("declaration_date", Msg.DATE_MISSING))


@pytest.mark.parametrize("date", ["2023-19-01T10:00:00Z", "2023-10-02T29:00:00Z", "yesterday"])
def test_r85_impossible_date_gives_both_messages(api: Api, date: str) -> None:
    pid, _ = api.make_participant()
    expect_errors(
        api.declare(pid, date=date),
        422,
        ("declaration_date", Msg.DATE_RFC3339),
        ("declaration_date", Msg.DATE_MISSING),
    )


def test_r85_day_overflow_rolls_over(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid, date="2023-11-31T10:00:00Z")
    assert decl["attributes"]["declaration_date"] == "2023-12-01T10:00:00Z"


# --- R-86 .. R-89 -------------------------------------------------------------------------------------------


def test_r86_missing_type(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(
        api.declare(pid, declaration_type=None),
        422,
        ("declaration_type", Msg.TYPE_MISSING),
        ("declaration_type", Msg.TYPE_UNKNOWN),
    )


@pytest.mark.parametrize("declaration_type", ["retained-3", "Started", "started "])
def test_r86_unknown_type(api: Api, declaration_type: str) -> None:
    pid, _ = api.make_participant()
    expect_errors(
        api.declare(pid, declaration_type=declaration_type), 422, ("declaration_type", Msg.TYPE_UNKNOWN)
    )


def test_r86_type_error_accumulates_with_date_error(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(
        api.declare(pid, declaration_type="x", date="2023-10-02"),
        422,
        ("declaration_date", Msg.DATE_RFC3339),
        ("declaration_type", Msg.TYPE_UNKNOWN),
    )


def test_r87_accepted_application_with_another_provider_only(api: Api, bpn: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship")
    bpn.make_application(
        participant_id=pid, course_identifier="npq-senior-leadership", cohort=2023, status="accepted"
    )
    expect_errors(
        api.declare(pid, course="npq-senior-leadership"), 422, ("application", Msg.MISSING_SCHEDULE)
    )


def test_r88_retained_2_not_in_specialist_schedule(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-leading-teaching", schedule_identifier="npq-specialist-autumn")
    expect_errors(
        api.declare(
            pid, course="npq-leading-teaching", declaration_type="retained-2", date="2024-01-10T10:00:00Z"
        ),
        422,
        ("declaration_type", Msg.TYPE_NOT_IN_SCHEDULE),
    )


@pytest.mark.parametrize(
    ("course", "cohort"), [("npq-senco", 2023), ("npq-leading-primary-mathematics", 2022)]
)
def test_r89_no_contract_for_cohort_and_course(api: Api, course: str, cohort: int) -> None:
    pid, _ = api.make_participant(
        course=course,
        cohort=cohort,
        schedule_identifier="npq-leadership-autumn" if course == "npq-senco" else "npq-specialist-autumn",
    )
    date = f"{cohort}-10-02T10:00:00Z"
    expect_errors(api.declare(pid, course=course, date=date), 422, ("cohort", Msg.DECL_NO_CONTRACT))


# --- R-100 closed cohort ------------------------------------------------------------------------------------


def test_r100_closed_cohort_blocks_fundable_applications(api: Api) -> None:
    pid, _ = api.make_participant()
    api.settings(closed_cohorts=[2023])
    expect_errors(api.declare(pid), 422, ("cohort", Msg.closed(2023)))


def test_r100_closed_cohort_does_not_block_non_fundable(api: Api) -> None:
    pid, _ = api.make_participant(eligible_for_funding=False)
    api.settings(closed_cohorts=[2023])
    assert api.declared(pid)["attributes"]["state"] == "submitted"


def test_r100_other_cohort_closed_does_not_matter(api: Api) -> None:
    pid, _ = api.make_participant()
    api.settings(closed_cohorts=[2022])
    expect(api.declare(pid), 200)


def test_r100_billable_twin_with_the_same_date_makes_a_non_fundable_declaration_count(api: Api) -> None:
    """A non-submitted billable declaration of the same type and date counts for the statement."""
    pid, _ = api.make_participant(eligible_for_funding=False)
    api.set_state(api.declared(pid, date="2023-10-02T10:00:00Z")["id"], "eligible")
    api.settings(closed_cohorts=[2023])
    expect_errors(api.declare(pid, date="2023-10-02T10:00:00Z"), 422, ("cohort", Msg.closed(2023)))


def test_r100_twin_dates_compare_with_their_fractions(api: Api) -> None:
    """10:00:00.5 is not the same instant as 10:00:00: no twin, so R-100 passes and R-102 answers."""
    pid, _ = api.make_participant(eligible_for_funding=False)
    api.set_state(api.declared(pid, date="2023-10-02T10:00:00Z")["id"], "eligible")
    api.settings(closed_cohorts=[2023])
    expect_errors(api.declare(pid, date="2023-10-02T10:00:00.500Z"), 422, ("base", Msg.DUPLICATE))


# --- R-101 has_passed ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("has_passed", [None, "yes", ""])
def test_r101_completed_needs_has_passed(api: Api, has_passed: object) -> None:
    pid, _ = api.make_participant()
    expect_errors(
        api.declare(pid, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=has_passed),
        422,
        ("has_passed", Msg.HAS_PASSED),
    )


@pytest.mark.parametrize("has_passed", [1, 0, "1", "True"], ids=["int-1", "int-0", "str-1", "str-True"])
def test_r101_numbers_and_other_strings_are_not_booleans(api: Api, has_passed: object) -> None:
    """Only JSON true/false or the strings "true"/"false" are accepted."""
    pid, _ = api.make_participant()
    expect_errors(
        api.declare(pid, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=has_passed),
        422,
        ("has_passed", Msg.HAS_PASSED),
    )


@pytest.mark.parametrize(
    ("has_passed", "expected"), [(True, True), ("true", True), (False, False), ("false", False)]
)
def test_r101_boolean_or_string_has_passed(api: Api, has_passed: object, expected: bool) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=has_passed)
    assert decl["attributes"]["has_passed"] is expected


def test_r101_not_skipped_by_earlier_errors(api: Api) -> None:
    expect_errors(
        api.declare(UNKNOWN_ID, declaration_type="completed"),
        422,
        ("participant_id", Msg.PID_NOT_RECOGNISED),
        ("has_passed", Msg.HAS_PASSED),
    )


def test_r101_ignored_for_other_types_and_ehco(api: Api) -> None:
    pid, _ = api.make_participant()
    expect(
        api.declare(pid, declaration_type="retained-1", date="2024-01-02T10:00:00Z", has_passed="junk"), 200
    )
    ehco, _ = api.make_participant(
        course="npq-early-headship-coaching-offer", schedule_identifier="npq-ehco-november"
    )
    decl = api.declared(
        ehco,
        course="npq-early-headship-coaching-offer",
        declaration_type="completed",
        date="2024-02-01T10:00:00Z",
    )
    assert decl["attributes"]["has_passed"] is None
    assert api.data(f"{PARTICIPANTS}/{ehco}/outcomes") == []


# --- R-102 duplicates ---------------------------------------------------------------------------------------


def test_r102_second_identical_declaration_is_refused(api: Api) -> None:
    pid, _ = api.make_participant()
    api.declared(pid)
    expect_errors(api.declare(pid), 422, ("base", Msg.DUPLICATE))
    expect_errors(api.declare(pid, date="2023-10-03T10:00:00Z"), 422, ("base", Msg.DUPLICATE))


@pytest.mark.parametrize("state", ["voided", "awaiting_clawback", "clawed_back"])
def test_r102_non_billable_declaration_frees_the_slot(api: Api, state: str) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    if state == "voided":
        expect(api.void(decl["id"]), 200)
    else:
        api.set_state(decl["id"], state)
    expect(api.declare(pid), 200)


@pytest.mark.parametrize("state", ["payable", "paid"])
def test_r102_payable_and_paid_occupy_the_slot(api: Api, state: str) -> None:
    pid, _ = api.make_participant()
    api.set_state(api.declared(pid)["id"], state)
    expect_errors(api.declare(pid), 422, ("base", Msg.DUPLICATE))


def test_r102_skipped_after_earlier_error(api: Api) -> None:
    pid, _ = api.make_participant()
    api.declared(pid)
    expect_errors(
        api.declare(pid, date="2023-09-01T10:00:00Z"), 422, ("declaration_date", Msg.DATE_BEFORE_SCHEDULE)
    )


# --- R-103 future date and delivery partner -----------------------------------------------------------------


def test_r103_future_declaration_date(api: Api) -> None:
    pid, _ = api.make_participant()
    expect_errors(api.declare(pid, date="2024-05-01T12:00:01Z"), 422, ("declaration_date", Msg.FUTURE_DATE))
    expect(api.declare(pid, date="2024-05-01T12:00:00Z"), 200)


def test_r103_delivery_partner_rule_blocks_england_2024(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    pid, _ = api.make_participant(cohort=2024, funded_place=True, schedule_identifier="npq-leadership-autumn")
    expect_errors(
        api.declare(pid, date="2024-10-02T10:00:00Z"), 422, ("delivery_partner_id", Msg.DELIVERY_PARTNER)
    )


def test_r103_future_and_delivery_partner_together(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    pid, _ = api.make_participant(cohort=2024, funded_place=True, schedule_identifier="npq-leadership-autumn")
    expect_errors(
        api.declare(pid, date="2024-12-02T10:00:00Z"),
        422,
        ("declaration_date", Msg.FUTURE_DATE),
        ("delivery_partner_id", Msg.DELIVERY_PARTNER),
    )


def test_r103_delivery_partner_rule_off_via_settings(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    pid, _ = api.make_participant(cohort=2024, funded_place=True, schedule_identifier="npq-leadership-autumn")
    assert api.settings(delivery_partner_rule=False)["delivery_partner_rule"] is False
    expect(api.declare(pid, date="2024-10-02T10:00:00Z"), 200)


@pytest.mark.parametrize("catchment", ["scotland", "another", "jersey_guernsey_isle_of_man"])
def test_r103_delivery_partner_rule_spares_non_england(api: Api, catchment: str) -> None:
    api.clock("2024-11-15T12:00:00Z")
    pid, _ = api.make_participant(
        cohort=2024,
        funded_place=True,
        schedule_identifier="npq-leadership-autumn",
        teacher_catchment=catchment,
    )
    expect(api.declare(pid, date="2024-10-02T10:00:00Z"), 200)


def test_r103_delivery_partner_rule_spares_england_2023(api: Api) -> None:
    pid, _ = api.make_participant(cohort=2023)
    expect(api.declare(pid), 200)


def test_r103_skipped_after_earlier_error(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    pid, _ = api.make_participant(cohort=2024, funded_place=True, schedule_identifier="npq-leadership-autumn")
    expect_errors(
        api.declare(pid, declaration_type="retained-3", date="2024-12-02T10:00:00Z"),
        422,
        ("declaration_type", Msg.TYPE_UNKNOWN),
    )


# --- R-104 states on creation -------------------------------------------------------------------------------


def test_r104_fundable_application_gives_eligible(api: Api) -> None:
    pid, _ = api.make_participant(eligible_for_funding=True)
    assert api.declared(pid)["attributes"]["state"] == "eligible"


def test_r104_not_fundable_stays_submitted(api: Api) -> None:
    pid, _ = api.make_participant(eligible_for_funding=False)
    assert api.declared(pid)["attributes"]["state"] == "submitted"


def test_r104_funded_place_false_stays_submitted(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    pid, _ = api.make_participant(
        cohort=2024,
        funded_place=False,
        teacher_catchment="wales",
        schedule_identifier="npq-leadership-autumn",
    )
    assert api.declared(pid, date="2024-10-02T10:00:00Z")["attributes"]["state"] == "submitted"


def test_r104_previously_funded_stays_submitted(api: Api) -> None:
    pid, _ = api.make_participant(course="npq-headship", cohort=2023)
    api.make_application(
        participant_id=pid,
        course_identifier="npq-headship",
        cohort=2022,
        status="accepted",
        eligible_for_funding=True,
    )
    assert api.declared(pid)["attributes"]["state"] == "submitted"


def test_r104_same_trn_other_user_duplicate_is_ineligible(api: Api, bpn: Api) -> None:
    first, _ = bpn.make_participant(teacher_reference_number="9998887")
    bpn.declared(first)
    second, _ = api.make_participant(teacher_reference_number="9998887")
    assert api.declared(second)["attributes"]["state"] == "ineligible"
    # another type is not a duplicate
    assert (
        api.declared(second, declaration_type="retained-1", date="2023-12-01T10:00:00Z")["attributes"][
            "state"
        ]
        == "eligible"
    )


def test_r104_trn_duplicate_ignores_voided_and_other_courses(api: Api) -> None:
    first, _ = api.make_participant(teacher_reference_number="9998887")
    expect(api.void(api.declared(first)["id"]), 200)
    other_course, _ = api.make_participant(course="npq-senior-leadership", teacher_reference_number="9998887")
    api.declared(other_course, course="npq-senior-leadership")
    second, _ = api.make_participant(teacher_reference_number="9998887")
    assert api.declared(second)["attributes"]["state"] == "eligible"


def test_r104_trn_duplicate_takes_precedence_over_not_fundable(api: Api) -> None:
    first, _ = api.make_participant(teacher_reference_number="9998887", eligible_for_funding=False)
    assert api.declared(first)["attributes"]["state"] == "submitted"
    second, _ = api.make_participant(teacher_reference_number="9998887", eligible_for_funding=False)
    assert api.declared(second)["attributes"]["state"] == "ineligible"


# --- R-106 outcome on completed -----------------------------------------------------------------------------


@pytest.mark.parametrize(("has_passed", "state"), [(True, "passed"), ("false", "failed")])
def test_r106_completed_creates_an_outcome(api: Api, has_passed: object, state: str) -> None:
    pid, _ = api.make_participant()
    api.declared(pid, declaration_type="completed", date="2024-02-01T23:30:00-01:00", has_passed=has_passed)
    outcomes = api.data(f"{PARTICIPANTS}/{pid}/outcomes")
    assert [o["attributes"]["state"] for o in outcomes] == [state]
    assert outcomes[0]["attributes"]["completion_date"] == "2024-02-02T00:00:00+00:00"
    assert outcomes[0]["attributes"]["course_identifier"] == "npq-headship"


def test_r106_other_types_create_no_outcome(api: Api) -> None:
    pid, _ = api.make_participant()
    api.declared(pid)
    assert api.data(f"{PARTICIPANTS}/{pid}/outcomes") == []


# --- list and show ----------------------------------------------------------------------------


def test_r107_list_has_every_state_of_own_declarations_only(api: Api, bpn: Api) -> None:
    pid, _ = api.make_participant()
    d1 = api.declared(pid)["id"]
    d2 = api.declared(pid, declaration_type="retained-1", date="2023-12-01T10:00:00Z")["id"]
    expect(api.void(d2), 200)
    d3 = api.declared(pid, declaration_type="retained-2", date="2024-01-10T10:00:00Z")["id"]
    api.set_state(d3, "paid")
    other, _ = bpn.make_participant()
    bpn.declared(other)
    listed = api.data(DECLARATIONS)
    assert [(d["id"], d["attributes"]["state"]) for d in listed] == [
        (d1, "eligible"),
        (d2, "voided"),
        (d3, "paid"),
    ]


def test_r108_show_own_declaration(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    assert api.declaration(decl["id"]) == decl


def test_r108_show_unknown_declaration(api: Api) -> None:
    expect(api.get(f"{DECLARATIONS}/{UNKNOWN_ID}"), 404, NOT_FOUND)


# --- R-109 .. R-112 void ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["submitted", "eligible", "payable", "ineligible"])
def test_r109_void_unpaid_states(api: Api, state: str) -> None:
    pid, _ = api.make_participant(
        eligible_for_funding=state != "submitted", teacher_reference_number="1112223"
    )
    if state == "ineligible":
        other, _ = api.make_participant(teacher_reference_number="1112223")
        api.declared(other)
    decl = api.declared(pid)
    if state == "payable":
        decl = api.set_state(decl["id"], "payable")
    assert decl["attributes"]["state"] == state
    data = expect(api.void(decl["id"]), 200)["data"]
    assert (data["attributes"]["state"], data["attributes"]["voided"]) == ("voided", True)


def test_r109_void_ignores_body_and_closed_cohort(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    api.settings(closed_cohorts=[2023])
    expect(api.put(f"{DECLARATIONS}/{decl['id']}/void", {"data": {}}), 200)


def test_r110_void_twice(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    expect(api.void(decl["id"]), 200)
    expect_errors(api.void(decl["id"]), 422, ("declaration", Msg.ALREADY_VOIDED))


def test_r111_void_paid_claws_back(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    api.set_state(decl["id"], "paid")
    data = expect(api.void(decl["id"]), 200)["data"]
    assert data["attributes"]["state"] == "awaiting-clawback"
    assert data["attributes"]["voided"] is False
    assert data["attributes"]["eligible_for_payment"] is False


@pytest.mark.parametrize("state", ["awaiting_clawback", "clawed_back"])
def test_r111_void_claw_back_in_progress_says_refunded(api: Api, state: str) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    api.set_state(decl["id"], state)
    expect_errors(api.void(decl["id"]), 422, ("declaration", Msg.REFUNDED))


def test_r111_void_paid_in_closed_cohort(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    api.set_state(decl["id"], "paid")
    api.settings(closed_cohorts=[2023])
    expect_errors(api.void(decl["id"]), 422, ("declaration", Msg.closed(2023)))


def test_r111_refunded_and_closed_accumulate(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid)
    api.set_state(decl["id"], "awaiting_clawback")
    api.settings(closed_cohorts=[2023])
    expect_errors(api.void(decl["id"]), 422, ("declaration", Msg.REFUNDED), ("declaration", Msg.closed(2023)))


def test_r112_void_completed_appends_voided_outcome(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=True)
    api.clock("2024-05-02T12:00:00Z")
    data = expect(api.void(decl["id"]), 200)["data"]
    assert data["attributes"]["has_passed"] is None
    outcomes = api.data(f"{PARTICIPANTS}/{pid}/outcomes")
    assert [
        (o["attributes"]["state"], o["attributes"]["completion_date"], o["attributes"]["created_at"])
        for o in outcomes
    ] == [
        ("passed", "2024-02-01T00:00:00+00:00", "2024-05-01T12:00:00Z"),
        ("voided", "2024-02-01T00:00:00+00:00", "2024-05-02T12:00:00Z"),
    ]


def test_r112_claw_back_of_paid_completed_appends_voided_outcome(api: Api) -> None:
    pid, _ = api.make_participant()
    decl = api.declared(pid, declaration_type="completed", date="2024-02-01T10:00:00Z", has_passed=False)
    api.set_state(decl["id"], "paid")
    data = expect(api.void(decl["id"]), 200)["data"]
    assert data["attributes"]["has_passed"] is None
    states = [o["attributes"]["state"] for o in api.data(f"{PARTICIPANTS}/{pid}/outcomes")]
    assert states == ["failed", "voided"]


def _completed_without_its_own_outcome(api: Api) -> tuple[str, str]:
    """A second completed declaration (2024 application) whose outcome repeats the 2023 one's, so none is
    appended for it: R-112 must look at the remaining completed declarations, not at its own outcomes."""
    api.clock("2025-01-15T12:00:00Z")
    api.settings(delivery_partner_rule=False)
    pid, _ = api.make_participant(cohort=2023, schedule_identifier="npq-leadership-autumn")
    api.declared(pid, declaration_type="completed", date="2024-11-01T10:00:00Z", has_passed=True)
    api.make_participant(participant_id=pid, cohort=2024, schedule_identifier="npq-leadership-autumn")
    second = api.declared(pid, declaration_type="completed", date="2024-11-01T10:00:00Z", has_passed=True)
    assert [o["attributes"]["state"] for o in api.data(f"{PARTICIPANTS}/{pid}/outcomes")] == ["passed"]
    return pid, second["id"]


@pytest.mark.parametrize("target", ["awaiting_clawback", "clawed_back"])
def test_r112_dfe_claw_back_applies_the_void_paths_rule(api: Api, target: str) -> None:
    pid, declaration_id = _completed_without_its_own_outcome(api)
    api.set_state(declaration_id, "paid")
    api.set_state(declaration_id, target)
    states = [o["attributes"]["state"] for o in api.data(f"{PARTICIPANTS}/{pid}/outcomes")]
    assert states == ["passed", "voided"]


def test_r112_v1_void_of_the_same_set_up_appends_voided_too(api: Api) -> None:
    pid, declaration_id = _completed_without_its_own_outcome(api)
    expect(api.void(declaration_id), 200)
    states = [o["attributes"]["state"] for o in api.data(f"{PARTICIPANTS}/{pid}/outcomes")]
    assert states == ["passed", "voided"]


def test_r112_no_outcome_for_ehco_completed_void(api: Api) -> None:
    pid, _ = api.make_participant(
        course="npq-early-headship-coaching-offer", schedule_identifier="npq-ehco-november"
    )
    decl = api.declared(
        pid,
        course="npq-early-headship-coaching-offer",
        declaration_type="completed",
        date="2024-02-01T10:00:00Z",
    )
    expect(api.void(decl["id"]), 200)
    assert api.data(f"{PARTICIPANTS}/{pid}/outcomes") == []


@pytest.mark.parametrize("data_type", ["anything-at-all", None, 42])
def test_r05_data_type_is_never_read_and_unknown_attributes_are_dropped(api: Api, data_type: object) -> None:
    api.clock("2024-05-01T12:00:00Z")
    pid, _app = api.make_participant()
    body = {
        "data": {
            "type": data_type,
            "attributes": {
                "participant_id": pid,
                "declaration_type": "started",
                "declaration_date": "2023-10-02T10:00:00Z",
                "course_identifier": "npq-headship",
                "delivery_partner_id": "0b8c5a70-0000-4000-8000-000000000009",  # not a v1 attribute
                "colour": "blue",
            },
        }
    }
    data = expect(api.declare(body=body), 200)["data"]
    assert data["type"] == "participant-declaration"
    assert "colour" not in data["attributes"] and "delivery_partner_id" not in data["attributes"]
    listed = api.data(DECLARATIONS, query={"filter[participant_id]": pid, "colour": "blue"})
    assert [d["id"] for d in listed] == [data["id"]]
