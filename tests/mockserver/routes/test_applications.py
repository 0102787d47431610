"""Applications through HTTP: list, show, CSV, accept, reject, change-funded-place (R-30, R-45..R-69)."""

from __future__ import annotations

from tests.mockserver.core_world import NOW, UCL, World, errors
from tests.mockserver.v1_shapes import APPLICATION_FIELDS

FUNDED = ("funded_place", "Set '#/funded_place' to true or false.")
ALREADY_ACCEPTED = ("application", "This NPQ application has already been accepted")


def accept(world: World, app_id: str, funded_place: object = None, **kw: object) -> object:
    body = None if funded_place is None else {"data": {"attributes": {"funded_place": funded_place}}}
    return world.post(f"/npq-applications/{app_id}/accept", body, **kw)


def test_show_renders_the_v1_application_object_in_order(world: World) -> None:
    app_id = world.application(cohort=2023)
    reply = world.get(f"/npq-applications/{app_id}")
    assert reply.status_code == 200 and reply.content_type == "application/json"
    assert reply.headers["Cache-Control"] == "no-store"
    data = reply.json["data"]
    assert data["type"] == "npq_application" and data["id"] == app_id
    assert list(data["attributes"]) == APPLICATION_FIELDS
    assert data["attributes"]["cohort"] == "2023" and data["attributes"]["teacher_catchment"] is True


def test_other_providers_application_is_not_found(world: World) -> None:
    app_id = world.application(provider=UCL)
    reply = world.get(f"/npq-applications/{app_id}")
    assert reply.status_code == 404 and reply.json == {"error": "Resource not found"}
    assert reply.headers["X-NPQ-Mock-Rule"] == "resource.not_found"


def test_non_uuid_id_is_not_found(world: World) -> None:
    assert world.get("/npq-applications/not-a-uuid").status_code == 404


def test_accept_pending_uncapped_gives_accepted_and_ignores_funded_place(world: World) -> None:
    app_id = world.application(cohort=2023)
    reply = accept(world, app_id, True)
    assert reply.status_code == 200
    attributes = reply.json["data"]["attributes"]
    assert attributes["status"] == "accepted" and attributes["funded_place"] is None
    assert attributes["updated_at"] == NOW


def test_accept_twice_gives_already_accepted_422(world: World) -> None:
    app_id = world.application(cohort=2023)
    assert accept(world, app_id).status_code == 200
    reply = accept(world, app_id)
    assert reply.status_code == 422 and reply.json == errors(ALREADY_ACCEPTED)
    assert reply.headers["X-NPQ-Mock-Rule"] == "application.already_accepted"


def test_accept_capped_cohort_requires_boolean_funded_place(world: World) -> None:
    app_id = world.application(cohort=2024)
    for value in (None, "true", "", "null"):
        reply = accept(world, app_id, value)
        assert reply.status_code == 422 and reply.json == errors(FUNDED)
    reply = accept(world, app_id, False)
    assert reply.status_code == 200 and reply.json["data"]["attributes"]["funded_place"] is False


def test_accept_rejected_application_cannot_change_state(world: World) -> None:
    app_id = world.application(status="rejected")
    reply = accept(world, app_id)
    assert reply.json == errors(("application", "Once rejected an application cannot change state"))


def test_accept_when_another_accepted_for_same_course_and_cohort(world: World) -> None:
    user = world.user()
    world.application(user=user, provider=UCL, status="accepted")
    app_id = world.application(user=user)
    reply = accept(world, app_id)
    assert reply.status_code == 422
    assert reply.json == errors(
        ("application", "The participant has already had an application accepted for this course.")
    )


def test_accept_checks_same_trn_of_verified_users(world: World) -> None:
    world.application(user=world.user(trn="7654321"), status="accepted", provider=UCL)
    app_id = world.application(user=world.user(trn="7654321", trn_verified=True))
    assert accept(world, app_id).status_code == 422


