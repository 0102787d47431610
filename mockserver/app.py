"""The app factory: one SQLite connection per worker thread, the v1 blueprints, auth, errors and headers."""

from __future__ import annotations

import logging
import sqlite3
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import orjson
from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.routing import Rule

from mockserver import pages, resilience, testing_api, world
from mockserver.config import Settings
from mockserver.errors import RULE_HEADER, ApiError, render_error
from mockserver.pages.journal import Journal, journal
from mockserver.reference import load_reference
from mockserver.routes import (
    applications,
    declarations,
    delivery_partners,
    outcomes,
    participants,
    statements,
)
from mockserver.seed import prepare_database, remove_database
from mockserver.seeding.pools import pools_for
from mockserver.store.db import connect
from mockserver.stored_reads import stored_reads
from mockserver.versions import VERSIONS

log = logging.getLogger(__name__)


def _prepare(settings: Settings) -> Settings:
    path: Path = prepare_database(settings)
    return settings if settings.db_path is not None else settings.with_overrides(db_path=path)


# Endpoints only some versions have (section 1.2): v3's statements and delivery partners.
VERSION_ONLY_ROUTES = {"v3": (statements, delivery_partners)}


def _register_blueprints(app: Flask) -> None:
    for api in VERSIONS:
        for routes in (
            applications,
            outcomes,
            participants,
            declarations,
            *VERSION_ONLY_ROUTES.get(api.name, ()),
        ):
            app.register_blueprint(routes.build(api))
    app.register_blueprint(testing_api.blueprint)


class _LazyBuilderRule(Rule):
    """A route whose URL builders are compiled when a URL is first built from it, not when it is added.

    werkzeug generates and compiles two Python functions per rule as the rule is added (~0.3 ms each), for
    `url_for`; the mock has ~150 rules and builds URLs for three (its pages' assets), so most never need
    them. Every app (each worker process, each test's app) starts ~0.1 s sooner."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        attribute = "_build_unknown" if append_unknown else "_build"

        def first_build(rule: Rule, *args: object, **kwargs: object) -> tuple[str, str]:
            built = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, attribute, built)  # from now on the compiled builder itself
            return built(*args, **kwargs)

        return first_build


class _MockFlask(Flask):
    """Flask whose views and hooks are all plain functions (a test checks it).

    Flask's ensure_sync asks `inspect` whether each before/after hook and the view is a coroutine function,
    on every request (seven calls, a few per cent of a one-record GET); the mock has no async code."""

    def ensure_sync(self, func: Callable[..., object]) -> Callable[..., object]:
        return func


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
    temporary_world = connection_factory is None and settings.db_path is None
    if connection_factory is None:
        settings = _prepare(settings)
        db_path = settings.db_path  # _prepare always names the file, a temporary one without --db
        connection_factory = lambda: connect(db_path)  # noqa: E731
    app = _MockFlask(__name__, static_folder=None)
    app.url_rule_class = _LazyBuilderRule
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.url_map.strict_slashes = False
    reference = load_reference(settings.fixtures_dir)
    world.init_app(app, world.MockState(settings, reference, world.Connections(connection_factory)))

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
    app.wsgi_app = stored_reads(app, app.wsgi_app)  # type: ignore[method-assign]
    # Testing-API gate, fault profiles, R-17 (each off unless asked for); outside the stored reads and Flask:
    # the body deadline, then the process's turns (resilience/turns.py).
    resilience.init_app(app)
    _register_blueprints(app)
    if settings.testing_api:
        # Its record factory needs Faker pools (~0.2 s: importing Faker scans its locales). They are filled
        # in the background as the worker starts, so the first POST /__mock__/applications rarely waits, and
        # neither does the worker's first answer (a request that needs them first builds the same pools).
        threading.Thread(target=pools_for, args=(settings.seed,), name="faker-pools", daemon=True).start()
    pages.init_app(app)  # home page, /healthz, docs, request journal
    if temporary_world:
        # The app made this file, so it goes with the app (or at the latest when the process exits): every
        # `create_app()` in a test suite would otherwise leave a world and its side files in the temp folder.
        weakref.finalize(app, _remove_temporary_world, settings.db_path, journal(app))
    return app


def _remove_temporary_world(path: Path, book: Journal | None) -> None:
    if book is not None:
        book.stop()  # first: its writer would make the journal file again
    remove_database(path)
