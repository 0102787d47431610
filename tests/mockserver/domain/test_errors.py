"""The catalogue and its renderer: exact envelopes, grouping by attribute, collapse of repeats (3.2)."""

from __future__ import annotations

import orjson

from mockserver.errors import RULES, ApiError, Violation, render_error


def test_codes_are_unique_and_have_messages() -> None:
    assert all(
        rule.detail and rule.status in {400, 401, 403, 404, 410, 413, 422, 500} for rule in RULES.values()
    )


def test_single_message_envelopes() -> None:
    status, body, headers = render_error(ApiError.of("auth.access_denied"))
    assert (status, orjson.loads(body)) == (401, {"error": "HTTP Token: Access denied"})
    assert headers == {"X-NPQ-Mock-Rule": "auth.access_denied"}


def test_errors_group_by_attribute_in_first_seen_order_and_collapse() -> None:
    error = ApiError(
        [
            Violation("participant.already_withdrawn"),
            Violation("participant.invalid_reason"),
            Violation("participant.defer_without_declarations"),
            Violation("participant.already_withdrawn"),
        ]
    )
    status, body, headers = render_error(error)
    assert status == 422
    assert [e["title"] for e in orjson.loads(body)["errors"]] == [
        "participant_id",
        "participant_id",
        "reason",
    ]
    assert headers["X-NPQ-Mock-Rule"] == (
        "participant.already_withdrawn,participant.invalid_reason,participant.defer_without_declarations"
    )


def test_gone_envelope_carries_the_id_changes() -> None:
    change = {"from_participant_id": "a", "to_participant_id": "b", "changed_at": "2025-01-01T00:00:00Z"}
    error = ApiError(
        [
            Violation(
                "participant.id_changed", {"from_id": "a", "to_id": "b"}, {"participant_id_changes": [change]}
            )
        ]
    )
    status, body, _ = render_error(error)
    assert (status, orjson.loads(body)) == (
        410,
        {
            "errors": [
                {
                    "title": "Participant ID has been changed",
                    "detail": "The participant_id 'a' has been replaced with 'b'.",
                    "participant_id_changes": [change],
                }
            ]
        },
    )
