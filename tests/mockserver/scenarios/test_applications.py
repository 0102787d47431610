"""Behaviour reference §6.2-§6.4: accept, reject, change-funded-place."""

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

# --- accept: body handling --------------------------------------------------------------------------------


def test_accept_without_body_on_uncapped_cohort_succeeds(api: Api) -> None:
    app = api.make_application(cohort=2023)
    body = expect(api.accept(app["id"]), 200)
    assert body["data"]["attributes"]["status"] == "accepted"


def test_accept_body_without_data_means_funded_place_absent(api: Api) -> None:
    app = api.make_application(cohort=2024, eligible_for_funding=True)
    expect_errors(api.accept(app["id"], body={"foo": 1}), 422, ("funded_place", Msg.FUNDED_PLACE))


@pytest.mark.parametrize("body", [{"data": {}}, {"data": {"type": "x"}}, {"data": {"attributes": {}}}])
def test_accept_data_without_attributes_is_400(api: Api, body: dict) -> None:
    app = api.make_application(cohort=2023)
    expect(api.accept(app["id"], body=body), 400, bad_request(BAD_STRUCTURE))


def test_accept_ignores_schedule_identifier_and_unknown_attributes(api: Api) -> None:
    api.clock("2024-05-01T12:00:00Z")  # autumn: a spring-only date must then fail R-84
    app = api.make_application(cohort=2023, course_identifier="npq-headship", eligible_for_funding=True)
    body = {
        "data": {
            "attributes": {"funded_place": True, "schedule_identifier": "npq-leadership-spring", "bogus": 1}
        }
    }
    expect(api.accept(app["id"], body=body), 200)
    pid = app["attributes"]["participant_id"]
    expect(api.declare(pid, date="2023-10-02T10:00:00Z"), 200)


MISSING_FP = "absent"


# --- accept: validations -----------------------------------------------------------------------------------


@pytest.mark.parametrize("funded_place", [MISSING_FP, None, "true", "false", "", "null", 1])
def test_r50_capped_cohort_needs_boolean_funded_place(api: Api, funded_place: object) -> None:
    app = api.make_application(cohort=2024, eligible_for_funding=True)
    if funded_place == MISSING_FP:
        resp = api.accept(app["id"])
    else:
        resp = api.accept(app["id"], funded_place=funded_place)
    expect_errors(resp, 422, ("funded_place", Msg.FUNDED_PLACE))
    assert api.application(app["id"])["attributes"]["status"] == "pending"


@pytest.mark.parametrize("funded_place", [True, False])
def test_r50_capped_cohort_stores_funded_place(api: Api, funded_place: bool) -> None:
    app = api.make_application(cohort=2025, eligible_for_funding=True)
    data = expect(api.accept(app["id"], funded_place=funded_place), 200)["data"]
    assert data["attributes"]["funded_place"] is funded_place
    assert data["attributes"]["status"] == "accepted"


def test_r50_uncapped_cohort_does_not_check_or_store_funded_place(api: Api) -> None:
    a = api.make_application(cohort=2023, eligible_for_funding=True)
    b = api.make_application(cohort=2022, eligible_for_funding=True)
    assert expect(api.accept(a["id"], funded_place=True), 200)["data"]["attributes"]["funded_place"] is None
    assert expect(api.accept(b["id"], funded_place="junk"), 200)["data"]["attributes"]["funded_place"] is None


def test_r51_accept_twice_says_already_accepted(api: Api) -> None:
    app = api.make_application(cohort=2023)
    expect(api.accept(app["id"]), 200)
    expect_errors(api.accept(app["id"]), 422, ("application", Msg.ALREADY_ACCEPTED))


def test_r50_r51_funded_place_error_and_already_accepted_accumulate(api: Api) -> None:
    app = api.make_application(cohort=2024, status="accepted", funded_place=True, eligible_for_funding=True)
    expect_errors(
        api.accept(app["id"]), 422, ("funded_place", Msg.FUNDED_PLACE), ("application", Msg.ALREADY_ACCEPTED)
    )


def test_r52_accepting_a_rejected_application(api: Api) -> None:
    app = api.make_application(cohort=2023, status="rejected")
    expect_errors(api.accept(app["id"]), 422, ("application", Msg.REJECTED_CANNOT_CHANGE))


