"""Shared fixtures for the mock server's white-box tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.config import Settings
from mockserver.seed import prepare_database

# --- Operational half (seeding, testing API, CLI, concurrency, persistence) -------------------------------
# Fixture names start with `ops_` so they never collide with the core half's fixtures.


@pytest.fixture(scope="session")
def ops_world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default world (seed 1), seeded once per session; copy it, never write to it."""
    return prepare_database(Settings(db_path=tmp_path_factory.mktemp("template") / "world.sqlite3"))


@pytest.fixture
def ops_world(tmp_path: Path, ops_world_template: Path) -> Path:
    """A private copy of the default world for one test."""
    target = tmp_path / "world.sqlite3"
    target.write_bytes(ops_world_template.read_bytes())
    return target


@pytest.fixture
def ops_app(ops_world: Path) -> Iterator[object]:
    """The Flask app over a private default world."""
    from mockserver.app import create_app
    from tests.mockserver.spec_validation import validating

    # Its test clients check every response against the OpenAPI documents (spec_validation.py).
    yield validating(create_app(Settings(db_path=ops_world)))


@pytest.fixture
def ops_client(ops_app: object) -> object:
    """A Flask test client of ops_app."""
    return ops_app.test_client()  # type: ignore[attr-defined]

