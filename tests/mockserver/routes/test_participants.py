"""Participants through HTTP: list, show, defer, resume, withdraw, change-schedule (R-70..R-97)."""

from __future__ import annotations

from tests.mockserver.core_world import NOW, UCL, World, errors

STRUCTURE = ("Bad request", "correct json data structure required. See API docs for reference")
COURSE = (
    "course_identifier",
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again.",
)
NO_APPLICATION = (
    "participant_id",
    "Your update cannot be made as an accepted application cannot be found for the "
    "given '#/participant_id' and '#/course_identifier'.",
)
REASON = ("reason", "The property '#/reason' must be a valid reason")
WITHDRAWN = ("participant_id", "The participant is already withdrawn")


def act(world: World, user: str, action: str, **attributes: object) -> object:
    return world.put(f"/participants/npq/{user}/{action}", {"data": {"type": "x", "attributes": attributes}})


def test_participant_object_shows_accepted_applications_with_the_provider(world: World) -> None:
    user = world.user(trn="1111111", trn_verified=False)
    app_id = world.application(user=user, status="accepted", cohort=2024, funded_place=True)
    world.application(user=user, course="npq-senco", cohort=2024)
    reply = world.get(f"/participants/npq/{user}")
    assert reply.status_code == 200
    assert reply.json["data"] == {
        "id": user,
        "type": "npq-participant",
        "attributes": {
            "participant_id": user,
            "full_name": "Ada Lovelace",
            "email": reply.json["data"]["attributes"]["email"],
            "npq_courses": ["npq-headship"],
            "funded_places": [
                {"npq_course": "npq-headship", "funded_place": True, "npq_application_id": app_id}
            ],
            "teacher_reference_number": None,
            "updated_at": "2024-01-02T00:00:00Z",
        },
    }


def test_pending_only_participant_is_invisible(world: World) -> None:
    user = world.user()
    world.application(user=user)
    assert world.get(f"/participants/npq/{user}").status_code == 404
    assert world.get("/participants/npq").json == {"data": []}
    user2, _ = world.participant(provider=UCL)
    assert world.get(f"/participants/npq/{user2}").status_code == 404


def test_list_filters_updated_since_over_all_applications(world: World) -> None:
    user, _ = world.participant(created_at="2024-01-01T00:00:00Z")
    world.application(user=user, provider=UCL, course="npq-senco", created_at="2024-06-01T00:00:00Z")
    ids = [
        d["id"]
        for d in world.get("/participants/npq?filter[updated_since]=2024-05-01T00:00:00Z").json["data"]
    ]
    assert ids == [user]
    assert world.get("/participants/npq?filter[updated_since]=2024-07-01T00:00:00Z").json == {"data": []}


def test_actions_need_data_and_attributes_before_lookup(world: World) -> None:
    for body in (None, {}, {"data": {}}, {"data": {"attributes": {}}}, [], "x"):
        reply = world.put(f"/participants/npq/{world.uid()}/defer", body)
        assert reply.status_code == 400 and reply.json == errors(STRUCTURE)


def test_action_on_invisible_participant_is_404(world: World) -> None:
    reply = act(world, world.uid(), "resume", course_identifier="npq-headship")
    assert reply.status_code == 404


def test_unknown_course_then_no_accepted_application(world: World) -> None:
    user, _ = world.participant()
    assert act(world, user, "resume", course_identifier="npq-nope").json == errors(COURSE)
    assert act(world, user, "resume", course_identifier="npq-senco").json == errors(NO_APPLICATION)


def test_defer_needs_a_declaration_and_a_valid_reason(world: World) -> None:
    user, _ = world.participant()
    reply = act(world, user, "defer", course_identifier="npq-headship", reason="bored")
    assert reply.json == errors(
        REASON, ("participant_id", "You cannot defer an NPQ participant that has no declarations")
    )


def test_defer_then_defer_again_then_resume(world: World) -> None:
    user, _ = world.participant()
    assert world.declare(user).status_code == 200
    reply = act(world, user, "defer", course_identifier="npq-headship", reason="parental-leave")
    assert reply.status_code == 200 and reply.json["data"]["attributes"]["updated_at"] == NOW
    reply = act(world, user, "defer", course_identifier="npq-headship", reason="parental-leave")
    assert reply.json == errors(("participant_id", "The participant is already deferred"))
    assert act(world, user, "resume", course_identifier="npq-headship").status_code == 200
    reply = act(world, user, "resume", course_identifier="npq-headship")
    assert reply.json == errors(("participant_id", "The participant is already active"))


