"""Declarations through HTTP: create (R-79..R-106), list, show, CSV, void (R-107..R-112)."""

from __future__ import annotations

from tests.mockserver.core_world import UCL, World, errors

NOT_RECOGNISED = (
    "participant_id",
    "Your update cannot be made as the '#/participant_id' is not recognised. Check "
    "participant details and try again.",
)
COURSE = (
    "course_identifier",
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again.",
)
RFC = ("declaration_date", "Enter a valid RFC3339 '#/declaration_date'.")
DATE = ("declaration_date", "Enter a '#/declaration_date'.")
DUPLICATE = (
    "base",
    "A declaration has already been submitted that will be, or has been, paid for this event",
)


def test_create_started_eligible_declaration(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    reply = world.declare(user, date="2023-10-01T10:00:00+01:00")
    assert reply.status_code == 200
    data = reply.json["data"]
    assert data["type"] == "participant-declaration"
    assert data["attributes"] == {
        "participant_id": user,
        "declaration_type": "started",
        "course_identifier": "npq-headship",
        "declaration_date": "2023-10-01T09:00:00Z",
        "state": "eligible",
        "has_passed": None,
        "voided": False,
        "eligible_for_payment": True,
        "updated_at": "2024-12-01T12:00:00Z",
    }
    assert world.get(f"/participant-declarations/{data['id']}").json == reply.json


def test_identical_declaration_twice_gives_duplicate_422(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    assert world.declare(user).status_code == 200
    reply = world.declare(user)
    assert reply.status_code == 422 and reply.json == errors(DUPLICATE)
    assert reply.headers["X-NPQ-Mock-Rule"] == "declaration.duplicate"


def test_not_fundable_declaration_stays_submitted(world: World) -> None:
    user, _ = world.participant(cohort=2023, eligible=False)
    assert world.declare(user).json["data"]["attributes"]["state"] == "submitted"


def test_same_trn_duplicate_is_ineligible(world: World) -> None:
    first, _ = world.participant(cohort=2023, user=world.user(trn="5555555"))
    second, _ = world.participant(cohort=2023, user=world.user(trn="5555555"), provider=UCL)
    assert world.declare(first).json["data"]["attributes"]["state"] == "eligible"
    assert world.declare(second, provider=UCL).json["data"]["attributes"]["state"] == "ineligible"


def test_missing_data_is_400(world: World) -> None:
    reply = world.post("/participant-declarations", {"data": {"attributes": {}}})
    assert reply.status_code == 400


def test_missing_participant_and_everything(world: World) -> None:
    reply = world.post("/participant-declarations", {"data": {"attributes": {"x": 1}}})
    assert reply.json == errors(
        ("participant_id", "The property '#/participant_id' must be present"),
        DATE,
        ("declaration_type", "Enter a '#/declaration_type'."),
        ("declaration_type", "The entered '#/declaration_type' is not recognised."),
    )


def test_unknown_participant(world: World) -> None:
    assert world.declare(world.uid()).json == errors(NOT_RECOGNISED)
    assert world.declare("nope").json == errors(NOT_RECOGNISED)


def test_unknown_course_for_participant(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    assert world.declare(user, course="npq-senco").json == errors(COURSE)


def test_accepted_with_other_provider_only_gives_missing_schedule(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    world.application(user=user, course="npq-senco", provider=UCL, status="accepted", cohort=2024)
    reply = world.declare(user, course="npq-senco")
    assert reply.json == errors(("application", "The application is missing a schedule."))


def test_declaration_date_formats(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    assert world.declare(user, date="2023-11-01").json == errors(RFC)
    assert world.declare(user, date="2023-19-01T10:00:00Z").json == errors(RFC, DATE)
    assert world.declare(user, date="2023-09-30T23:59:59Z").json == errors(
        ("declaration_date", "Enter a '#/declaration_date' that's on or after the schedule start.")
    )
    assert world.declare(user, date="2025-01-01T00:00:00Z").json == errors(
        (
            "declaration_date",
            "The '#/declaration_date' value cannot be a future date. Check the date and try again.",
        )
    )
    assert (
        world.declare(user, date="2023-02-30T10:00:00Z").status_code == 422
    )  # rolls to 2 March: before start
    assert world.declare(user, date="2024-02-30T10:00:00Z").json["data"]["attributes"][
        "declaration_date"
    ] == ("2024-03-01T10:00:00Z")


def test_type_not_in_schedule(world: World) -> None:
    user, _ = world.participant(cohort=2023, course="npq-leading-teaching")
    reply = world.declare(user, "retained-2", course="npq-leading-teaching")
    assert reply.json == errors(
        ("declaration_type", "The property '#/declaration_type' does not exist for this schedule.")
    )


def test_completed_needs_has_passed_and_creates_outcome(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    reply = world.declare(user, "completed", date="2024-07-01T10:00:00Z")
    assert reply.json == errors(
        (
            "has_passed",
            "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether "
            "this participant has passed or failed their course.",
        )
    )
    reply = world.declare(user, "completed", date="2024-07-01T10:00:00Z", has_passed="true")
    assert reply.status_code == 200 and reply.json["data"]["attributes"]["has_passed"] is True
    outcomes = world.get(f"/participants/npq/{user}/outcomes").json["data"]
    assert [o["attributes"]["state"] for o in outcomes] == ["passed"]
    assert outcomes[0]["attributes"]["completion_date"] == "2024-07-01T00:00:00+00:00"


def test_delivery_partner_rule_blocks_england_2024(world: World) -> None:
    user, _ = world.participant(cohort=2024)
    reply = world.declare(user, date="2024-11-01T10:00:00Z")
    assert reply.json == errors(
        ("delivery_partner_id", "The property '#/delivery_partner_id' must be present")
    )
    world.setting("delivery_partner_rule", False)
    assert world.declare(user, date="2024-11-01T10:00:00Z").status_code == 200


def test_overseas_2024_is_not_blocked(world: World) -> None:
    user, _ = world.participant(cohort=2024, catchment="another")
    assert world.declare(user, date="2024-11-01T10:00:00Z").status_code == 200


def test_withdrawn_participant_declaration_after_withdrawal(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    world.declare(user)
    world.freeze("2024-01-15T09:30:00Z")
    world.put(
        f"/participants/npq/{user}/withdraw",
        {"data": {"attributes": {"course_identifier": "npq-headship", "reason": "other"}}},
    )
    world.freeze("2024-12-01T12:00:00Z")
    reply = world.declare(user, "retained-1", date="2024-01-15T09:30:00Z")
    assert reply.json == errors(
        (
            "participant_id",
            "This participant withdrew from this course on 2024-01-15T09:30:00Z. "
            "Enter a '#/declaration_date' that's on or before the withdrawal date.",
        )
    )
    assert world.declare(user, "retained-1", date="2024-01-15T09:29:59Z").status_code == 200


def test_closed_cohort_blocks_fundable_declarations_and_voids_of_paid(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    declaration = world.declare(user).json["data"]["id"]
    world.set_state(declaration, "paid")
    world.setting("closed_cohorts", [2023])
    detail = (
        "You cannot submit or void declarations for the 2023 cohort. The funding contract for this "
        "cohort has "
        "ended. Get in touch if you need to discuss this with us."
    )
    assert world.declare(user, "retained-1", date="2024-02-01T10:00:00Z").json == errors(("cohort", detail))
    assert world.put(f"/participant-declarations/{declaration}/void").json == errors(("declaration", detail))


def test_void_then_void_again(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    declaration = world.declare(user).json["data"]["id"]
    reply = world.put(f"/participant-declarations/{declaration}/void")
    assert reply.status_code == 200 and reply.json["data"]["attributes"]["state"] == "voided"
    assert reply.json["data"]["attributes"]["voided"] is True
    reply = world.put(f"/participant-declarations/{declaration}/void")
    assert reply.json == errors(("declaration", "This declaration has already been voided."))
    assert world.declare(user).status_code == 200  # the slot is free again


def test_void_paid_claws_back_and_refund_exists_afterwards(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    declaration = world.declare(user).json["data"]["id"]
    world.set_state(declaration, "paid")
    reply = world.put(f"/participant-declarations/{declaration}/void")
    assert reply.json["data"]["attributes"]["state"] == "awaiting-clawback"
    reply = world.put(f"/participant-declarations/{declaration}/void")
    assert reply.json == errors(("declaration", "The declaration will or has been be refunded."))


def test_void_completed_appends_voided_outcome(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    declaration = world.declare(user, "completed", date="2024-07-01T10:00:00Z", has_passed=False).json[
        "data"
    ]["id"]
    reply = world.put(f"/participant-declarations/{declaration}/void")
    assert reply.json["data"]["attributes"]["has_passed"] is None
    states = [o["attributes"]["state"] for o in world.get(f"/participants/npq/{user}/outcomes").json["data"]]
    assert states == ["failed", "voided"]


def test_other_providers_declaration_is_404(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    declaration = world.declare(user).json["data"]["id"]
    assert world.get(f"/participant-declarations/{declaration}", provider=UCL).status_code == 404
    assert world.put(f"/participant-declarations/{declaration}/void", provider=UCL).status_code == 404


def test_list_csv_and_participant_filter(world: World) -> None:
    assert world.get("/participant-declarations.csv").data == b""
    user, _ = world.participant(cohort=2023)
    other, _ = world.participant(cohort=2023, course="npq-senior-leadership")
    first = world.declare(user).json["data"]["id"]
    second = world.declare(other, course="npq-senior-leadership").json["data"]["id"]
    assert [d["id"] for d in world.get("/participant-declarations").json["data"]] == [first, second]
    filtered = world.get(f"/participant-declarations?filter[participant_id]={other.upper()}").json["data"]
    assert [d["id"] for d in filtered] == [second]
    bad = world.get("/participant-declarations?filter[participant_id]=abc")
    assert bad.status_code == 400 and bad.json == errors(
        ("Bad request", "The filter '#/participant_id' must be a comma-delimited list of valid UUIDs")
    )
    assert world.get("/participant-declarations?filter[participant_id][x]=").status_code == 400
    lines = world.get("/participant-declarations.csv").data.decode().splitlines()
    assert lines[0] == (
        "id,participant_id,declaration_type,course_identifier,declaration_date,state,has_passed,"
        "voided,eligible_for_payment,updated_at"
    )
    assert lines[1] == (
        f"{first},{user},started,npq-headship,2023-11-01T10:00:00Z,eligible,,false,true,2024-12-01T12:00:00Z"
    )
