"""v3 declarations with delivery partners and statements (V-38..V-40, V-63..V-75, V-93..V-96, VD5..VD9, VD19).

Black-box: the mock over HTTP only, from an empty world (no partners, no statements) and a frozen clock.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.mockserver.scenarios.conftest import (
    AMBITION_ID,
    BEST_PRACTICE_ID,
    MISSING,
    UNKNOWN_ID,
    Api,
    Msg,
    attrs,
    expect,
    expect_errors,
)

V3 = "/api/v3/participant-declarations"
V2 = "/api/v2/participant-declarations"
V1 = "/api/v1/participant-declarations"
NOW_2025 = "2025-03-01T12:00:00Z"
DATE_2025 = "2025-02-01T10:00:00Z"
MUST_BE_PRESENT = Msg.DELIVERY_PARTNER
DP_UNKNOWN = "The property '#/delivery_partner_id' does not exist"
SDP_UNKNOWN = "The property '#/secondary_delivery_partner_id' does not exist"
OVERSEAS = "The property '#/delivery_partner_id' cannot be specified for Applications from outside of England"
SDP_OVERSEAS = (
    "The property '#/secondary_delivery_partner_id' cannot be specified for Applications from "
    "outside of England"
)
NOT_PARTNERED = (
    "The entered '#/delivery_partner_id' is not from your list of confirmed Delivery Partners for the Cohort"
)
SDP_NOT_PARTNERED = (
    "The entered '#/secondary_delivery_partner_id' is not from your list of confirmed Delivery Partners for "
    "the Cohort"
)
SDP_WITHOUT_DP = (
    "The property '#/secondary_delivery_partner_id' cannot be specified without the property "
    "'#/delivery_partner_id'"
)
SAME = (
    "The property '#/secondary_delivery_partner_id' cannot have the same value as the property "
    "'#/delivery_partner_id'"
)
FORBIDDEN = {
    "errors": [
        {
            "title": "Cannot modify declaration",
            "detail": "The declaration cannot be modified because it was created by another lead provider",
        }
    ]
}


# helpers -----------------------------------------------------------------------------------------------
def partner(api: Api, name: str, *links: tuple[str, Any]) -> str:
    body = {"name": name, "partnerships": [{"lead_provider_id": p, "cohort": c} for p, c in links]}
    return expect(api.client.post("/__mock__/delivery-partners", json=body), 201)["data"]["id"]


def statement(api: Api, cohort: int, year: int, month: int, deadline: str, payment: str, **kw: Any) -> str:
    body = {
        "lead_provider_id": kw.pop("provider", AMBITION_ID),
        "cohort": cohort,
        "year": year,
        "month": month,
        "deadline_date": deadline,
        "payment_date": payment,
        **kw,
    }
    return expect(api.client.post("/__mock__/statements", json=body), 201)["data"]["id"]


def move(api: Api, statement_id: str, state: str) -> dict[str, Any]:
    return expect(api.client.put(f"/__mock__/statements/{statement_id}", json={"state": state}), 200)["data"]


def declare(
    api: Api,
    pid: Any,
    *,
    path: str = V3,
    date: str = DATE_2025,
    course: str = "npq-headship",
    dp: Any = MISSING,
    sdp: Any = MISSING,
    **more: Any,
) -> Any:
    attributes = attrs(
        {
            "participant_id": pid,
            "declaration_type": more.pop("declaration_type", "started"),
            "declaration_date": date,
            "course_identifier": course,
            "delivery_partner_id": dp,
            "secondary_delivery_partner_id": sdp,
            **more,
        }
    )
    return api.post(path, {"data": {"type": "participant-declaration", "attributes": attributes}})


def change(api: Api, declaration_id: str, dp: Any = MISSING, sdp: Any = MISSING, body: Any = MISSING) -> Any:
    if body is MISSING:
        body = {
            "data": {
                "type": "participant-declaration-change-delivery-partner",
                "attributes": attrs({"delivery_partner_id": dp, "secondary_delivery_partner_id": sdp}),
            }
        }
    return api.put(f"{V3}/{declaration_id}/change-delivery-partner", body)


def person_2024(api: Api, **kw: Any) -> str:
    api.clock(NOW_2025)
    pid, _ = api.make_participant(cohort=2024, schedule_identifier="npq-leadership-autumn", **kw)
    return pid


def v3_attrs(resp: Any, status: int = 200) -> dict[str, Any]:
    return expect(resp, status)["data"]["attributes"]


def epoch(api: Api, value: str) -> None:
    api.settings(v3_epoch=value)


# V-71, V-93, V-94, R-105: the next output-fee statement -------------------------------------------------
@pytest.fixture
def statements_2023(api: Api) -> dict[str, str]:
    """Ambition's 2023 statements around the default clock (2024-05-01)."""
    return {
        "past": statement(api, 2023, 2024, 3, "2024-02-24", "2024-03-24"),
        "service": statement(api, 2023, 2024, 5, "2024-05-10", "2024-06-10", output_fee=False),
        "next": statement(api, 2023, 2024, 6, "2024-05-26", "2024-06-26"),
        "later": statement(api, 2023, 2024, 9, "2024-08-26", "2024-09-26"),
    }