def test_r50_r52_funded_place_and_rejected_accumulate(api: Api) -> None:
    app = api.make_application(cohort=2024, status="rejected")
    expect_errors(
        api.accept(app["id"], funded_place="yes"),
        422,
        ("funded_place", Msg.FUNDED_PLACE),
        ("application", Msg.REJECTED_CANNOT_CHANGE),
    )


def test_r53_other_accepted_application_same_course_cohort_any_provider(api: Api, bpn: Api) -> None:
    pid, _ = bpn.make_participant(course="npq-headship", cohort=2023)
    mine = api.make_application(participant_id=pid, course_identifier="npq-headship", cohort=2023)
    expect_errors(api.accept(mine["id"]), 422, ("application", Msg.OTHER_ACCEPTED))


def test_r53_other_cohort_is_allowed(api: Api, bpn: Api) -> None:
    pid, _ = bpn.make_participant(course="npq-headship", cohort=2023)
    mine = api.make_application(participant_id=pid, course_identifier="npq-headship", cohort=2022)
    expect(api.accept(mine["id"]), 200)


def test_r53_counts_withdrawn_accepted_applications_baseline_d2(api: Api, bpn: Api) -> None:
    pid, _ = bpn.make_participant(course="npq-headship", cohort=2023, training_status="withdrawn")
    mine = api.make_application(participant_id=pid, course_identifier="npq-headship", cohort=2023)
    expect_errors(api.accept(mine["id"]), 422, ("application", Msg.OTHER_ACCEPTED))


def test_r53_aso_and_ehco_are_the_same_course(api: Api, bpn: Api) -> None:
    pid, _ = bpn.make_participant(course="npq-additional-support-offer", cohort=2021)
    mine = api.make_application(
        participant_id=pid, course_identifier="npq-early-headship-coaching-offer", cohort=2021
    )
    expect_errors(api.accept(mine["id"]), 422, ("application", Msg.OTHER_ACCEPTED))


def test_r53_same_trn_of_another_user_counts_when_this_trn_is_verified(api: Api, bpn: Api) -> None:
    bpn.make_participant(
        course="npq-headship",
        cohort=2023,
        teacher_reference_number="2223334",
        teacher_reference_number_validated=False,
    )
    verified = api.make_application(
        course_identifier="npq-headship",
        cohort=2023,
        teacher_reference_number="2223334",
        teacher_reference_number_validated=True,
    )
    unverified = api.make_application(
        course_identifier="npq-headship",
        cohort=2023,
        teacher_reference_number="2223334",
        teacher_reference_number_validated=False,
    )
    expect_errors(api.accept(verified["id"]), 422, ("application", Msg.OTHER_ACCEPTED))
    expect(api.accept(unverified["id"]), 200)


def test_r54_capped_funded_place_true_needs_eligibility(api: Api) -> None:
    app = api.make_application(cohort=2024, eligible_for_funding=False)
    expect_errors(api.accept(app["id"], funded_place=True), 422, ("application", Msg.ACCEPT_NOT_ELIGIBLE))
    data = expect(api.accept(app["id"], funded_place=False), 200)["data"]
    assert data["attributes"]["funded_place"] is False


def test_r54_skipped_when_an_earlier_error_exists(api: Api) -> None:
    app = api.make_application(cohort=2024, eligible_for_funding=False, status="accepted", funded_place=False)
    expect_errors(api.accept(app["id"], funded_place=True), 422, ("application", Msg.ALREADY_ACCEPTED))


def test_r54_not_checked_for_uncapped_cohorts(api: Api) -> None:
    app = api.make_application(cohort=2023, eligible_for_funding=False)
    expect(api.accept(app["id"], funded_place=True), 200)


def test_r55_missing_schedule_in_cohort_is_404(api: Api) -> None:
    """2024 has only autumn leadership/specialist; on 1 Feb the accept chooses spring (R-120 rule 4)."""
    api.clock("2024-02-01T12:00:00Z")
    app = api.make_application(
        cohort=2024,
        course_identifier="npq-headship",
        eligible_for_funding=True,
        created_at="2024-01-15T10:00:00Z",
    )
    expect(api.accept(app["id"], funded_place=True), 404, NOT_FOUND)
    assert api.application(app["id"])["attributes"]["status"] == "pending"


