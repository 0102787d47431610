"""Stored rendered bodies (mockserver/store/rendered.py) are never stale: after every kind of write, every
list and every touched record, in every version, answers the same bytes as an app over the same file that
renders every page from its rows (Settings.stored_bodies off)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.config import Settings

AMBITION = {"Authorization": "Bearer ambition-token"}
BPN = {"Authorization": "Bearer best-practice-token"}
AMBITION_ID = "9e35e998-c63b-4136-89c4-e9e18ddde0ea"
BPN_ID = "57ba9e86-559f-4ff4-a6d2-4610c7259b67"
LISTS = ("npq-applications", "participants/npq", "participant-declarations")
SINGLES = {"applications": "npq-applications", "participants": "participants/npq",
           "declarations": "participant-declarations"}


class Twins:
    """Two apps over one world file: one answers lists from stored bodies, the other renders every row."""

    def __init__(self, world: Path) -> None:
        self.stored = create_app(Settings(db_path=world)).test_client()
        self.plain = create_app(Settings(db_path=world, stored_bodies=False)).test_client()
        self.touched: dict[str, set[str]] = {kind: set() for kind in SINGLES}
        self.compared = 0

    def write(self, method: str, path: str, body: Any = None, headers: dict[str, str] = AMBITION) -> Any:
        """A write through the app with stored bodies; its JSON answer (it must succeed)."""
        resp = self.stored.open(path, method=method, json=body, headers=headers)
        assert resp.status_code < 300, (path, resp.status_code, resp.get_data(as_text=True))
        return resp.get_json()

    def check(self) -> None:
        """Every list (whole, and a page of 2 from the middle) and every touched record, in every version,
        for two providers: the same bytes from both apps."""
        urls = []
        for version in ("v1", "v2", "v3"):
            for path in LISTS:
                base = f"/api/{version}/{path}"
                urls += [f"{base}?page[per_page]=3000", f"{base}?page[per_page]=2&page[page]=2"]
            for kind, path in SINGLES.items():
                urls += [f"/api/{version}/{path}/{record}" for record in sorted(self.touched[kind])]
        for headers in (AMBITION, BPN):
            for url in urls:
                ours = self.stored.get(url, headers=headers)
                theirs = self.plain.get(url, headers=headers)
                assert (ours.status_code, ours.data) == (theirs.status_code, theirs.data), url
                self.compared += 1

    def remember(self, app: dict[str, Any]) -> dict[str, Any]:
        self.touched["applications"].add(app["id"])
        self.touched["participants"].add(app["attributes"]["participant_id"])
        return app


def _attributes(type_: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": type_, "attributes": attributes}}


@pytest.fixture
def twins(ops_world: Path) -> Twins:
    found = Twins(ops_world)
    found.write("PUT", "/__mock__/clock", {"now": "2024-05-01T12:00:00Z"})
    return found


def test_every_kind_of_write_leaves_no_stale_body(twins: Twins) -> None:
    t = twins
    steps: list[tuple[str, Callable[[], object]]] = []

    def step(name: str) -> Callable[[Callable[[], object]], Callable[[], object]]:
        def register(action: Callable[[], object]) -> Callable[[], object]:
            steps.append((name, action))
            return action
        return register

    made: dict[str, Any] = {}

    def application(key: str, headers: dict[str, str] = AMBITION, **attributes: Any) -> None:
        attributes.setdefault("course_identifier", "npq-headship")
        attributes.setdefault("cohort", 2023)
        attributes.setdefault("eligible_for_funding", True)
        found = t.write("POST", "/__mock__/applications", {"data": {"attributes": attributes}}, headers)
        made[key] = t.remember(found["data"])

    @step("testing API: applications")
    def _() -> None:
        application("pending")
        application("pending2")
        application("accepted", status="accepted")
        application("accepted2", status="accepted", course_identifier="npq-senior-leadership")
        application("capped", status="accepted", cohort=2024, funded_place=True,
                    schedule_identifier="npq-leadership-autumn")
        application("other", BPN, status="accepted")
        application("movable", status="accepted", schedule_identifier="npq-leadership-autumn")

    @step("testing API: applications batch")
    def _() -> None:
        body = {"data": [{"attributes": {"course_identifier": "npq-headship", "cohort": 2022}}] * 2}
        for found in t.write("POST", "/__mock__/applications/batch", body)["data"]:
            t.remember(found)

    def pid(key: str) -> str:
        return made[key]["attributes"]["participant_id"]

    steps += [
        ("v1 accept", lambda: t.write("POST", f"/api/v1/npq-applications/{made['pending']['id']}/accept")),
        ("v3 reject", lambda: t.write("POST", f"/api/v3/npq-applications/{made['pending2']['id']}/reject")),
        ("v2 change funded place", lambda: t.write(
            "PUT", f"/api/v2/npq-applications/{made['capped']['id']}/change-funded-place",
            _attributes("npq-application-change-funded-place", funded_place=False))),
        ("v3 change schedule", lambda: t.write(
            "PUT", f"/api/v3/participants/npq/{pid('movable')}/change-schedule",
            _attributes("npq-participant-change-schedule", course_identifier="npq-headship",
                        schedule_identifier="npq-leadership-spring"))),
    ]

    def declare(key: str, version: str, declaration_type: str, date: str, course: str = "npq-headship",
                who: str = "accepted", **more: Any) -> None:
        body = _attributes("participant-declaration", participant_id=pid(who),
                           declaration_type=declaration_type, declaration_date=date, course_identifier=course,
                           **more)
        found = t.write("POST", f"/api/{version}/participant-declarations", body)["data"]
        t.touched["declarations"].add(found["id"])
        made[key] = found

    steps += [
        ("v1 declaration", lambda: declare("started", "v1", "started", "2023-10-02T10:00:00Z")),
        ("v1 defer", lambda: t.write("PUT", f"/api/v1/participants/npq/{pid('accepted')}/defer", _attributes(
            "npq-participant-defer", course_identifier="npq-headship", reason="bereavement"))),
        ("v2 resume", lambda: t.write(
            "PUT", f"/api/v2/participants/npq/{pid('accepted')}/resume",
            _attributes("npq-participant-resume", course_identifier="npq-headship"))),
        ("v3 declaration", lambda: declare("senior", "v3", "started", "2023-10-02T10:00:00Z",
                                           "npq-senior-leadership", "accepted2")),
        ("v3 completed", lambda: declare("completed", "v3", "completed", "2024-04-02T10:00:00Z",
                                         "npq-senior-leadership", "accepted2", has_passed=True)),
        ("v1 outcome", lambda: t.write("POST", f"/api/v1/participants/npq/{pid('accepted2')}/outcomes",
                                       _attributes("npq-outcome-confirmation", state="passed",
                                                   course_identifier="npq-senior-leadership",
                                                   completion_date="2024-04-01"))),
        ("DfE payment state", lambda: t.write("PUT", f"/__mock__/declarations/{made['senior']['id']}/state",
                                              {"state": "paid"})),
        ("v2 void", lambda: t.write("PUT", f"/api/v2/participant-declarations/{made['started']['id']}/void")),
        ("v3 withdraw", lambda: t.write("PUT", f"/api/v3/participants/npq/{pid('accepted2')}/withdraw",
                                        _attributes("npq-participant-withdraw",
                                                    course_identifier="npq-senior-leadership",
                                                    reason="personal-reason-other"))),
        ("rename", lambda: t.write("PUT", f"/__mock__/participants/{pid('accepted')}",
                                   {"full_name": "Someone Else"})),
        ("participant id change", lambda: t.write("POST", "/__mock__/participant-id-changes", {
            "from_participant_id": pid("pending"), "to_participant_id": pid("accepted")})),
        ("transfer", lambda: t.write("POST", f"/__mock__/applications/{made['accepted2']['id']}/transfer",
                                     {"lead_provider_id": BPN_ID})),
        ("clock", lambda: t.write("PUT", "/__mock__/clock", {"now": "2025-06-01T12:00:00Z"})),
        ("settings: v3 epoch 2025-08", lambda: t.write("PUT", "/__mock__/settings", {"v3_epoch": "2025-08"})),
        ("settings: v3 epoch head", lambda: t.write("PUT", "/__mock__/settings", {"v3_epoch": "head"})),
        ("settings: switches", lambda: t.write("PUT", "/__mock__/settings", {
            "delivery_partner_rule": False, "closed_cohorts": [2021], "drift_reject_requires_reason": True})),
        ("cohort", lambda: t.write("POST", "/__mock__/cohorts", {"start_year": 2026, "suffix": "b"})),
        ("cohort with schedules replaced", lambda: t.write("POST", "/__mock__/cohorts", {
            "start_year": 2023, "schedules": [{"identifier": "npq-leadership-spring",
                                                "applies_from": "2024-01-01", "applies_to": "2024-06-30"}]})),
        ("contract ended", lambda: t.write("DELETE", "/__mock__/contracts",
                                           {"cohort": 2023, "course_identifier": "npq-headship"})),
    ]

    def partner_and_statement() -> None:
        partner = t.write("POST", "/__mock__/delivery-partners", {
            "name": "A New Partner", "partnerships": [{"lead_provider_id": AMBITION_ID, "cohort": 2023}]})
        made["partner"] = partner["data"]["id"]
        found = t.write("POST", "/__mock__/statements", {
            "lead_provider_id": AMBITION_ID, "cohort": 2023, "year": 2025, "month": 7,
            "deadline_date": "2025-06-30", "payment_date": "2025-07-25", "state": "payable"})
        made["statement"] = found["data"]["id"]

    steps += [
        ("delivery partner and statement", partner_and_statement),
        ("statement paid", lambda: t.write(
            "PUT", f"/__mock__/statements/{made['statement']}", {"state": "paid"})),
        ("reset to the seeded world", lambda: t.write("POST", "/__mock__/reset", {})),
    ]

    t.check()
    for name, action in steps:
        action()
        t.check()
        assert name  # the step's name shows in a failure's traceback
    assert t.compared > 1000


def test_a_seeded_world_page_after_writes_matches(twins: Twins) -> None:
    """Over the seeded world: pages filled, then an accept, a reject and a transfer of listed records."""
    t = twins
    t.check()
    pending = [a for a in t.stored.get("/api/v3/npq-applications?page[per_page]=3000", headers=AMBITION)
               .get_json()["data"] if a["attributes"]["status"] == "pending"]
    t.write("POST", f"/api/v1/npq-applications/{pending[0]['id']}/accept")
    t.check()
    t.write("POST", f"/api/v3/npq-applications/{pending[1]['id']}/reject")
    t.check()
    t.write("POST", f"/__mock__/applications/{pending[2]['id']}/transfer", {"lead_provider_id": BPN_ID})
    t.check()


@pytest.mark.parametrize("path", ["npq-applications", "participants/npq", "participant-declarations"])
def test_one_record_is_answered_from_the_body_its_list_stored(ops_world: Path, path: str) -> None:
    """A record URL reads the body its list's page stored (one query, no rendering): a body changed in the
    file behind the mock's back is what it answers; an unknown or another provider's id is still a 404."""
    import sqlite3

    client = create_app(Settings(db_path=ops_world)).test_client()
    listed = client.get(f"/api/v3/{path}?page[per_page]=1", headers=AMBITION).json["data"][0]
    with sqlite3.connect(ops_world) as conn:
        changed = conn.execute("UPDATE rendered SET body = ? WHERE CAST(body AS TEXT) LIKE ?",
                               (b'{"id":"from the store"}', f'{{"id":"{listed["id"]}"%')).rowcount
    assert changed == 1
    assert client.get(f"/api/v3/{path}/{listed['id']}", headers=AMBITION).json == {
        "data": {"id": "from the store"}}
    assert client.get(f"/api/v3/{path}/{listed['id']}", headers=BPN).status_code == 404