def test_withdraw_needs_started_declaration_and_exact_reason(world: World) -> None:
    user, _ = world.participant()
    reply = act(world, user, "withdraw", course_identifier="npq-headship", reason="started-in-error")
    assert reply.json == errors(
        (
            "participant_id",
            "An NPQ participant who has not got a started declaration cannot be "
            "withdrawn. Please contact support for assistance",
        )
    )
    world.declare(user)
    reply = act(
        world,
        user,
        "withdraw",
        course_identifier="npq-headship",
        reason="quality-of-programme-structure-not-suitable",
    )
    assert reply.json == errors(REASON)
    reply = act(
        world,
        user,
        "withdraw",
        course_identifier="npq-headship",
        reason="quality-of-programme-structure-not-suitable.",
    )
    assert reply.status_code == 200
    reply = act(world, user, "withdraw", course_identifier="npq-headship", reason="other")
    assert reply.json == errors(WITHDRAWN)
    reply = act(world, user, "defer", course_identifier="npq-headship", reason="other")
    assert reply.json == errors(WITHDRAWN)
    assert act(world, user, "resume", course_identifier="npq-headship").status_code == 200


def test_change_schedule_to_spring(world: World) -> None:
    user, app_id = world.participant(cohort=2023)
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-headship",
        schedule_identifier="npq-leadership-spring",
    )
    assert reply.status_code == 200
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-headship",
        schedule_identifier="npq-leadership-spring",
    )
    assert reply.json == errors(("schedule_identifier", "The participant already has the specified schedule"))


def test_change_schedule_unknown_or_missing_identifier(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    expected = errors(("schedule_identifier", "The property '#/schedule_identifier' must be present"))
    assert act(world, user, "change-schedule", course_identifier="npq-headship").json == expected
    assert (
        act(
            world,
            user,
            "change-schedule",
            course_identifier="npq-headship",
            schedule_identifier="npq-leadership-summer",
        ).json
        == expected
    )


def test_change_schedule_wrong_course_group(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-headship",
        schedule_identifier="npq-specialist-spring",
    )
    assert reply.json == errors(("schedule_identifier", "The selected schedule is not valid for the course"))


def test_change_schedule_no_contract_for_cohort(world: World) -> None:
    user, _ = world.participant(cohort=2024, course="npq-senco")
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-senco",
        cohort=2023,
        schedule_identifier="npq-leadership-autumn",
    )
    assert reply.json["errors"][0]["title"] == "cohort"
    assert reply.json["errors"][0]["detail"].startswith("You cannot change a participant to this cohort")


def test_change_schedule_capped_to_uncapped_cohort(world: World) -> None:
    user, app_id = world.participant(cohort=2024, funded_place=True)
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-headship",
        cohort="2023",
        schedule_identifier="npq-leadership-autumn",
    )
    assert reply.json == errors(
        (
            "cohort",
            "You cannot change the '#/cohort' field from one with a funding cap to one without a funding cap",
        )
    )


def test_change_schedule_moves_cohort_and_sets_funded_place(world: World) -> None:
    user, app_id = world.participant(cohort=2023, eligible=True)
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-headship",
        cohort=2024,
        schedule_identifier="npq-leadership-autumn",
    )
    assert reply.status_code == 200
    shown = world.get(f"/npq-applications/{app_id}").json["data"]["attributes"]
    assert shown["cohort"] == "2024" and shown["funded_place"] is True


def test_change_schedule_would_invalidate_declarations(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    assert world.declare(user, date="2023-11-01T10:00:00Z").status_code == 200
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-headship",
        schedule_identifier="npq-leadership-spring",
    )
    assert reply.json == errors(
        (
            "schedule_identifier",
            "Changing schedule would invalidate existing declarations. Please void them first.",
        )
    )


def test_change_schedule_of_withdrawn_participant(world: World) -> None:
    user, _ = world.participant(cohort=2023, training_status="withdrawn")
    reply = act(
        world,
        user,
        "change-schedule",
        course_identifier="npq-headship",
        schedule_identifier="npq-leadership-spring",
    )
    assert reply.json == errors(WITHDRAWN)
