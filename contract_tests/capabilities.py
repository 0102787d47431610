"""What the server under test lets us do: the mock's testing API, a second provider, record setup."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from contract_tests.client import Client, Reply

# The suite's own "now". Chosen so that cohort 2023 is open for funding (statements run ~2 years from
# April 2023), accept resolves `npq-leadership-autumn` (3 Apr..25 Dec, R-120) whose applies_from is
# 2023-10-01, and declarations dated between then and now are neither early nor future.
CLOCK = "2024-06-01T12:00:00Z"
COHORT = 2023  # uncapped, not hit by the delivery-partner rule (R-103/D4)
CAPPED_COHORT = 2024
COURSE = "npq-headship"  # leadership: all four declaration types, outcomes exist
OTHER_COURSE = "npq-leading-teaching"  # specialist
SCHEDULE = "npq-leadership-autumn"
IN_SCHEDULE = "2023-11-01T10:00:00Z"
BEFORE_SCHEDULE = "2023-09-30T10:00:00Z"
FUTURE = "2024-07-01T10:00:00Z"


@dataclass
class World:
    """The server's capabilities as discovered at session start."""

    api: Client
    testing_api: bool = False
    providers: list[dict[str, Any]] = field(default_factory=list)
    other_token: str | None = None
    clock_frozen: bool = False
    read_only: bool = False  # --read-only: set up nothing, change nothing
    rng: random.Random = field(default_factory=random.Random)

    # --- discovery -------------------------------------------------------------------------------
    @classmethod
    def discover(cls, api: Client, other_token: str | None, read_only: bool = False) -> World:
        world = cls(api=api, other_token=other_token, read_only=read_only)
        try:
            reply = api.get("/__mock__/lead-providers")
            body = reply.json() if reply.status == 200 and reply.media_type == "application/json" else None
        except Exception:  # any failure simply means "no testing API"
            body = None
        if isinstance(body, dict) and isinstance(body.get("data"), list):
            world.testing_api = True
            world.providers = body["data"]
            if world.other_token is None:
                # The second provider is any provider whose token is not ours.
                world.other_token = next(
                    (p["token"] for p in world.providers if p.get("token") and p["token"] != api.token), None
                )
        return world

    @property
    def other(self) -> Client | None:
        return self.api.with_token(self.other_token, "$NPQ_OTHER_TOKEN") if self.other_token else None

    # --- clock -----------------------------------------------------------------------------------
    def freeze_clock(self) -> None:
        if self.testing_api:
            reply = self.api.put("/__mock__/clock", {"now": CLOCK})
            self.clock_frozen = reply.status == 200

    def restore_clock(self) -> None:
        if self.clock_frozen:
            self.api.put("/__mock__/clock", {"now": None})
            self.clock_frozen = False

    # --- record setup (testing API only) ----------------------------------------------------------
    def need_testing_api(self, what: str) -> None:
        if not self.testing_api:
            pytest.skip(f"cannot set up {what}: the server has no testing API (/__mock__/)")
        if not self.clock_frozen:
            # Every set-up record is dated against the suite's clock (CLOCK): at the real "now" the 2023
            # cohort's funding contract has ended and the dates below would judge nothing.
            pytest.skip(f"cannot set up {what}: the testing API did not let us set the server's clock")

    def application(self, token: str | None = None, **attrs: Any) -> dict[str, Any]:
        """Create an application (pending by default) owned by `token`'s provider; returns the record."""
        self.need_testing_api("an application")
        attrs.setdefault("cohort", COHORT)
        attrs.setdefault("course_identifier", COURSE)
        attrs.setdefault("eligible_for_funding", True)
        if "participant_id" not in attrs:
            # A fresh TRN per person keeps the duplicate-TRN rule out of unrelated checks.
            attrs.setdefault("teacher_reference_number", str(self.rng.randrange(1_000_000, 9_999_999)))
        if (
            attrs.get("status") == "accepted"
            and attrs["cohort"] == COHORT
            and "schedule_identifier" not in attrs
        ):
            attrs["schedule_identifier"] = SCHEDULE if attrs["course_identifier"] == COURSE else None
            if attrs["schedule_identifier"] is None:
                del attrs["schedule_identifier"]
        client = self.api if token is None else self.api.with_token(token, "$NPQ_OTHER_TOKEN")
        reply = client.post("/__mock__/applications", {"data": {"attributes": attrs}})
        if reply.status not in (200, 201):
            pytest.fail(f"testing API refused to create an application: {reply.short()}\n  {reply.curl}")
        return reply.json()["data"]

    def participant(self, **attrs: Any) -> dict[str, Any]:
        """An accepted, active application of a new person in cohort 2023 (our provider)."""
        return self.application(status="accepted", **attrs)

    def accepted(self, token: str | None = None, **attrs: Any) -> tuple[str, str]:
        """(participant id, application id) of a new accepted application (our provider by default)."""
        app = self.application(token, status="accepted", **attrs)
        return app["attributes"]["participant_id"], app["id"]

    # --- DfE-side settings (testing API only) -----------------------------------------------------
    def settings(self, what: str) -> dict[str, Any]:
        """The simulated service's switches; skips when the server cannot say (no GET /__mock__/settings)."""
        self.need_testing_api(what)
        reply = self.api.get("/__mock__/settings")
        body = reply.json() if reply.status == 200 and reply.media_type == "application/json" else None
        if not isinstance(body, dict):
            pytest.skip(f"cannot check {what}: the server does not report its settings (/__mock__/settings)")
        return body

    @contextmanager
    def closed_cohorts(self, years: list[int]) -> Iterator[None]:
        """Close these cohorts' funding contracts for the block, then put the previous list back."""
        before = self.settings("a closed funding contract").get("closed_cohorts", [])
        reply = self.api.put("/__mock__/settings", {"closed_cohorts": sorted(set(before) | set(years))})
        if reply.status != 200:
            pytest.fail(f"testing API refused to close cohorts {years}: {reply.short()}")
        try:
            yield
        finally:
            self.api.put("/__mock__/settings", {"closed_cohorts": before})

    def set_declaration_state(self, declaration_id: str, state: str) -> Reply:
        self.need_testing_api("a paid declaration")
        reply = self.api.put(f"/__mock__/declarations/{declaration_id}/state", {"state": state})
        if reply.status != 200:
            pytest.fail(f"testing API refused to move a declaration to {state}: {reply.short()}")
        return reply

    # --- v2/v3 set-up (testing API additions: design/testing-api.md) --------------------------------
    def provider_id(self, token: str | None = None) -> str:
        """The lead provider id of `token` (ours by default), from GET /__mock__/lead-providers."""
        token = token or self.api.token
        found = next((p.get("id") for p in self.providers if p.get("token") == token), None)
        if not found:
            pytest.skip("cannot tell the provider's id: /__mock__/lead-providers does not list its token")
        return str(found)

    def _testing_post(self, path: str, body: dict[str, Any], what: str) -> Any:
        self.need_testing_api(what)
        reply = self.api.post(path, body)
        if reply.status == 404:
            pytest.skip(f"cannot set up {what}: the testing API has no {path}")
        if reply.status not in (200, 201):
            pytest.fail(f"testing API refused {what}: {reply.short()}\n  {reply.curl}")
        return reply.json()

    def delivery_partner(self, partnerships: list[tuple[str | None, int]]) -> dict[str, Any]:
        """A new delivery partner partnered with (token's provider, cohort) for each pair (None: ours)."""
        body = {
            "name": f"Contract Suite Partner {fresh_uuid()[:8]}",
            "partnerships": [{"lead_provider_id": self.provider_id(t), "cohort": c} for t, c in partnerships],
        }
        return self._testing_post("/__mock__/delivery-partners", body, "a delivery partner")["data"]

    def transfer(self, application_id: str, to_token: str) -> dict[str, Any]:
        """DfE moves an application to another provider (V-99)."""
        body = {"lead_provider_id": self.provider_id(to_token)}
        return self._testing_post(f"/__mock__/applications/{application_id}/transfer", body, "a transfer")

    def participant_id_change(self, from_id: str, to_id: str) -> dict[str, Any]:
        """DfE merges person `from_id` into `to_id`; `from_id` is retired (V-98)."""
        body = {"from_participant_id": from_id, "to_participant_id": to_id}
        return self._testing_post("/__mock__/participant-id-changes", body, "a participant-id change")


def declaration_body(participant_id: str, declaration_type: str = "started", **extra: Any) -> dict[str, Any]:
    attrs = {
        "participant_id": participant_id,
        "declaration_type": declaration_type,
        "declaration_date": IN_SCHEDULE,
        "course_identifier": COURSE,
    }
    attrs.update(extra)
    return {"data": {"type": "participant-declaration", "attributes": attrs}}


def action_body(**attrs: Any) -> dict[str, Any]:
    attrs.setdefault("course_identifier", COURSE)
    return {"data": {"type": "npq-participant", "attributes": attrs}}


def fresh_uuid() -> str:
    return str(uuid.uuid4())
