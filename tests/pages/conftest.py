"""Fixtures for the pages and the journal: a private default world (a copy of one seeded per session)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mockserver.config import Settings
from mockserver.seed import prepare_database


@pytest.fixture(scope="session")
def pages_world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare_database(Settings(db_path=tmp_path_factory.mktemp("pages") / "world.sqlite3"))


@pytest.fixture
def pages_world(tmp_path: Path, pages_world_template: Path) -> Path:
    target = tmp_path / "world.sqlite3"
    target.write_bytes(pages_world_template.read_bytes())
    return target


@pytest.fixture
def pages_app(pages_world: Path) -> Iterator[object]:
    from mockserver.app import create_app

    yield create_app(Settings(db_path=pages_world))


@pytest.fixture
def pages_client(pages_app: object) -> object:
    return pages_app.test_client()  # type: ignore[attr-defined]