def test_v71_r105_eligible_declaration_attached_to_next_output_fee_statement(
    api: Api, statements_2023
) -> None:
    pid, _ = api.make_participant()
    shown = v3_attrs(declare(api, pid, date="2023-10-02T10:00:00Z"))
    assert shown["state"] == "eligible"
    assert shown["statement_id"] == statements_2023["next"] and shown["clawback_statement_id"] is None


def test_v18_submitted_declaration_has_no_statement(api: Api, statements_2023) -> None:
    pid, _ = api.make_participant(eligible_for_funding=False)
    shown = v3_attrs(declare(api, pid, date="2023-10-02T10:00:00Z"))
    assert shown["state"] == "submitted" and shown["statement_id"] is None


def test_v18_ineligible_duplicate_is_attached_but_shows_no_statement(api: Api, statements_2023) -> None:
    first, _ = api.make_participant(teacher_reference_number="1234567")
    second, _ = api.make_participant(teacher_reference_number="1234567")
    declare(api, first, date="2023-10-02T10:00:00Z")
    shown = v3_attrs(declare(api, second, date="2023-10-02T10:00:00Z"))
    assert shown["state"] == "ineligible" and shown["statement_id"] is None
    assert shown["ineligible_for_funding_reason"] is None


def test_r100_no_next_output_fee_statement_means_funding_contract_ended(api: Api) -> None:
    statement(api, 2023, 2024, 3, "2024-02-24", "2024-03-24")
    statement(api, 2023, 2024, 6, "2024-05-26", "2024-06-26", state="payable")
    pid, _ = api.make_participant()
    expect_errors(declare(api, pid, date="2023-10-02T10:00:00Z"), 422, ("cohort", Msg.closed(2023)))
    expect_errors(declare(api, pid, path=V1, date="2023-10-02T10:00:00Z"), 422, ("cohort", Msg.closed(2023)))


def test_r100_closed_cohorts_setting_overrides_open_statements(api: Api, statements_2023) -> None:
    api.settings(closed_cohorts=[2023])
    pid, _ = api.make_participant()
    expect_errors(declare(api, pid, date="2023-10-02T10:00:00Z"), 422, ("cohort", Msg.closed(2023)))


def test_r100_statements_of_another_provider_do_not_count(api: Api, bpn: Api) -> None:
    statement(api, 2023, 2024, 3, "2024-02-24", "2024-03-24", provider=BEST_PRACTICE_ID)
    ours, _ = api.make_participant()
    assert v3_attrs(declare(api, ours, date="2023-10-02T10:00:00Z"))["statement_id"] is None
    theirs, _ = bpn.make_participant()
    expect_errors(declare(bpn, theirs, date="2023-10-02T10:00:00Z"), 422, ("cohort", Msg.closed(2023)))


def test_v67_void_of_eligible_or_payable_voids_its_item(api: Api, statements_2023) -> None:
    pid, _ = api.make_participant()
    first = expect(declare(api, pid, date="2023-10-02T10:00:00Z"), 200)["data"]["id"]
    shown = v3_attrs(api.put(f"{V3}/{first}/void"))
    assert shown["state"] == "voided" and shown["statement_id"] is None
    second = expect(declare(api, pid, date="2023-10-03T10:00:00Z"), 200)["data"]["id"]
    move(api, statements_2023["next"], "payable")
    assert api.data(f"{V3}/{second}")["attributes"]["state"] == "payable"
    shown = v3_attrs(api.put(f"{V3}/{second}/void"))
    assert shown["state"] == "voided" and shown["statement_id"] is None


