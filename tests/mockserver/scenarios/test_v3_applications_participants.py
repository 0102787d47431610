"""v2/v3 deltas for applications, participants and outcomes (behaviour reference V-31..V-37, V-41, V-53..V-61,
VD1..VD4, VD11..VD14, VD18, VD20), black-box over one world."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import BAD_PARTICIPANT_FILTER, BAD_UPDATED_SINCE, Api, Msg, bad_request, errors, expect

V3_APP = "/api/v3/npq-applications"
V2_APP = "/api/v2/npq-applications"
V3_PARTICIPANTS = "/api/v3/participants/npq"
NOT_OBJECT = bad_request("'#/filter' is not a valid field")
TRAINING_422 = errors(
    ("Unpermitted parameters", 'The filter \'#/training_status\' must be ["active", "deferred", "withdrawn"]')
)
SCHEDULE_NOT_IN_COHORT = "The selected schedule cannot be found in the application cohort"
UNFUNDED_FALSE = "The '#/funded_place' field should be false for unfunded cohorts."
REJECT_BLOCKED = (
    "This application has declarations that prevent it from being rejected. Void the declarations first, "
    "or contact us for assistance."
)


def accept(api: Api, version: str, app_id: str, **attributes: Any) -> Any:
    body = {"data": {"attributes": attributes}} if attributes else None
    if body is None:
        return api.post(f"/api/{version}/npq-applications/{app_id}/accept")
    return api.post(f"/api/{version}/npq-applications/{app_id}/accept", body)


def cohort(api: Api, **body: Any) -> dict[str, Any]:
    resp = api.client.post("/__mock__/cohorts", json=body)
    assert resp.status_code in (200, 201), resp.get_data(as_text=True)
    return resp.get_json()


def change_id(api: Api, from_id: str, to_id: str, at: str = "2024-04-01T10:00:00Z") -> None:
    body = {"from_participant_id": from_id, "to_participant_id": to_id, "changed_at": at}
    expect(api.client.post("/__mock__/participant-id-changes", json=body), 201)


# --- V-31 filter must be an object --------------------------------------------------------------------


@pytest.mark.parametrize("query", ["filter=abc", "filter=", "filter[]=x"])
def test_v31_scalar_filter_is_400_before_authentication_at_head(api: Api, query: str) -> None:
    expect(api.as_(None).get(f"{V3_APP}?{query}"), 400, NOT_OBJECT)
    expect(api.get(f"{V3_PARTICIPANTS}?{query}"), 400, NOT_OBJECT)


def test_v31_filter_in_a_json_body_counts_too(api: Api) -> None:
    app = api.make_application(cohort=2023)
    expect(api.post(f"{V3_APP}/{app['id']}/reject", {"filter": "x"}), 400, NOT_OBJECT)


def test_v31_v2_and_the_aug_2025_epoch_ignore_it(api: Api) -> None:
    """Deviation (documented in routes/common.py): the real service answers 500 here; the mock ignores."""
    api.make_application(cohort=2023)
    assert len(expect(api.get(f"{V2_APP}?filter=abc"), 200)["data"]) == 1
    api.settings(v3_epoch="2025-08")  # (an empty list: our v3 document describes HEAD's shapes)
    assert expect(api.get(f"{V3_PARTICIPANTS}?filter=abc"), 200)["data"] == []


# --- V-34, V-41, V-33 applications lists --------------------------------------------------------------


def test_v34_participant_filter_on_v3_applications_only(api: Api) -> None:
    a = api.make_application(cohort=2023)
    api.make_application(cohort=2023)
    pid = a["attributes"]["participant_id"]
    listed = expect(api.get(f"{V3_APP}?filter[participant_id]={pid}"), 200)["data"]
    assert [x["id"] for x in listed] == [a["id"]]
    expect(api.get(f"{V3_APP}?filter[participant_id]=nope"), 400, bad_request(BAD_PARTICIPANT_FILTER))
    assert len(expect(api.get(f"{V2_APP}?filter[participant_id]=nope"), 200)["data"]) == 2


def test_v41_participant_id_wins_over_updated_since_and_filters_over_pagination(api: Api) -> None:
    query = "filter[participant_id]=x&filter[updated_since]=bad&page[page]=0"
    expect(api.get(f"{V3_APP}?{query}"), 400, bad_request(BAD_PARTICIPANT_FILTER))
    expect(api.get(f"{V3_APP}?filter[updated_since]=bad&page[page]=0"), 400, bad_request(BAD_UPDATED_SINCE))


def test_v33_sort_on_v3_applications(api: Api) -> None:
    first = api.make_application(cohort=2023, created_at="2024-01-01T10:00:00Z")
    second = api.make_application(cohort=2023, created_at="2024-02-01T10:00:00Z")
    ids = [first["id"], second["id"]]
    assert [x["id"] for x in api.data(f"{V3_APP}?sort=-created_at")] == ids[::-1]
    assert [x["id"] for x in api.data(f"{V3_APP}?sort=%2Bcreated_at")] == ids
    assert sorted(x["id"] for x in api.data(f"{V3_APP}?sort=foo")) == sorted(ids)  # no order, no failure
    assert [x["id"] for x in api.data(f"{V2_APP}?sort=-created_at")] == ids  # v2: sort ignored


# --- V-54 accept --------------------------------------------------------------------------------------


def test_v54_schedule_identifier_chosen_on_accept_and_seen_by_v2(api: Api) -> None:
    app = api.make_application(cohort=2023, course_identifier="npq-headship")
    data = expect(accept(api, "v3", app["id"], schedule_identifier="npq-leadership-spring"), 200)["data"]
    assert data["attributes"]["schedule_identifier"] == "npq-leadership-spring"
    pid = app["attributes"]["participant_id"]
    enrolments = api.data(f"/api/v2/participants/npq/{pid}")["attributes"]["npq_enrolments"]
    assert enrolments[0]["schedule_identifier"] == "npq-leadership-spring"


def test_v54_unknown_and_wrong_course_schedules(api: Api) -> None:
    app = api.make_application(cohort=2023, course_identifier="npq-headship")
    resp = accept(api, "v3", app["id"], schedule_identifier="npq-nope")
    expect(resp, 422, errors(("schedule_identifier", SCHEDULE_NOT_IN_COHORT)))
    resp = accept(api, "v3", app["id"], schedule_identifier="npq-specialist-spring")
    expect(resp, 422, errors(("schedule_identifier", Msg.CS_WRONG_COURSE)))
    # v2 never reads it
    expect(accept(api, "v2", app["id"], schedule_identifier="npq-nope"), 200)


def test_v54_zero_funded_cohort_needs_false(api: Api) -> None:
    cohort(api, start_year=2030, funding="zero")
    app = api.make_application(cohort="2030a", course_identifier="npq-headship")
    assert api.application(app["id"])["attributes"]["funded_place"] is False
    expect(accept(api, "v3", app["id"]), 422, errors(("funded_place", UNFUNDED_FALSE)))
    expect(accept(api, "v3", app["id"], funded_place=True), 422, errors(("funded_place", UNFUNDED_FALSE)))
    expect(accept(api, "v3", app["id"], funded_place=False), 200)


def test_vd2_vd3_withdrawn_sibling_ignored_and_rejected_with_reason(api: Api) -> None:
    pid, old = api.make_participant(cohort=2023, training_status="withdrawn")
    new = api.as_("best-practice-token").make_application(
        participant_id=pid, cohort=2023, course_identifier="npq-headship"
    )
    expect(
        accept(api.as_("best-practice-token"), "v2", new["id"]),
        422,
        errors(("application", Msg.OTHER_ACCEPTED)),
    )
    expect(accept(api.as_("best-practice-token"), "v3", new["id"]), 200)
    shown = api.data(f"{V3_APP}/{old['id']}")["attributes"]
    assert (shown["status"], shown["reason_for_rejection"]) == (
        "rejected",
        "other_application_in_this_cohort_accepted",
    )
    assert "reason_for_rejection" not in api.data(f"{V2_APP}/{old['id']}")["attributes"]


# --- V-55 reject --------------------------------------------------------------------------------------


def test_v55_head_rejects_an_accepted_application_and_the_participant_vanishes(api: Api) -> None:
    pid, app = api.make_participant(cohort=2023)
    expect(api.post(f"{V2_APP}/{app['id']}/reject"), 422, errors(("application", Msg.ACCEPTED_CANNOT_CHANGE)))
    data = expect(api.post(f"{V3_APP}/{app['id']}/reject"), 200)["data"]["attributes"]
    assert (data["status"], data["reason_for_rejection"]) == ("rejected", "rejected_by_provider")
    for version in ("v1", "v2", "v3"):
        assert api.data(f"/api/{version}/participants/npq") == []
        assert api.data(f"/api/{version}/npq-applications/{app['id']}")["attributes"]["status"] == "rejected"
        expect(api.get(f"/api/{version}/participants/npq/{pid}"), 404)


def test_v55_billable_declarations_block_and_the_aug_2025_epoch_keeps_r61(api: Api) -> None:
    pid, app = api.make_participant(cohort=2023, schedule_identifier="npq-leadership-autumn")
    api.declared(pid, date="2023-10-02T10:00:00Z")
    expect(api.post(f"{V3_APP}/{app['id']}/reject"), 422, errors(("application", REJECT_BLOCKED)))
    api.settings(v3_epoch="2025-08")
    expect(api.post(f"{V3_APP}/{app['id']}/reject"), 422, errors(("application", Msg.ACCEPTED_CANNOT_CHANGE)))


# --- V-56 change funded place -------------------------------------------------------------------------


def test_v56_zero_and_full_cohorts_are_not_capped(api: Api) -> None:
    cohort(api, start_year=2030, funding="zero")
    _pid, app = api.make_participant(cohort=2030)
    resp = api.put(
        f"{V3_APP}/{app['id']}/change-funded-place", {"data": {"attributes": {"funded_place": False}}}
    )
    expect(resp, 422, errors(("application", Msg.CFP_UNCAPPED)))


# --- V-35, V-36, V-53, V-33 participants --------------------------------------------------------------


def test_v35_training_status_filter_narrows_participants_and_enrolments(api: Api) -> None:
    pid, _ = api.make_participant(cohort=2023, training_status="deferred")
    api.make_participant(participant_id=pid, course="npq-senior-leadership", cohort=2023)
    api.make_participant(cohort=2023)
    listed = api.data(f"{V3_PARTICIPANTS}?filter[training_status]=deferred")
    assert [p["id"] for p in listed] == [pid]
    assert [e["training_status"] for e in listed[0]["attributes"]["npq_enrolments"]] == ["deferred"]
    expect(api.get(f"{V3_PARTICIPANTS}?filter[training_status]=Active"), 422, TRAINING_422)
    expect(
        api.get(f"{V3_PARTICIPANTS}?filter[training_status]=x&filter[updated_since]=bad"),
        400,
        bad_request(BAD_UPDATED_SINCE),
    )
    assert len(api.data("/api/v2/participants/npq?filter[training_status]=x")) == 2


def test_v36_v53_participant_id_changes(api: Api) -> None:
    old, _ = api.make_participant(cohort=2023)
    new, _ = api.make_participant(cohort=2023, course="npq-senior-leadership")
    change_id(api, old, new)
    listed = api.data(f"{V3_PARTICIPANTS}?filter[from_participant_id]={old}")
    assert [p["id"] for p in listed] == [new]
    change = {"from_participant_id": old, "to_participant_id": new, "changed_at": "2024-04-01T10:00:00Z"}
    assert listed[0]["attributes"]["participant_id_changes"] == [change]
    assert len(listed[0]["attributes"]["npq_enrolments"]) == 2  # the merged person's records
    gone = errors(
        ("Participant ID has been changed", f"The participant_id '{old}' has been replaced with '{new}'.")
    )
    gone["errors"][0]["participant_id_changes"] = [change]
    expect(api.get(f"{V3_PARTICIPANTS}/{old}"), 410, gone)
    expect(api.get(f"{V3_PARTICIPANTS}/{old}/outcomes"), 410, gone)
    expect(api.as_("best-practice-token").get(f"{V3_PARTICIPANTS}/{old}"), 410, gone)
    expect(api.get(f"/api/v2/participants/npq/{old}"), 404)
    assert api.data(f"{V3_PARTICIPANTS}?filter[from_participant_id]=unknown") == []


def test_v33_sort_participants_by_a_user_column(api: Api) -> None:
    a, _ = api.make_participant(cohort=2023, full_name="Zed Last")
    b, _ = api.make_participant(cohort=2023, full_name="Amy First")
    assert [p["id"] for p in api.data(f"{V3_PARTICIPANTS}?sort=full_name")] == [b, a]
    assert [p["id"] for p in api.data(f"{V3_PARTICIPANTS}?sort=-full_name")] == [a, b]


def test_previous_names_from_the_testing_api(api: Api) -> None:
    pid, _ = api.make_participant(cohort=2023, full_name="Ann Old")
    resp = api.put(f"/__mock__/participants/{pid}", {"full_name": "Ann New"})
    shown = expect(resp, 200)["data"]["attributes"]
    assert (shown["full_name"], shown["previous_names"]) == ("Ann New", ["Ann Old"])
    assert api.data(f"{V3_PARTICIPANTS}/{pid}")["attributes"]["previous_names"] == ["Ann Old"]


# --- V-59 participant actions -------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["change-in-career", "non-payment-of-invoice"])
def test_vd11_new_withdrawal_reasons_in_v3_only(api: Api, reason: str) -> None:
    pid, _ = api.make_participant(cohort=2023, schedule_identifier="npq-leadership-autumn")
    api.declared(pid, date="2023-10-02T10:00:00Z")
    body = {"data": {"attributes": {"course_identifier": "npq-headship", "reason": reason}}}
    expect(api.put(f"/api/v2/participants/npq/{pid}/withdraw", body), 422, errors(("reason", Msg.BAD_REASON)))
    shown = expect(api.put(f"{V3_PARTICIPANTS}/{pid}/withdraw", body), 200)["data"]["attributes"]
    assert shown["npq_enrolments"][0]["withdrawal"] == {"reason": reason, "date": "2024-05-01T12:00:00Z"}


def _schedule_change(api: Api, pid: str, **attributes: Any) -> Any:
    body = {"data": {"attributes": {"course_identifier": "npq-headship", **attributes}}}
    return api.put(f"{V3_PARTICIPANTS}/{pid}/change-schedule", body)


def test_vd18_change_schedule_moves_to_the_latest_suffix_holding_it(api: Api) -> None:
    cohort(
        api,
        start_year=2025,
        suffix="b",
        funding="capped",
        schedules=[{"identifier": "npq-leadership-autumn", "applies_from": "2025-10-01"}],
    )
    pid, _ = api.make_participant(
        cohort="2025a", schedule_identifier="npq-leadership-spring", funded_place=True
    )
    shown = expect(_schedule_change(api, pid, schedule_identifier="npq-leadership-autumn"), 200)["data"]
    enrolment = shown["attributes"]["npq_enrolments"][0]
    assert (enrolment["schedule_identifier"], enrolment["cohort"], enrolment["cohort_suffix"]) == (
        "npq-leadership-autumn",
        "2025",
        "b",
    )


def test_vd18_empty_string_cohort_is_r90_at_head(api: Api) -> None:
    pid, _ = api.make_participant(cohort=2023, schedule_identifier="npq-leadership-autumn")
    resp = _schedule_change(api, pid, schedule_identifier="npq-leadership-spring", cohort="")
    expect(resp, 422, errors(("schedule_identifier", Msg.SCHEDULE_MISSING)))


def test_v59_zero_to_funded_cohort_refused(api: Api) -> None:
    cohort(api, start_year=2030, funding="zero")
    cohort(api, start_year=2031, funding="full")
    pid, _ = api.make_participant(cohort=2030, schedule_identifier="npq-leadership-autumn")
    resp = _schedule_change(api, pid, schedule_identifier="npq-leadership-autumn", cohort=2031)
    expect(
        resp,
        422,
        errors(
            (
                "cohort",
                "You cannot change the '#/cohort' field from one that is not funded to with that is funded",
            )
        ),
    )


# --- V-61 outcomes ------------------------------------------------------------------------------------


def _completed(api: Api) -> str:
    api.clock("2025-06-01T12:00:00Z")
    pid, _ = api.make_participant(cohort=2023, schedule_identifier="npq-leadership-autumn")
    api.declared(pid, declaration_type="completed", date="2024-06-02T10:00:00Z", has_passed=True)
    return pid


def _outcome(api: Api, version: str, pid: str, state: str, date: str) -> Any:
    body = {
        "data": {"attributes": {"course_identifier": "npq-headship", "state": state, "completion_date": date}}
    }
    return api.post(f"/api/{version}/participants/npq/{pid}/outcomes", body)


def test_vd13_impossible_date_is_400_in_v3_and_422_in_v2(api: Api) -> None:
    pid = _completed(api)
    expect(_outcome(api, "v3", pid, "passed", "2021-13-01"), 400, bad_request("invalid date"))
    expect(
        _outcome(api, "v2", pid, "passed", "2021-13-01"),
        422,
        errors(("completion_date", Msg.COMPLETION_FORMAT)),
    )


def test_vd14_passed_outcome_kept_in_v3_and_v21_updated_at(api: Api) -> None:
    pid = _completed(api)
    first = expect(_outcome(api, "v3", pid, "passed", "2024-07-01"), 200)["data"]
    again = expect(_outcome(api, "v3", pid, "passed", "2024-08-01"), 200)["data"]
    assert again == first and list(first["attributes"])[-1] == "updated_at"
    v2 = expect(_outcome(api, "v2", pid, "passed", "2024-08-01"), 200)["data"]
    assert v2["id"] != first["id"] and "updated_at" not in v2["attributes"]


def test_testing_api_invalid_inputs_are_422_naming_the_attribute(api: Api) -> None:
    for body, title in (
        ({"start_year": "x"}, "start_year"),
        ({"start_year": 2030, "funding": "some"}, "funding"),
        ({"start_year": 2030, "schedules": [{"identifier": "x", "applies_from": "2030-01-01"}]}, "schedules"),
    ):
        resp = api.client.post("/__mock__/cohorts", json=body)
        assert resp.status_code == 422 and resp.get_json()["errors"][0]["title"] == title
    resp = api.client.post("/__mock__/participant-id-changes", json={"from_participant_id": "x"})
    assert resp.status_code == 422
    resp = api.post("/__mock__/applications", {"data": {"attributes": {"works_as_senco": True}}})
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["title"] == "works_as_senco"
    expect(api.client.put("/__mock__/settings", json={"v3_epoch": "2024"}), 422)


def test_v37_filtered_updated_at_counts_only_what_the_filter_loads(api: Api) -> None:
    at = "2024-01-01T10:00:00Z"
    pid, _ = api.make_participant(cohort=2023, training_status="deferred", created_at=at)
    _, other = api.make_participant(
        participant_id=pid, course="npq-senior-leadership", cohort=2024, created_at=at, funded_place=True
    )
    body = {"data": {"attributes": {"funded_place": False}}}
    expect(api.put(f"{V3_APP}/{other['id']}/change-funded-place", body), 200)  # touches that application only
    assert api.data(f"{V3_PARTICIPANTS}/{pid}")["attributes"]["updated_at"] == "2024-05-01T12:00:00Z"
    narrowed = api.data(f"{V3_PARTICIPANTS}?filter[training_status]=deferred")[0]["attributes"]
    assert narrowed["updated_at"] == at


def test_cohorts_made_later_take_the_previous_years_schedules_and_can_be_updated(api: Api) -> None:
    made = cohort(api, start_year=2030, suffix="b", funding="capped")
    assert (made["identifier"], made["registration_start_date"]) == ("2030b", "2030-04-03")
    autumn = next(s for s in made["schedules"] if s["identifier"] == "npq-leadership-autumn")
    assert autumn["applies_from"] == "2030-10-01"  # 2029's, one year later
    resp = api.client.post(
        "/__mock__/cohorts",
        json={
            "start_year": 2030,
            "suffix": "b",
            "funding": "full",
            "schedules": [{"identifier": "npq-leadership-autumn", "applies_from": "2030-09-01"}],
        },
    )
    updated = expect(resp, 200)
    assert updated["funding"] == "full"
    assert {s["identifier"]: s["applies_from"] for s in updated["schedules"]}["npq-leadership-autumn"] == (
        "2030-09-01"
    )


def test_a_removed_contract_stops_declarations_in_every_version(api: Api) -> None:
    pid, _ = api.make_participant(cohort=2023, schedule_identifier="npq-leadership-autumn")
    resp = api.request(
        "DELETE", "/__mock__/contracts", {"cohort": "2023a", "course_identifier": "npq-headship"}
    )
    assert expect(resp, 200) == {"removed": 1}
    expect(api.declare(pid, date="2023-10-02T10:00:00Z"), 422, errors(("cohort", Msg.DECL_NO_CONTRACT)))
    assert expect(
        api.request("DELETE", "/__mock__/contracts", {"cohort": 2023, "course_identifier": "npq-headship"}),
        200,
    ) == {"removed": 0}


def test_vd20_2026b_is_autumn_at_head_and_by_date_rules_at_the_baseline(api: Api) -> None:
    cohort(api, start_year=2026, suffix="b", funding="full")
    api.clock("2026-01-10T12:00:00Z")  # the date rules say spring
    head = api.make_application(cohort="2026b", course_identifier="npq-headship")
    shown = expect(accept(api, "v3", head["id"]), 200)["data"]["attributes"]
    assert (shown["cohort_suffix"], shown["schedule_identifier"]) == ("b", "npq-leadership-autumn")
    baseline = api.make_application(cohort="2026b", course_identifier="npq-headship")
    expect(accept(api, "v2", baseline["id"]), 200)
    assert (
        api.data(f"{V3_APP}/{baseline['id']}")["attributes"]["schedule_identifier"] == "npq-leadership-spring"
    )


def test_v14_after_a_transfer_the_old_providers_withdrawal_is_not_shown(api: Api) -> None:
    pid, app = api.make_participant(cohort=2023, training_status="withdrawn")
    bpn_id = "57ba9e86-559f-4ff4-a6d2-4610c7259b67"
    moved = api.client.post(f"/__mock__/applications/{app['id']}/transfer", json={"lead_provider_id": bpn_id})
    assert expect(moved, 200)["data"]["attributes"]["status"] == "accepted"
    enrolment = api.as_("best-practice-token").data(f"{V3_PARTICIPANTS}/{pid}")["attributes"][
        "npq_enrolments"
    ][0]
    assert (enrolment["training_status"], enrolment["withdrawal"]) == ("withdrawn", None)
    expect(api.get(f"{V3_PARTICIPANTS}/{pid}"), 404)


def test_v14_participant_id_changes_newest_first(api: Api) -> None:
    pid, _ = api.make_participant(cohort=2023)
    first, second = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    change_id(api, first, pid, "2024-01-01T00:00:00Z")
    change_id(api, second, pid, "2024-02-01T00:00:00Z")
    changes = api.data(f"{V3_PARTICIPANTS}/{pid}")["attributes"]["participant_id_changes"]
    assert [c["from_participant_id"] for c in changes] == [second, first]
