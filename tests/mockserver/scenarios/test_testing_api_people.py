"""Testing-API set-ups a request spec would make: an existing person's further applications, a policy-funded
application (R-40's exception) and the withdrawal time of a withdrawn set-up (R-82)."""

from __future__ import annotations

from tests.mockserver.scenarios.conftest import APP, Api, Msg, expect, expect_errors


def _person(api: Api) -> dict:
    return api.make_application(
        full_name="Ada Lovelace",
        email="ada@example.com",
        teacher_reference_number="1234567",
        teacher_reference_number_validated=True,
        course_identifier="npq-headship",
        cohort=2023,
    )


def test_participant_id_with_the_persons_own_details_adds_an_application_to_that_person(api: Api) -> None:
    first = _person(api)
    pid = first["attributes"]["participant_id"]
    second = api.make_application(
        participant_id=pid.upper(),
        full_name="Ada Lovelace",
        email="ada@example.com",
        teacher_reference_number="1234567",
        teacher_reference_number_validated=True,
        course_identifier="npq-senco",
        cohort=2024,
    )
    assert second["attributes"]["participant_id"] == pid
    assert (second["attributes"]["full_name"], second["attributes"]["teacher_reference_number"]) == (
        "Ada Lovelace",
        "1234567",
    )
    assert sorted(a["id"] for a in api.data(APP)) == sorted([first["id"], second["id"]])


def test_participant_id_with_different_person_details_is_a_422_naming_the_attribute(api: Api) -> None:
    pid = _person(api)["attributes"]["participant_id"]
    resp = api.post(
        "/__mock__/applications",
        {
            "data": {
                "attributes": {
                    "participant_id": pid,
                    "full_name": "Ada Lovelace",
                    "teacher_reference_number": "7654321",
                }
            }
        },
    )
    body = expect(resp, 422)
    assert [e["title"] for e in body["errors"]] == ["teacher_reference_number"]
    assert len(api.data(APP)) == 1


def test_marked_funded_by_policy_keeps_a_previously_funded_application_eligible(api: Api, bpn: Api) -> None:
    funded = bpn.make_application(
        course_identifier="npq-headship", cohort=2022, status="accepted", eligible_for_funding=True
    )
    pid = funded["attributes"]["participant_id"]
    policy = api.make_application(
        participant_id=pid,
        course_identifier="npq-headship",
        cohort=2023,
        eligible_for_funding=True,
        funding_eligibility_status_code="marked_funded_by_policy",
    )
    plain = api.make_application(
        participant_id=pid, course_identifier="npq-headship", cohort=2024, eligible_for_funding=True
    )
    assert (
        policy["attributes"]["eligible_for_funding"],
        policy["attributes"]["ineligible_for_funding_reason"],
    ) == (True, "previously-funded")
    assert (
        plain["attributes"]["eligible_for_funding"],
        plain["attributes"]["ineligible_for_funding_reason"],
    ) == (False, "previously-funded")


def test_policy_funded_application_gets_eligible_declarations(api: Api, bpn: Api) -> None:
    funded = bpn.make_application(
        course_identifier="npq-headship", cohort=2022, status="accepted", eligible_for_funding=True
    )
    pid = funded["attributes"]["participant_id"]
    api.make_application(
        participant_id=pid,
        course_identifier="npq-headship",
        cohort=2023,
        status="accepted",
        eligible_for_funding=True,
        teacher_catchment="another",
        funding_eligibility_status_code="marked_funded_by_policy",
    )
    assert api.declared(pid, date="2023-10-02T10:00:00Z")["attributes"]["state"] == "eligible"


def test_invalid_funding_eligibility_status_code_is_a_422_naming_it(api: Api) -> None:
    resp = api.post(
        "/__mock__/applications",
        {"data": {"attributes": {"funding_eligibility_status_code": "Marked Funded"}}},
    )
    assert [e["title"] for e in expect(resp, 422)["errors"]] == ["funding_eligibility_status_code"]


def test_a_withdrawn_set_up_withdrew_at_its_created_at(api: Api) -> None:
    pid, _ = api.make_participant(
        training_status="withdrawn", teacher_catchment="another", created_at="2023-11-01T09:00:00Z"
    )
    assert api.declared(pid, date="2023-10-31T09:00:00Z")["attributes"]["state"] == "eligible"
    api.void(api.data("/api/v1/participant-declarations")[0]["id"])
    expect_errors(
        api.declare(pid, date="2023-11-01T09:00:00Z"),
        422,
        ("participant_id", Msg.withdrew("2023-11-01T09:00:00Z")),
    )