def test_v67_clawback_of_paid_attaches_refund_to_the_next_statement(api: Api, statements_2023) -> None:
    pid, _ = api.make_participant()
    decl = expect(declare(api, pid, date="2023-10-02T10:00:00Z"), 200)["data"]["id"]
    move(api, statements_2023["next"], "paid")
    api.clock("2024-06-10T12:00:00Z")  # the June statement's deadline has passed: September is next
    shown = v3_attrs(api.put(f"{V3}/{decl}/void"))
    assert shown["state"] == "awaiting-clawback"
    assert shown["statement_id"] == statements_2023["next"]
    assert shown["clawback_statement_id"] == statements_2023["later"]
    assert shown["uplift_paid"] in (True, False)
    move(api, statements_2023["later"], "paid")
    shown = api.data(f"{V3}/{decl}")["attributes"]
    assert shown["state"] == "clawed-back" and shown["updated_at"] == "2024-06-10T12:00:00Z"
    assert shown["clawback_statement_id"] == statements_2023["later"]


def test_r111_step2_clawback_needs_a_next_output_fee_statement(api: Api, statements_2023) -> None:
    pid, _ = api.make_participant()
    decl = expect(declare(api, pid, date="2023-10-02T10:00:00Z"), 200)["data"]["id"]
    api.set_state(decl, "paid")
    api.clock("2024-09-01T12:00:00Z")
    expect_errors(api.put(f"{V3}/{decl}/void"), 422, ("declaration", Msg.closed(2023)))


def test_v73_payment_runs_move_declarations_and_statement(api: Api, statements_2023) -> None:
    pid, _ = api.make_participant()
    decl = expect(declare(api, pid, date="2023-10-02T10:00:00Z"), 200)["data"]["id"]
    api.clock("2024-05-20T09:00:00Z")
    shown = move(api, statements_2023["next"], "payable")["attributes"]
    assert shown["paid"] is False and shown["updated_at"] == "2024-05-20T09:00:00Z"
    assert shown["lead_provider_id"] == AMBITION_ID
    assert api.data(f"{V1}/{decl}")["attributes"]["state"] == "payable"
    api.clock("2024-06-26T09:00:00Z")
    assert move(api, statements_2023["next"], "paid")["attributes"]["paid"] is True
    shown = api.data(f"{V3}/{decl}")["attributes"]
    assert shown["state"] == "paid" and shown["updated_at"] == "2024-06-26T09:00:00Z"
    assert shown["statement_id"] == statements_2023["next"]
    listed = api.data("/api/v3/statements", query={"filter[updated_since]": "2024-06-26T00:00:00Z"})
    assert [s["id"] for s in listed] == [statements_2023["next"]]


def test_v73_dfe_declaration_state_hook_keeps_items(api: Api, statements_2023) -> None:
    pid, _ = api.make_participant(eligible_for_funding=False)
    decl = expect(declare(api, pid, date="2023-10-02T10:00:00Z"), 200)["data"]["id"]
    api.set_state(decl, "paid")
    assert api.data(f"{V3}/{decl}")["attributes"]["statement_id"] == statements_2023["next"]


