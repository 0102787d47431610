"""The app factory: one SQLite connection per worker thread, the v1 blueprints, auth, errors and headers."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import orjson
from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge

from mockserver.auth import TokenIndex
from mockserver.config import Settings
from mockserver.errors import RULE_HEADER, ApiError, render_error
from mockserver.reference import ReferenceData, load_reference
from mockserver.services.context import Catalog
from mockserver.store.db import connect

EXTENSION = "npq_mock"
log = logging.getLogger(__name__)


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
        self.catalog = Catalog(reference)
        self.tokens = TokenIndex()


def state() -> MockState:
    """The current app's MockState."""
    return current_app.extensions[EXTENSION]


def connection() -> sqlite3.Connection:
    """The current thread's connection to the world (for the testing API too)."""
    return state().connections.get()


def _prepare(settings: Settings) -> Settings:
    from mockserver.seed import prepare_database

    path: Path = prepare_database(settings)
    return settings if settings.db_path is not None else settings.with_overrides(db_path=path)


def _register_blueprints(app: Flask) -> None:
    # Imported here: the blueprints reach back to this module for the connection and state.
    from mockserver import testing_api
    from mockserver.routes import applications, declarations, outcomes, participants

    for module in (applications, outcomes, participants, declarations, testing_api):
        app.register_blueprint(module.blueprint)


def _error_response(error: ApiError) -> Response:
    status, body, headers = render_error(error)
    if status == 404 and g.get("csv_url"):
        return Response(b"", status, headers=headers, content_type="text/csv")
    return Response(body, status, headers=headers, content_type="application/json")


def _register_errors(app: Flask) -> None:
    app.register_error_handler(ApiError, _error_response)

    @app.errorhandler(NotFound)
    @app.errorhandler(MethodNotAllowed)
    def _routing_miss(_error: HTTPException) -> Response:
        g.csv_url = False
        return _error_response(ApiError.of("route.not_found"))

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(_error: HTTPException) -> Response:
        return _error_response(ApiError.of("request.too_large"))

    @app.errorhandler(HTTPException)
    def _other_http(error: HTTPException) -> Response:
        return Response(
            orjson.dumps({"error": error.name}), error.code or 500, content_type="application/json"
        )

    @app.errorhandler(Exception)
    def _bug(error: Exception) -> Response:
        log.exception("unhandled error", exc_info=error)
        return _error_response(ApiError.of("server.internal_error"))


def create_app(
    settings: Settings | None = None, *, connection_factory: Callable[[], sqlite3.Connection] | None = None
) -> Flask:
    """A ready mock: the world file prepared (seeded when new), blueprints and handlers registered."""
    settings = settings or Settings()
    if connection_factory is None:
        settings = _prepare(settings)
        db_path = settings.db_path  # _prepare always names the file, a temporary one without --db
        connection_factory = lambda: connect(db_path)  # noqa: E731
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    app.extensions[EXTENSION] = MockState(
        settings, load_reference(settings.fixtures_dir), Connections(connection_factory)
    )

    @app.before_request
    def _limit_body() -> None:
        length = request.content_length
        if length is not None and length > settings.max_body_bytes:
            raise ApiError.of("request.too_large")

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        if response.status_code >= 400 and RULE_HEADER not in response.headers and response.status_code < 500:
            response.headers[RULE_HEADER] = "http." + str(response.status_code)
        return response

    _register_errors(app)
    _register_blueprints(app)
    from mockserver.pages import init_app as init_pages  # home page, /healthz, docs, request journal

    init_pages(app)
    return app