def test_accept_funded_place_true_when_not_eligible(world: World) -> None:
    app_id = world.application(cohort=2024, eligible=False)
    reply = accept(world, app_id, True)
    assert reply.json == errors(
        (
            "application",
            "The participant is not eligible for funding, so '#/funded_place' cannot be set to true.",
        )
    )


def test_accept_errors_accumulate_in_order(world: World) -> None:
    app_id = world.application(cohort=2024, status="accepted")
    reply = accept(world, app_id)
    assert reply.json == errors(FUNDED, ALREADY_ACCEPTED)
    assert (
        reply.headers["X-NPQ-Mock-Rule"] == "application.funded_place_required,application.already_accepted"
    )


def test_accept_with_no_schedule_for_today_is_not_found(world: World) -> None:
    app_id = world.application(cohort=2024, course="npq-leading-teaching")
    world.freeze("2026-01-10T10:00:00Z")
    reply = accept(world, app_id, True)
    assert reply.status_code == 404 and reply.json == {"error": "Resource not found"}


def test_accept_with_data_but_no_attributes_is_400(world: World) -> None:
    app_id = world.application()
    for body in ({"data": {}}, {"data": {"type": "x"}}, {"data": {"attributes": {}}}):
        reply = world.post(f"/npq-applications/{app_id}/accept", body)
        assert reply.status_code == 400
        assert reply.json == errors(
            ("Bad request", "correct json data structure required. See API docs for reference")
        )


def test_accept_unknown_id_is_404_even_with_bad_body(world: World) -> None:
    reply = world.post(f"/npq-applications/{world.uid()}/accept", {"data": {}})
    assert reply.status_code == 404


def test_accept_rejects_siblings_and_touches_user(world: World) -> None:
    user = world.user()
    app_id = world.application(user=user)
    sibling = world.application(user=user, provider=UCL)
    other_course = world.application(user=user, provider=UCL, course="npq-senco")
    assert accept(world, app_id).status_code == 200
    assert (
        world.get(f"/npq-applications/{sibling}", provider=UCL).json["data"]["attributes"]["status"]
        == "rejected"
    )
    other = world.get(f"/npq-applications/{other_course}", provider=UCL).json["data"]["attributes"]
    assert other["status"] == "pending" and other["updated_at"] == NOW
    assert world.get(f"/participants/npq/{user}").status_code == 200


def test_reject_pending_then_reject_again(world: World) -> None:
    app_id = world.application()
    reply = world.post(f"/npq-applications/{app_id}/reject", {"anything": 1})
    assert reply.status_code == 200 and reply.json["data"]["attributes"]["status"] == "rejected"
    reply = world.post(f"/npq-applications/{app_id}/reject")
    assert reply.json == errors(("application", "This NPQ application has already been rejected"))


def test_reject_accepted_cannot_change_state(world: World) -> None:
    app_id = world.application(status="accepted")
    reply = world.post(f"/npq-applications/{app_id}/reject")
    assert reply.status_code == 422
    assert reply.json == errors(("application", "Once accepted an application cannot change state"))


def test_reject_drift_requires_reason(world: World) -> None:
    world.setting("drift_reject_requires_reason", True)
    reply = world.post(f"/npq-applications/{world.application()}/reject")
    assert reply.json == errors(("reason_for_rejection", "The reason_for_rejection cannot be blank."))


def change(world: World, app_id: str, value: object) -> object:
    return world.put(
        f"/npq-applications/{app_id}/change-funded-place", {"data": {"attributes": {"funded_place": value}}}
    )


def test_change_funded_place_on_accepted_capped(world: World) -> None:
    app_id = world.application(cohort=2024, status="accepted", funded_place=False)
    reply = change(world, app_id, True)
    assert reply.status_code == 200 and reply.json["data"]["attributes"]["funded_place"] is True
    assert change(world, app_id, True).status_code == 200