def test_statement_hooks_reject_bad_input_with_422(api: Api) -> None:
    for body, title in (
        ({"lead_provider_id": UNKNOWN_ID, "cohort": 2023, "year": 2024, "month": 1}, "lead_provider_id"),
        ({"lead_provider_id": AMBITION_ID, "cohort": 1999, "year": 2024, "month": 1}, "cohort"),
        ({"lead_provider_id": AMBITION_ID, "cohort": "2023z", "year": 2024, "month": 1}, "cohort"),
        ({"lead_provider_id": AMBITION_ID, "cohort": 2023, "year": 2024, "month": 13}, "month"),
        (
            {"lead_provider_id": AMBITION_ID, "cohort": 2023, "year": 2024, "month": 1, "deadline_date": "x"},
            "deadline_date",
        ),
        (
            {"lead_provider_id": AMBITION_ID, "cohort": 2023, "year": 2024, "month": 1, "state": "gone"},
            "state",
        ),
    ):
        reply = api.client.post("/__mock__/statements", json=body)
        assert reply.status_code == 422 and reply.get_json()["errors"][0]["title"] == title, body
    made = statement(api, 2023, 2024, 6, "2024-05-26", "2024-06-26", state="paid")
    reply = api.client.put(f"/__mock__/statements/{made}", json={"state": "payable"})
    assert reply.status_code == 422 and reply.get_json()["errors"][0]["title"] == "state"
    assert api.client.put(f"/__mock__/statements/{UNKNOWN_ID}", json={"state": "paid"}).status_code == 404
    for body, title in (
        ({"name": ""}, "name"),
        ({"name": "X", "partnerships": [{"cohort": 2024}]}, "partnerships"),
    ):
        reply = api.client.post("/__mock__/delivery-partners", json=body)
        assert reply.status_code == 422 and reply.get_json()["errors"][0]["title"] == title
    partner(api, "Taken")
    reply = api.client.post("/__mock__/delivery-partners", json={"name": "Taken"})
    assert reply.status_code == 422 and reply.get_json()["errors"][0]["title"] == "name"


# V-72, V-39: statements endpoints ----------------------------------------------------------------------
def test_v72_statements_list_output_fee_only_by_payment_date_and_scoped(api: Api, bpn: Api) -> None:
    late = statement(api, 2024, 2025, 6, "2025-05-26", "2025-06-26")
    early = statement(api, 2023, 2024, 6, "2024-05-26", "2024-06-26")
    service = statement(api, 2023, 2024, 7, "2024-06-25", "2024-07-25", output_fee=False)
    theirs = statement(api, 2023, 2024, 6, "2024-05-26", "2024-06-26", provider=BEST_PRACTICE_ID)
    listed = api.data("/api/v3/statements")
    assert [s["id"] for s in listed] == [early, late]
    assert listed[0] == {
        "id": early,
        "type": "statement",
        "attributes": {
            "month": "June",
            "year": "2024",
            "cohort": "2023",
            "cut_off_date": "2024-05-26",
            "payment_date": "2024-06-26",
            "paid": False,
            "created_at": "2024-05-01T12:00:00Z",
            "updated_at": "2024-05-01T12:00:00Z",
        },
    }
    assert [s["id"] for s in api.data("/api/v3/statements", query={"filter[cohort]": "2024"})] == [late]
    assert [s["id"] for s in api.data("/api/v3/statements", query={"filter[cohort]": "2023,2024"})] == [
        early,
        late,
    ]
    assert api.data("/api/v3/statements", query={"filter[cohort]": "abc"}) == []
    assert [
        s["id"] for s in api.data("/api/v3/statements", query={"page[per_page]": "1", "page[page]": "2"})
    ] == [late]
    assert api.data(f"/api/v3/statements/{early}")["id"] == early
    for hidden in (service, theirs, UNKNOWN_ID, "nope"):
        expect(api.get(f"/api/v3/statements/{hidden}"), 404, {"error": "Resource not found"})
    assert [s["id"] for s in bpn.data("/api/v3/statements")] == [theirs]
    expect(api.get("/api/v2/statements"), 404)
    expect(api.get("/api/v3/statements", query={"filter[updated_since]": "nope"}), 400)


