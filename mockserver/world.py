"""The app's per-process state and the current thread's connection (flaskr's `db.py` role).

Routes and the testing API import this leaf module; `app.py` imports them, never the reverse.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable

from flask import Flask, current_app

from mockserver.auth import TokenIndex
from mockserver.config import Settings
from mockserver.reference import ReferenceData
from mockserver.services.context import CatalogCache

EXTENSION = "npq_mock"


class Connections:
    """One connection per thread and process, opened lazily (so after a fork)."""

    def __init__(self, factory: Callable[[], sqlite3.Connection]) -> None:
        self._factory = factory
        self._local = threading.local()

    def get(self) -> sqlite3.Connection:
        """This thread's connection."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.conn, local.pid = self._factory(), os.getpid()
        return local.conn


class MockState:
    """What the app keeps for its whole life: settings, reference data, connections."""

    def __init__(self, settings: Settings, reference: ReferenceData, connections: Connections) -> None:
        self.settings, self.reference, self.connections = settings, reference, connections
        self.catalogs = CatalogCache(reference)
        self.tokens = TokenIndex()


def init_app(app: Flask, state: MockState) -> None:
    """Attach the world's state to an app."""
    app.extensions[EXTENSION] = state


def state() -> MockState:
    """The current app's MockState."""
    return current_app.extensions[EXTENSION]


def connection() -> sqlite3.Connection:
    """The current thread's connection to the world."""
    return state().connections.get()
