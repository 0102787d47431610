"""Outcomes through HTTP: lists (R-113, R-114) and submission (R-115..R-119)."""

from __future__ import annotations

from tests.mockserver.core_world import UCL, World, errors

NO_COMPLETED = (
    "base",
    "The participant has not had a 'completed' declaration submitted for them. Therefore you "
    "cannot update their outcome.",
)
FORMAT = ("completion_date", "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'")


def submit(world: World, user: str, **attributes: object) -> object:
    return world.post(
        f"/participants/npq/{user}/outcomes",
        {"data": {"type": "npq-outcome-confirmation", "attributes": attributes}},
    )


def completed(world: World) -> str:
    user, _ = world.participant(cohort=2023)
    assert world.declare(user, "completed", date="2024-07-01T10:00:00Z", has_passed=True).status_code == 200
    return user


def test_submit_outcome_then_identical_replay_returns_same_outcome(world: World) -> None:
    user = completed(world)
    reply = submit(
        world, user, course_identifier="npq-headship", state="failed", completion_date="2024-07-02"
    )
    assert reply.status_code == 200
    attributes = reply.json["data"]["attributes"]
    assert reply.json["data"]["type"] == "participant-outcome"
    assert attributes == {
        "state": "failed",
        "completion_date": "2024-07-02T00:00:00+00:00",
        "course_identifier": "npq-headship",
        "participant_id": user,
        "created_at": "2024-12-01T12:00:00Z",
    }
    again = submit(
        world, user, course_identifier="npq-headship", state="failed", completion_date="2024-07-02"
    )
    assert again.json == reply.json
    declarations = world.get("/participant-declarations").json["data"]
    assert declarations[0]["attributes"]["has_passed"] is False


def test_submit_outcome_validations_accumulate(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    reply = submit(world, user, x=1)
    assert reply.json == errors(
        (
            "course_identifier",
            "The entered '#/course_identifier' is not recognised for the given participant. Check "
            "details and try again.",
        ),
        ("course_identifier", "Enter a '#/course_identifier' value for this participant."),
        (
            "state",
            "The attribute '#/state' can only include 'passed' or 'failed' values. If you need to void an "
            "outcome, you will need to void the associated 'completed' declaration.",
        ),
        (
            "state",
            "The '#/state' is missing from your request. Please include a 'passed' or 'failed' value and try "
            "again.",
        ),
        (
            "completion_date",
            "The '#/completion_date' is missing from your request. Please include a completion_date "
            "value and try again.",
        ),
        FORMAT,
        NO_COMPLETED,
    )


def test_outcome_without_completed_declaration(world: World) -> None:
    user, _ = world.participant(cohort=2023)
    reply = submit(
        world, user, course_identifier="npq-headship", state="passed", completion_date="2024-07-02"
    )
    assert reply.json == errors(NO_COMPLETED)


def test_outcome_dates(world: World) -> None:
    user = completed(world)
    ok = submit(
        world,
        user,
        course_identifier="npq-headship",
        state="passed",
        completion_date="2021-05-31T00:00:00+00:00",
    )
    assert ok.status_code == 200
    assert submit(
        world, user, course_identifier="npq-headship", state="passed", completion_date="2021-13-01"
    ).json == errors(FORMAT)
    assert submit(
        world, user, course_identifier="npq-headship", state="passed", completion_date="2024-12-02"
    ).json == errors(
        (
            "completion_date",
            "The '#/completion_date' value cannot be a future date. Check the date and try again.",
        )
    )
    assert (
        submit(
            world, user, course_identifier="npq-headship", state="passed", completion_date="2024-12-01"
        ).status_code
        == 200
    )


def test_outcome_invalid_date_drift_is_400(world: World) -> None:
    user = completed(world)
    world.setting("drift_outcome_invalid_date_400", True)
    reply = submit(
        world, user, course_identifier="npq-headship", state="passed", completion_date="2021-13-01"
    )
    assert reply.status_code == 400 and reply.json == errors(("Bad request", "invalid date"))


def test_outcome_body_checked_before_lookup(world: World) -> None:
    assert world.post(f"/participants/npq/{world.uid()}/outcomes", {"data": {}}).status_code == 400
    reply = submit(world, world.uid(), course_identifier="npq-headship")
    assert reply.status_code == 404


def test_outcome_lists(world: World) -> None:
    user = completed(world)
    assert len(world.get("/participants/npq/outcomes").json["data"]) == 1
    assert world.get("/participants/npq/outcomes", provider=UCL).json == {"data": []}
    assert world.get("/participants/npq/outcomes?filter[created_since]=2024-12-01T12:00:01Z").json == {
        "data": []
    }
    bad = world.get("/participants/npq/outcomes?filter[created_since]=2024-12-01")
    assert bad.status_code == 400
    assert bad.json == errors(("Bad request", "The filter '#/created_since' must be a valid ISO 8601 date"))
    assert world.get(f"/participants/npq/{user}/outcomes", provider=UCL).status_code == 404