def test_r55_missing_ehco_schedule_is_404(api: Api) -> None:
    """2024 has no ehco-march; on 15 Mar 2025 the 2024 EHCO accept chooses npq-ehco-march."""
    api.clock("2025-03-15T12:00:00Z")
    app = api.make_application(
        cohort=2024, course_identifier="npq-early-headship-coaching-offer", eligible_for_funding=True
    )
    expect(api.accept(app["id"], funded_place=True), 404, NOT_FOUND)


def test_r55_schedule_lookup_runs_even_after_errors(api: Api) -> None:
    api.clock("2024-02-01T12:00:00Z")
    rejected = api.make_application(
        cohort=2024, course_identifier="npq-headship", status="rejected", created_at="2024-01-15T10:00:00Z"
    )
    expect(api.accept(rejected["id"]), 404, NOT_FOUND)


def test_r56_accept_makes_the_participant_visible_with_its_funded_place(api: Api) -> None:
    app = api.make_application(cohort=2024, eligible_for_funding=True, course_identifier="npq-headship")
    pid = app["attributes"]["participant_id"]
    expect(api.get(f"{PARTICIPANTS}/{pid}"), 404, NOT_FOUND)
    expect(api.accept(app["id"], funded_place=True), 200)
    a = api.participant(pid)["attributes"]
    assert a["npq_courses"] == ["npq-headship"]
    assert a["funded_places"] == [
        {"npq_course": "npq-headship", "funded_place": True, "npq_application_id": app["id"]}
    ]


def test_r57_accept_rejects_siblings_same_course_and_cohort_only(api: Api, bpn: Api) -> None:
    mine = api.make_application(course_identifier="npq-headship", cohort=2023)
    pid = mine["attributes"]["participant_id"]
    same = bpn.make_application(participant_id=pid, course_identifier="npq-headship", cohort=2023)
    own_same = api.make_application(participant_id=pid, course_identifier="npq-headship", cohort=2023)
    other_cohort = bpn.make_application(participant_id=pid, course_identifier="npq-headship", cohort=2022)
    other_course = bpn.make_application(
        participant_id=pid, course_identifier="npq-senior-leadership", cohort=2023
    )
    ehco = bpn.make_application(
        participant_id=pid, course_identifier="npq-early-headship-coaching-offer", cohort=2023
    )
    expect(api.accept(mine["id"]), 200)
    assert bpn.application(same["id"])["attributes"]["status"] == "rejected"
    assert api.application(own_same["id"])["attributes"]["status"] == "rejected"
    for app in (other_cohort, other_course, ehco):
        assert bpn.application(app["id"])["attributes"]["status"] == "pending"


def test_r58_accept_touches_the_users_other_applications(api: Api, bpn: Api) -> None:
    api.clock("2024-05-01T10:00:00Z")
    mine = api.make_application(course_identifier="npq-headship", cohort=2023)
    pid = mine["attributes"]["participant_id"]
    other = bpn.make_application(participant_id=pid, course_identifier="npq-senior-leadership", cohort=2023)
    api.clock("2024-05-05T10:00:00Z")
    data = expect(api.accept(mine["id"]), 200)["data"]
    assert data["attributes"]["updated_at"] == "2024-05-05T10:00:00Z"
    assert bpn.application(other["id"])["attributes"]["updated_at"] == "2024-05-05T10:00:00Z"
    assert [p["id"] for p in api.data(PARTICIPANTS)] == [pid]


# --- reject ------------------------------------------------------------------------------------------------


def test_r62_reject_pending_application(api: Api) -> None:
    app = api.make_application(cohort=2023)
    data = expect(api.reject(app["id"]), 200)["data"]
    assert data["attributes"]["status"] == "rejected"
    assert api.application(app["id"])["attributes"]["status"] == "rejected"


def test_r62_reject_ignores_the_body(api: Api) -> None:
    app = api.make_application(cohort=2024)
    expect(api.reject(app["id"], body={"data": {}}), 200)