def test_change_funded_place_rules_in_order(world: World) -> None:
    pending = world.application(cohort=2024, eligible=False)
    reply = change(world, pending, "yes")
    assert reply.json == errors(
        FUNDED,
        (
            "application",
            "You must accept the application before attempting to change the '#/funded_place' setting.",
        ),
        (
            "application",
            "This participant is not eligible for funding. Contact us if you think this is wrong.",
        ),
    )
    uncapped = world.application(cohort=2023, status="accepted")
    assert change(world, uncapped, False).json == errors(
        (
            "application",
            "Leave the '#/funded_place' field blank. It's only needed for participants starting "
            "NPQs from autumn 2024 "
            "onwards.",
        )
    )


def test_change_funded_place_blocked_by_declarations(world: World) -> None:
    world.setting("delivery_partner_rule", False)
    user, app_id = world.participant(cohort=2024, funded_place=True)
    assert world.declare(user, date="2024-11-01T10:00:00Z").status_code == 200
    reply = change(world, app_id, False)
    assert reply.json["errors"][0]["detail"].startswith("You cannot change the funded place")


def test_list_filters_by_cohort_and_updated_since(world: World) -> None:
    a = world.application(cohort=2023, created_at="2024-01-01T00:00:00Z")
    b = world.application(cohort=2024, created_at="2024-01-03T00:00:00Z")
    ids = lambda reply: [d["id"] for d in reply.json["data"]]  # noqa: E731
    assert ids(world.get("/npq-applications")) == [a, b]
    assert ids(world.get("/npq-applications?filter[cohort]=2024")) == [b]
    assert ids(world.get("/npq-applications?filter[cohort]=2023,2024")) == [a, b]
    assert ids(world.get("/npq-applications?filter[cohort]=abc")) == []
    assert ids(world.get("/npq-applications?filter[cohort]=")) == [a, b]
    assert ids(world.get("/npq-applications?filter[updated_since]=2024-01-02T00:00:00Z")) == [b]
    assert ids(world.get("/npq-applications?filter[participant_id]=x")) == [a, b]


def test_list_pagination(world: World) -> None:
    made = [world.application(created_at=f"2024-01-0{i}T00:00:00Z") for i in range(1, 6)]
    ids = lambda reply: [d["id"] for d in reply.json["data"]]  # noqa: E731
    assert ids(world.get("/npq-applications?page[per_page]=2&page[page]=2")) == made[2:4]
    assert ids(world.get("/npq-applications?page[per_page]=2abc&page[page]=3")) == made[4:]
    assert world.get("/npq-applications?page[per_page]=2&page[page]=9").json == {"data": []}
    assert ids(world.get("/npq-applications?page=3")) == made


def test_csv_lists_every_application_with_header(world: World) -> None:
    reply = world.get("/npq-applications.csv")
    assert reply.status_code == 200 and reply.content_type == "text/csv"
    assert reply.data.decode().startswith("id,participant_id,full_name,email,email_validated,")
    assert reply.data.decode().count("\n") == 1
    app_id = world.application(eligible=False)
    lines = world.get("/npq-applications.csv").data.decode().splitlines()
    assert len(lines) == 2 and lines[1].startswith(app_id) and ",false," in lines[1]


def test_previously_funded_marks_both_applications(world: World) -> None:
    user = world.user()
    first = world.application(user=user, status="accepted", cohort=2022)
    second = world.application(user=user, status="accepted", cohort=2023, provider=UCL)
    shown = world.get(f"/npq-applications/{first}").json["data"]["attributes"]
    assert (
        shown["eligible_for_funding"] is False
        and shown["ineligible_for_funding_reason"] == "previously-funded"
    )
    shown = world.get(f"/npq-applications/{second}", provider=UCL).json["data"]["attributes"]
    assert shown["ineligible_for_funding_reason"] == "previously-funded"
    csv_line = world.get("/npq-applications.csv").data.decode().splitlines()[1]
    assert "previously-funded" in csv_line and ",true," in csv_line
