"""What the pages read of the mock's per-request state (mockserver.world), and the token lookup."""

from __future__ import annotations

import sqlite3
from typing import Any

from mockserver import world
from mockserver.auth import token_from_header


def connection() -> sqlite3.Connection:
    """This thread's connection to the world file."""
    return world.connection()


def settings() -> Any:
    """The app's frozen Settings."""
    return world.state().settings


def provider_for_header(header: str | None) -> str | None:
    """The provider id an Authorization header's token names, or None (unknown or absent)."""
    token = token_from_header(header)
    if token is None:
        return None
    return world.state().tokens.provider(connection(), token)


def current_world() -> str | None:
    """The created world the current request acts on (None: the default world)."""
    return world.current_world()
