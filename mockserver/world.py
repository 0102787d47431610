"""The app's per-process state and the current request's world and connection (flaskr's `db.py` role).

A server holds a default world and any number of created worlds (mockserver/worlds.py). Which world a
request acts on is decided once, before anything else: an explicit `X-NPQ-Mock-World: <id>` header, else a
created world's token, else the default world.
Routes and the testing API import this leaf module; `app.py` imports them, never the reverse.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, g, has_app_context, request

from mockserver.auth import TokenIndex, token_from_header
from mockserver.config import Settings
from mockserver.reference import ReferenceData
from mockserver.services.context import CatalogCache
from mockserver.store import rendered
from mockserver.store import worlds as registry
from mockserver.store.db import connect
from mockserver.store.records import pairs_of
from mockserver.versions import rendering_stamp
from mockserver.worlds import Worlds

EXTENSION = "npq_mock"
WORLD_HEADER = "X-NPQ-Mock-World"


class Connections:
    """One connection per thread and process, opened lazily (so after a fork)."""

    def __init__(self, factory: Callable[[], sqlite3.Connection]) -> None:
        self._factory = factory
        self._local = threading.local()
        self.stamp: str | None = None  # set: each new connection uses the bodies rendered under this stamp

    def get(self) -> sqlite3.Connection:
        """This thread's connection."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            conn = self._factory()
            if self.stamp is not None:
                rendered.open_bodies(conn, self.stamp)
            local.conn, local.pid = conn, os.getpid()
        return local.conn


@dataclass(frozen=True)
class _WorldState:
    """What a process keeps per world: its connections, its token index and its catalogue."""

    connections: Connections
    tokens: TokenIndex
    catalogs: CatalogCache


class MockState:
    """What the app keeps for its whole life: settings, reference data, connections per world."""

    def __init__(self, settings: Settings, reference: ReferenceData, connections: Connections) -> None:
        self.settings, self.reference, self.connections = settings, reference, connections
        self._stamp = rendering_stamp(pairs_of(reference.interchangeable)) if settings.stored_bodies else None
        connections.stamp = self._stamp
        self._default = _WorldState(connections, TokenIndex(), CatalogCache(reference))
        self._created: dict[str, _WorldState] = {}
        self.worlds = (
            Worlds(settings, Path(settings.db_path), settings.max_worlds, settings.max_worlds_bytes)
            if settings.db_path is not None
            else None
        )

    def of_world(self, world_id: str | None) -> _WorldState:
        """The connections, token index and catalogue of a world (None: the default world)."""
        if world_id is None:
            return self._default
        found = self._created.get(world_id)
        if found is None:
            path = registry.get(self.connections.get(), world_id)["path"]  # type: ignore[index]
            catalogs = CatalogCache(self.reference)
            connections = Connections(lambda: connect(path))
            connections.stamp = self._stamp
            found = _WorldState(connections, TokenIndex(), catalogs)
            self._created[world_id] = found
        return found

    @property
    def tokens(self) -> TokenIndex:
        """The current world's token index."""
        return self.of_world(current_world()).tokens

    @property
    def catalogs(self) -> CatalogCache:
        """The current world's catalogue of cohorts, schedules and contracts (worlds may add cohorts)."""
        return self.of_world(current_world()).catalogs


def init_app(app: Flask, state: MockState) -> None:
    """Attach the world's state to an app and decide each request's world before anything else."""
    app.extensions[EXTENSION] = state
    app.before_request_funcs.setdefault(None, []).insert(0, _bind_world)


def state() -> MockState:
    """The current app's MockState."""
    return current_app.extensions[EXTENSION]


def state_of(app: Flask) -> MockState:
    """An app's MockState, outside a request."""
    return app.extensions[EXTENSION]


def current_world() -> str | None:
    """The id of the world the current request acts on (None: the default world)."""
    return g.get("world_id") if has_app_context() else None


def connection() -> sqlite3.Connection:
    """The current thread's connection to the current request's world."""
    return state().of_world(current_world()).connections.get()


def registry_connection() -> sqlite3.Connection:
    """The connection to the default world's file, which holds the worlds registry."""
    return state().connections.get()


def _live(world: dict | None) -> bool:
    return world is not None and world["expires_at"] > time.time()


def _bind_world() -> Response | None:
    """Choose the request's world: an explicit header, a created world's token, or the default world.
    An explicit id that names no live world is a 404; a dead world's token simply is not known (the API
    then answers 401, as for any unknown token)."""
    g.world_id = None
    mock = state()
    explicit = request.headers.get(WORLD_HEADER)
    if explicit:
        if not _live(registry.get(mock.connections.get(), explicit)):
            return Response(b'{"error":"Resource not found"}', 404, content_type="application/json")
        g.world_id = explicit
        return None
    g.world_id = world_of_token(mock, token_from_header(request.headers.get("Authorization")))
    return None


def world_of_token(mock: MockState, token: str | None) -> str | None:
    """The live created world whose token this is; None for the default world's tokens and unknown ones."""
    registry_conn = mock.connections.get()
    if token and mock.of_world(None).tokens.provider(registry_conn, token) is None:
        world = registry.world_of_token(registry_conn, token)
        if _live(world):
            return world["id"]  # type: ignore[index]
    return None