def test_r62_reject_touches_the_user(api: Api) -> None:
    api.clock("2024-05-01T10:00:00Z")
    app = api.make_application(cohort=2023)
    other = api.make_application(
        participant_id=app["attributes"]["participant_id"],
        cohort=2023,
        course_identifier="npq-leading-teaching",
    )
    api.clock("2024-05-06T10:00:00Z")
    expect(api.reject(app["id"]), 200)
    assert api.application(other["id"])["attributes"]["updated_at"] == "2024-05-06T10:00:00Z"


def test_r60_reject_twice_says_already_rejected(api: Api) -> None:
    app = api.make_application(cohort=2023)
    expect(api.reject(app["id"]), 200)
    expect_errors(api.reject(app["id"]), 422, ("application", Msg.ALREADY_REJECTED))


def test_r61_reject_accepted_says_once_accepted(api: Api) -> None:
    app = api.make_application(cohort=2023, status="accepted")
    expect_errors(api.reject(app["id"]), 422, ("application", Msg.ACCEPTED_CANNOT_CHANGE))


REASON_REQUIRED = ("reason_for_rejection", "The reason_for_rejection cannot be blank.")
REJECT_BLOCKED = (
    "application",
    "This application has declarations that prevent it from being rejected. Void the declarations first, "
    "or contact us for assistance.",
)


def test_d1_reject_checks_the_reason_before_the_application(api: Api) -> None:
    app = api.make_application(cohort=2023, status="rejected")
    api.settings(drift_reject_requires_reason=True)
    expect_errors(api.reject(app["id"]), 422, REASON_REQUIRED, ("application", Msg.ALREADY_REJECTED))


def test_d1_reject_reports_already_rejected_with_the_declarations_error(api: Api, bpn: Api) -> None:
    """An accepted, withdrawn application with a billable declaration is rejected as a sibling (D2 drift);
    the D1 Reject service then reports both application errors, after the reason."""
    pid, app = api.make_participant()
    api.declared(pid)
    expect(api.withdraw(pid), 200)
    other = bpn.make_application(participant_id=pid, cohort=2023, course_identifier="npq-headship")
    api.settings(drift_accept_ignores_withdrawn=True, drift_reject_requires_reason=True)
    expect(bpn.accept(other["id"]), 200)
    assert api.application(app["id"])["attributes"]["status"] == "rejected"
    expect_errors(
        api.reject(app["id"]), 422, REASON_REQUIRED, ("application", Msg.ALREADY_REJECTED), REJECT_BLOCKED
    )


# --- change-funded-place -----------------------------------------------------------------------------------


def _accepted_2024(api: Api, **kw: object) -> dict:
    kw.setdefault("eligible_for_funding", True)
    kw.setdefault("funded_place", True)
    return api.make_application(cohort=2024, status="accepted", **kw)


def test_r65_change_funded_place_needs_a_boolean(api: Api) -> None:
    app = _accepted_2024(api)
    for value in ("true", None, 0):
        expect_errors(api.change_funded_place(app["id"], value), 422, ("funded_place", Msg.FUNDED_PLACE))
    expect_errors(api.change_funded_place(app["id"], body={}), 422, ("funded_place", Msg.FUNDED_PLACE))
    expect_errors(
        api.change_funded_place(app["id"], body={"data": {"attributes": {"x": 1}}}),
        422,
        ("funded_place", Msg.FUNDED_PLACE),
    )


def test_r65_change_funded_place_data_without_attributes_is_400(api: Api) -> None:
    app = _accepted_2024(api)
    expect(api.change_funded_place(app["id"], body={"data": {"type": "x"}}), 400, bad_request(BAD_STRUCTURE))


def test_r65_change_funded_place_to_the_same_value_leaves_updated_at(api: Api) -> None:
    """Rails update! with an unchanged value writes nothing: updated_at stays, updated_since ignores it."""
    app = _accepted_2024(api, funded_place=True)
    before = app["attributes"]["updated_at"]
    api.clock("2024-06-01T12:00:00Z")
    same = expect(api.change_funded_place(app["id"], True), 200)["data"]
    assert same["attributes"]["updated_at"] == before
    assert api.data(APP, query={"filter[updated_since]": "2024-06-01T12:00:00Z"}) == []
    changed = expect(api.change_funded_place(app["id"], False), 200)["data"]
    assert changed["attributes"]["updated_at"] == "2024-06-01T12:00:00Z"


