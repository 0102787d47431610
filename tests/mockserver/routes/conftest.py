"""Fixtures of the core server's HTTP tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mockserver.core_world import World, build_world, make_empty_world


@pytest.fixture(scope="session")
def empty_world_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty world (reference data only), made once per session; copied, never written."""
    return make_empty_world(tmp_path_factory.mktemp("core") / "empty.sqlite3")


@pytest.fixture
def world(tmp_path: Path, empty_world_template: Path) -> Iterator[World]:
    """The app over a private empty world with the clock frozen at 2024-12-01T12:00:00Z."""
    target = tmp_path / "world.sqlite3"
    target.write_bytes(empty_world_template.read_bytes())
    built = build_world(target)
    yield built
    built.conn.close()