# V-74, V-75, V-22, V-40: delivery partners -------------------------------------------------------------
def test_v74_delivery_partners_list_show_filter_sort(api: Api, bpn: Api) -> None:
    zed = partner(api, "Zed Partners", (AMBITION_ID, 2025), (AMBITION_ID, 2023), (BEST_PRACTICE_ID, 2021))
    alpha = partner(api, "Alpha Partners", (AMBITION_ID, 2024))
    other = partner(api, "Other Partners", (BEST_PRACTICE_ID, 2024))
    listed = api.data("/api/v3/delivery-partners")
    assert [p["id"] for p in listed] == [alpha, zed]
    assert listed[1]["attributes"]["cohort"] == [2023, 2025]
    assert listed[1]["type"] == "delivery-partner" and listed[1]["attributes"]["name"] == "Zed Partners"
    assert [p["id"] for p in api.data("/api/v3/delivery-partners", query={"sort": "-name"})] == [zed, alpha]
    assert {p["id"] for p in api.data("/api/v3/delivery-partners", query={"sort": "nonsense"})} == {
        zed,
        alpha,
    }
    by_cohort = api.data("/api/v3/delivery-partners", query={"filter[cohort]": "2023,2024"})
    assert [p["id"] for p in by_cohort] == [zed] and by_cohort[0]["attributes"]["cohort"] == [2023, 2025]
    assert api.data("/api/v3/delivery-partners", query={"filter[cohort]": "abc"}) == []
    assert [
        p["id"]
        for p in api.data("/api/v3/delivery-partners", query={"page[per_page]": "1", "page[page]": "2"})
    ] == [zed]
    assert api.data(f"/api/v3/delivery-partners/{zed}")["attributes"]["cohort"] == [2023, 2025]
    expect(api.get(f"/api/v3/delivery-partners/{other}"), 404, {"error": "Resource not found"})
    assert bpn.data(f"/api/v3/delivery-partners/{zed}")["attributes"]["cohort"] == [2021]
    expect(api.get("/api/v1/delivery-partners"), 404)


def test_reset_empty_leaves_no_partners_and_no_statements(api: Api) -> None:
    partner(api, "Gone", (AMBITION_ID, 2024))
    statement(api, 2023, 2024, 6, "2024-05-26", "2024-06-26")
    api.reset()
    assert api.data("/api/v3/delivery-partners") == [] and api.data("/api/v3/statements") == []


# V-63..V-66: create with delivery partners -------------------------------------------------------------
def test_v64_v66_partnered_primary_and_secondary_are_stored_and_shown(api: Api) -> None:
    pid = person_2024(api)
    one = partner(api, "One", (AMBITION_ID, 2024))
    two = partner(api, "Two", (AMBITION_ID, "2024a"))
    shown = v3_attrs(declare(api, pid, dp=one.upper(), sdp=two))
    assert (shown["delivery_partner_id"], shown["delivery_partner_name"]) == (one, "One")
    assert (shown["secondary_delivery_partner_id"], shown["secondary_delivery_partner_name"]) == (two, "Two")
    assert shown["lead_provider_name"] == "Ambition Institute" and shown["application_id"]


def test_vd6_v3_always_requires_a_partner_for_england_2024(api: Api) -> None:
    pid = person_2024(api)
    api.settings(delivery_partner_rule=False)
    expect_errors(declare(api, pid), 422, ("delivery_partner_id", MUST_BE_PRESENT))
    epoch(api, "2025-08")  # at the Aug 2025 epoch the requirement was v1's feature flag (VD6 = D4)
    assert v3_attrs(declare(api, pid))["delivery_partner_id"] is None


def test_v64_steps_13_14_unknown_partners_are_not_skipped(api: Api) -> None:
    expect_errors(
        declare(api, MISSING, dp="", sdp=7),
        422,
        ("participant_id", Msg.PID_MISSING),
        ("delivery_partner_id", DP_UNKNOWN),
        ("secondary_delivery_partner_id", SDP_UNKNOWN),
    )
    pid = person_2024(api)
    expect_errors(declare(api, pid, dp=UNKNOWN_ID), 422, ("delivery_partner_id", DP_UNKNOWN))
    expect_errors(declare(api, pid, dp=None, sdp=None), 422, ("delivery_partner_id", MUST_BE_PRESENT))


def test_v64_15c_15f_overseas_and_vd7_apostrophe(api: Api) -> None:
    pid = person_2024(api, teacher_catchment="scotland")
    one = partner(api, "One", (AMBITION_ID, 2024))
    two = partner(api, "Two", (AMBITION_ID, 2024))
    expect_errors(
        declare(api, pid, dp=one, sdp=two),
        422,
        ("delivery_partner_id", OVERSEAS),
        ("secondary_delivery_partner_id", SDP_OVERSEAS),
    )
    epoch(api, "2025-08")
    expect_errors(
        declare(api, pid, dp=one, sdp=two),
        422,
        ("delivery_partner_id", OVERSEAS + "'"),
        ("secondary_delivery_partner_id", SDP_OVERSEAS + "'"),
    )
    assert v3_attrs(declare(api, pid))["delivery_partner_id"] is None  # overseas: no partner needed


