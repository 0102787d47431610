"""A small, explicit world for the core server's HTTP tests: an empty seeded file plus records made here."""

from __future__ import annotations

import itertools
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.reference import load_reference
from mockserver.seed import seed_world
from mockserver.store import bulk
from mockserver.store.db import connect, create_schema, set_setting, write_transaction
from tests.mockserver.spec_validation import validating

AMBITION = "9e35e998-c63b-4136-89c4-e9e18ddde0ea"
UCL = "ef687b3d-c1c0-4566-a295-16d6fa5d0fa7"
TOKENS = {AMBITION: "ambition-token", UCL: "ucl-token"}
NOW = "2024-12-01T12:00:00Z"


def dump(path: Path) -> list[str]:
    """A world file's whole content as SQL text (`iterdump`): equal dumps, equal worlds."""
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def make_empty_world(path: Path) -> Path:
    """Reference data only (providers, cohorts, schedules, contracts), no people."""
    conn = connect(path)
    try:
        create_schema(conn)
        seed_world(conn, load_reference(), seed=1, empty=True)
    finally:
        conn.close()
    return path


@dataclass
class World:
    """The app over a private empty world, with builders for people and records."""

    app: Flask
    conn: sqlite3.Connection
    client: FlaskClient
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    # -- builders -------------------------------------------------------------------------------------
    def uid(self) -> str:
        """A fresh deterministic UUID."""
        return str(uuid.UUID(int=next(self._ids), version=4))

    def user(
        self,
        *,
        trn: str | None = "1234567",
        trn_verified: bool = True,
        created_at: str = "2024-01-01T00:00:00Z",
        updated_at: str | None = None,
    ) -> str:
        """A person; returns the participant id."""
        user_id = self.uid()
        with write_transaction(self.conn):
            bulk.insert_rows(
                self.conn,
                "users",
                [
                    {
                        "id": user_id,
                        "full_name": "Ada Lovelace",
                        "email": f"ada{user_id[-4:]}@example.com",
                        "trn": trn,
                        "trn_verified": int(trn_verified),
                        "created_at": created_at,
                        "updated_at": updated_at or created_at,
                    }
                ],
            )
        return user_id

    def application(
        self,
        *,
        user: str | None = None,
        provider: str = AMBITION,
        course: str = "npq-headship",
        cohort: int = 2023,
        status: str = "pending",
        training_status: str | None = None,
        schedule: str | None = None,
        funded_place: bool | None = None,
        eligible: bool = True,
        catchment: str = "england",
        created_at: str = "2024-01-02T00:00:00Z",
        status_code: str | None = None,
        **extra: Any,
    ) -> str:
        """An application; accepted ones get a schedule (default leadership/specialist autumn) and a state."""
        user = user or self.user()
        app_id = self.uid()
        schedule_id = None
        if status == "accepted":
            training_status = training_status or "active"
            group = "leadership" if course in LEADERSHIP else "specialist" if course in SPECIALIST else "ehco"
            name = schedule or (f"npq-{group}-autumn" if group != "ehco" else "npq-ehco-december")
            schedule_id = bulk.schedule_ids(self.conn)[(cohort, name)]
        row = {
            "id": app_id,
            "user_id": user,
            "lead_provider_id": provider,
            "course_identifier": course,
            "cohort": cohort,
            "status": status,
            "training_status": training_status,
            "schedule_id": schedule_id,
            "funded_place": None if funded_place is None else int(funded_place),
            "eligible_for_funding": int(eligible),
            "funding_eligibility_status_code": status_code,
            "employer_name": None,
            "employment_role": None,
            "funding_choice": "school",
            "headteacher_status": "no",
            "private_childcare_provider_urn": None,
            "school_urn": "100001",
            "school_ukprn": "10000001",
            "works_in_school": 1,
            "targeted_delivery_funding_eligibility": 0,
            "teacher_catchment": catchment,
            "teacher_catchment_country": "United Kingdom",
            "teacher_catchment_iso_country_code": "GBR",
            "itt_provider": None,
            "lead_mentor": 0,
            "accepted_at": created_at if status == "accepted" else None,
            "created_at": created_at,
            "updated_at": created_at,
            **extra,
        }
        with write_transaction(self.conn):
            bulk.insert_rows(self.conn, "applications", [row])
            if status == "accepted":
                bulk.insert_rows(
                    self.conn,
                    "application_states",
                    [
                        {
                            "application_id": app_id,
                            "lead_provider_id": provider,
                            "state": training_status,
                            "reason": None,
                            "created_at": created_at,
                        }
                    ],
                )
        return app_id

    def participant(self, **kwargs: Any) -> tuple[str, str]:
        """(participant id, application id) of an accepted application."""
        app_id = self.application(status="accepted", **kwargs)
        return self.application_user(app_id), app_id

    def application_user(self, app_id: str) -> str:
        """The person of an application."""
        return self.conn.execute("SELECT user_id FROM applications WHERE id = ?", (app_id,)).fetchone()[0]

    def set_state(self, declaration_id: str, state: str) -> None:
        """DfE-side state change of a declaration (payable, paid, clawed back...)."""
        with write_transaction(self.conn):
            self.conn.execute("UPDATE declarations SET state = ? WHERE id = ?", (state, declaration_id))

    def setting(self, key: str, value: Any) -> None:
        """Change a server-wide setting."""
        with write_transaction(self.conn):
            set_setting(self.conn, key, value)

    def freeze(self, now: str | None) -> None:
        """Freeze the server clock."""
        self.setting("clock", now)

    # -- HTTP -----------------------------------------------------------------------------------------
    def headers(self, provider: str = AMBITION, **extra: str) -> dict[str, str]:
        """Authorization for a provider."""
        return {"Authorization": f"Bearer {TOKENS[provider]}", **extra}

    def get(self, path: str, provider: str = AMBITION, **kw: Any) -> Any:
        """GET /api/v1{path}."""
        return self.client.get("/api/v1" + path, headers=self.headers(provider), **kw)

    def post(self, path: str, body: Any = None, provider: str = AMBITION, **kw: Any) -> Any:
        """POST /api/v1{path} with a JSON body."""
        return self.client.post("/api/v1" + path, json=body, headers=self.headers(provider), **kw)

    def put(self, path: str, body: Any = None, provider: str = AMBITION, **kw: Any) -> Any:
        """PUT /api/v1{path} with a JSON body."""
        return self.client.put("/api/v1" + path, json=body, headers=self.headers(provider), **kw)

    def declare(
        self,
        participant: str,
        declaration_type: str = "started",
        date: str = "2023-11-01T10:00:00Z",
        course: str = "npq-headship",
        provider: str = AMBITION,
        **attrs: Any,
    ) -> Any:
        """POST a declaration."""
        body = {
            "data": {
                "type": "participant-declaration",
                "attributes": {
                    "participant_id": participant,
                    "declaration_type": declaration_type,
                    "declaration_date": date,
                    "course_identifier": course,
                    **attrs,
                },
            }
        }
        return self.post("/participant-declarations", body, provider)


LEADERSHIP = {
    "npq-senior-leadership",
    "npq-headship",
    "npq-executive-leadership",
    "npq-early-years-leadership",
    "npq-senco",
}
SPECIALIST = {
    "npq-leading-teaching",
    "npq-leading-behaviour-culture",
    "npq-leading-teaching-development",
    "npq-leading-literacy",
    "npq-leading-primary-mathematics",
}


def build_world(path: Path) -> World:
    """A World over a private copy of an empty world file."""
    # Every response of the route tests is checked against the OpenAPI documents (spec_validation.py).
    app = validating(create_app(Settings(db_path=path)))
    conn = connect(path)
    world = World(app=app, conn=conn, client=app.test_client())
    world.freeze(NOW)
    return world


def errors(*pairs: tuple[str, str]) -> dict[str, Any]:
    """The 422/400 envelope for (title, detail) pairs."""
    return {"errors": [{"title": t, "detail": d} for t, d in pairs]}
