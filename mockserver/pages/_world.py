"""The one place the pages reach into the mock's per-request state (the app factory's connection and state).

Kept apart so that moving that state elsewhere touches this file only.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from mockserver import app as mock_app
from mockserver.auth import token_from_header


def connection() -> sqlite3.Connection:
    """This thread's connection to the world file."""
    return mock_app.connection()


def settings() -> Any:
    """The app's frozen Settings."""
    return mock_app.state().settings


def provider_for_header(header: str | None) -> str | None:
    """The provider id an Authorization header's token names, or None (unknown or absent)."""
    token = token_from_header(header)
    if token is None:
        return None
    return mock_app.state().tokens.provider(connection(), token)