def test_v64_15d_15g_partner_must_be_partnered_for_the_exact_cohort_and_provider(api: Api) -> None:
    pid = person_2024(api)
    wrong_cohort = partner(api, "Wrong cohort", (AMBITION_ID, 2025))
    wrong_provider = partner(api, "Wrong provider", (BEST_PRACTICE_ID, 2024))
    expect_errors(
        declare(api, pid, dp=wrong_cohort, sdp=wrong_provider),
        422,
        ("delivery_partner_id", NOT_PARTNERED),
        ("secondary_delivery_partner_id", SDP_NOT_PARTNERED),
    )


def test_v64_15e_15h_secondary_rules(api: Api) -> None:
    api.clock("2024-05-01T12:00:00Z")
    pid, _ = api.make_participant(cohort=2023)
    one = partner(api, "One", (AMBITION_ID, 2023))
    expect_errors(
        declare(api, pid, date="2023-10-02T10:00:00Z", sdp=one),
        422,
        ("secondary_delivery_partner_id", SDP_WITHOUT_DP),
    )
    expect_errors(
        declare(api, pid, date="2023-10-02T10:00:00Z", dp=one, sdp=one),
        422,
        ("secondary_delivery_partner_id", SAME),
    )
    assert v3_attrs(declare(api, pid, date="2023-10-02T10:00:00Z"))["delivery_partner_id"] is None


def test_v64_inside_catchment_by_urn_before_2024(api: Api) -> None:
    one = partner(api, "One", (AMBITION_ID, 2023))
    inside, _ = api.make_participant(cohort=2023, teacher_catchment="another", school_urn="123456")
    assert v3_attrs(declare(api, inside, date="2023-10-02T10:00:00Z", dp=one))["delivery_partner_id"] == one
    outside, _ = api.make_participant(cohort=2023, teacher_catchment="another", school_urn="234567")
    expect_errors(
        declare(api, outside, date="2023-10-02T10:00:00Z", dp=one), 422, ("delivery_partner_id", OVERSEAS)
    )


def test_v64_15_model_checks_are_skipped_after_earlier_errors(api: Api) -> None:
    pid = person_2024(api)
    one = partner(api, "One", (AMBITION_ID, 2025))
    expect_errors(
        declare(api, pid, dp=one, declaration_type="nope"), 422, ("declaration_type", Msg.TYPE_UNKNOWN)
    )


def test_v65_v1_v2_cannot_send_partners(api: Api) -> None:
    pid = person_2024(api)
    one = partner(api, "One", (AMBITION_ID, 2024))
    for path in (V1, V2):
        expect_errors(declare(api, pid, path=path, dp=one), 422, ("delivery_partner_id", MUST_BE_PRESENT))
        expect_errors(
            declare(api, pid, path=path, dp=UNKNOWN_ID), 422, ("delivery_partner_id", MUST_BE_PRESENT)
        )
    assert v3_attrs(declare(api, pid, dp=one))["delivery_partner_id"] == one


# V-68..V-70: change delivery partner -------------------------------------------------------------------
@pytest.fixture
def declared_2024(api: Api) -> tuple[str, str, str, str]:
    pid = person_2024(api)
    one = partner(api, "One", (AMBITION_ID, 2024))
    two = partner(api, "Two", (AMBITION_ID, 2024))
    decl = expect(declare(api, pid, dp=one, sdp=two), 200)["data"]["id"]
    return decl, one, two, pid


def test_v68_v70_change_replaces_partners_and_moves_updated_at(api: Api, declared_2024) -> None:
    decl, one, two, _ = declared_2024
    api.clock("2025-03-02T08:00:00Z")
    shown = v3_attrs(change(api, decl, dp=two))
    assert (shown["delivery_partner_id"], shown["secondary_delivery_partner_id"]) == (two, None)
    assert shown["updated_at"] == "2025-03-02T08:00:00Z" and shown["state"] == "eligible"
    assert api.data(V1, query={"filter[updated_since]": "2025-03-02T00:00:00Z"})[0]["id"] == decl
    api.put(f"{V3}/{decl}/void")
    assert v3_attrs(change(api, decl, dp=one, sdp=""))["delivery_partner_id"] == one  # any state