def test_r66_change_funded_place_needs_an_accepted_application(api: Api) -> None:
    app = api.make_application(cohort=2024, eligible_for_funding=True)
    expect_errors(api.change_funded_place(app["id"], True), 422, ("application", Msg.CFP_NOT_ACCEPTED))
    expect_errors(
        api.change_funded_place(app["id"], "x"),
        422,
        ("funded_place", Msg.FUNDED_PLACE),
        ("application", Msg.CFP_NOT_ACCEPTED),
    )


def test_r67_change_funded_place_true_needs_eligibility(api: Api) -> None:
    app = _accepted_2024(api, eligible_for_funding=False, funded_place=False)
    expect_errors(api.change_funded_place(app["id"], True), 422, ("application", Msg.CFP_NOT_ELIGIBLE))
    expect(api.change_funded_place(app["id"], False), 200)


def test_r66_r67_accumulate_on_one_title(api: Api) -> None:
    app = api.make_application(cohort=2024, eligible_for_funding=False)
    expect_errors(
        api.change_funded_place(app["id"], True),
        422,
        ("application", Msg.CFP_NOT_ACCEPTED),
        ("application", Msg.CFP_NOT_ELIGIBLE),
    )


def test_r68_change_funded_place_on_uncapped_cohort(api: Api) -> None:
    app = api.make_application(cohort=2023, status="accepted", eligible_for_funding=True)
    expect_errors(api.change_funded_place(app["id"], True), 422, ("application", Msg.CFP_UNCAPPED))


def test_r68_skipped_after_an_earlier_error(api: Api) -> None:
    app = api.make_application(cohort=2023, eligible_for_funding=True)
    expect_errors(api.change_funded_place(app["id"], True), 422, ("application", Msg.CFP_NOT_ACCEPTED))


def test_r69_change_funded_place_blocked_by_billable_declarations(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    app = _accepted_2024(
        api,
        teacher_catchment="scotland",
        course_identifier="npq-headship",
        schedule_identifier="npq-leadership-autumn",
    )
    pid = app["attributes"]["participant_id"]
    decl = api.declared(pid, date="2024-10-02T10:00:00Z")
    assert decl["attributes"]["state"] == "eligible"
    for state in ("eligible", "payable", "paid"):
        api.set_state(decl["id"], state)
        expect_errors(api.change_funded_place(app["id"], False), 422, ("application", Msg.CFP_DECLARATIONS))


def test_r69_voided_declarations_do_not_block(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    app = _accepted_2024(
        api,
        teacher_catchment="wales",
        course_identifier="npq-headship",
        schedule_identifier="npq-leadership-autumn",
    )
    decl = api.declared(app["attributes"]["participant_id"], date="2024-10-02T10:00:00Z")
    expect(api.void(decl["id"]), 200)
    data = expect(api.change_funded_place(app["id"], False), 200)["data"]
    assert data["attributes"]["funded_place"] is False


def test_r69_accumulates_with_other_errors(api: Api) -> None:
    api.clock("2024-11-15T12:00:00Z")
    app = _accepted_2024(
        api,
        teacher_catchment="wales",
        course_identifier="npq-headship",
        schedule_identifier="npq-leadership-autumn",
    )
    api.declared(app["attributes"]["participant_id"], date="2024-10-02T10:00:00Z")
    expect_errors(
        api.change_funded_place(app["id"], "x"),
        422,
        ("funded_place", Msg.FUNDED_PLACE),
        ("application", Msg.CFP_DECLARATIONS),
    )


def test_change_funded_place_success_and_same_value_again(api: Api) -> None:
    app = _accepted_2024(api, funded_place=False)
    assert expect(api.change_funded_place(app["id"], True), 200)["data"]["attributes"]["funded_place"] is True
    assert expect(api.change_funded_place(app["id"], True), 200)["data"]["attributes"]["funded_place"] is True
    assert api.application(app["id"])["attributes"]["funded_place"] is True
    assert [a["id"] for a in api.data(APP)] == [app["id"]]