def test_v69_unknown_partner_head_and_aug_2025_orders(api: Api, declared_2024) -> None:
    decl = declared_2024[0]
    expect_errors(
        change(api, decl, dp=UNKNOWN_ID),
        422,
        ("delivery_partner", NOT_PARTNERED),
        ("delivery_partner_id", MUST_BE_PRESENT),
    )
    expect_errors(
        change(api, decl, dp=None),
        422,
        ("delivery_partner", NOT_PARTNERED),
        ("delivery_partner_id", MUST_BE_PRESENT),
    )
    expect_errors(
        change(api, decl, dp=declared_2024[1], sdp=UNKNOWN_ID),
        422,
        ("secondary_delivery_partner", SDP_NOT_PARTNERED),
    )
    epoch(api, "2025-08")
    expect_errors(
        change(api, decl, dp=UNKNOWN_ID),
        422,
        ("delivery_partner_id", MUST_BE_PRESENT),
        ("delivery_partner", NOT_PARTNERED),
    )


def test_v69_real_partner_not_partnered(api: Api, declared_2024) -> None:
    stranger = partner(api, "Stranger", (BEST_PRACTICE_ID, 2024))
    expect_errors(change(api, declared_2024[0], dp=stranger), 422, ("delivery_partner_id", NOT_PARTNERED))


def test_v69_unknown_partner_on_a_2023_declaration_gives_one_error(api: Api) -> None:
    pid, _ = api.make_participant(cohort=2023)
    decl = expect(declare(api, pid, date="2023-10-02T10:00:00Z"), 200)["data"]["id"]
    expect_errors(change(api, decl, dp=UNKNOWN_ID), 422, ("delivery_partner", NOT_PARTNERED))


def test_v68_route_body_and_lookup_order(api: Api, bpn: Api, declared_2024) -> None:
    decl = declared_2024[0]
    expect(change(api, decl, body={"data": {}}), 400)
    expect(change(api, UNKNOWN_ID, body={"data": {}}), 404, {"error": "Resource not found"})
    expect(change(bpn, decl, body={"data": {}}), 404)  # not visible to another provider
    expect(api.put(f"{V1}/{decl}/change-delivery-partner", {"data": {}}), 404)
    expect(api.post(f"{V3}/{decl}/change-delivery-partner", {"data": {}}), 404)


# V-38: v3 declarations filter[cohort] ------------------------------------------------------------------
def test_v38_v3_declaration_cohort_filter(api: Api, declared_2024) -> None:
    api.clock("2024-05-01T12:00:00Z")
    older, _ = api.make_participant(cohort=2023)
    old = expect(declare(api, older, date="2023-10-02T10:00:00Z"), 200)["data"]["id"]
    new = declared_2024[0]
    ids = lambda path, q: [d["id"] for d in api.data(path, query=q)]  # noqa: E731
    assert ids(V3, {"filter[cohort]": "2024"}) == [new]
    assert ids(V3, {"filter[cohort]": "2023,2024"}) == [old, new]
    assert ids(V3, {"filter[cohort][]": "2023"}) == [old]
    assert ids(V3, {"filter[cohort]": "abc"}) == []
    assert ids(V3, {"filter[cohort]": "99999999999999999999999"}) == []
    assert ids(V2, {"filter[cohort]": "2024"}) == [old, new]  # v2 ignores it


# V-96, D4: one world ------------------------------------------------------------------------------------
def test_v96_a_v3_declaration_with_partners_is_seen_and_voided_through_v1_and_v2(
    api: Api, declared_2024
) -> None:
    decl = declared_2024[0]
    for path in (V1, V2):
        shown = api.data(f"{path}/{decl}")["attributes"]
        assert not any("delivery_partner" in key for key in shown)
        assert "statement_id" not in shown
    assert v3_attrs(api.put(f"{V1}/{decl}/void"))["state"] == "voided"
    assert api.data(f"{V3}/{decl}")["attributes"]["delivery_partner_name"] == "One"
