"""WSGI entry point for granian workers: builds the app from NPQ_MOCK_* variables the CLI set (factory)."""

from __future__ import annotations

from flask import Flask


def build_app() -> Flask:
    """The app for one worker process; it opens the already-seeded world file named by NPQ_MOCK_DB_PATH."""
    from mockserver.app import create_app
    from mockserver.config import Settings
    from mockserver.resilience.head import head_limit
    from mockserver.store.db import connect

    settings = Settings.from_env()
    path = settings.db_path
    if path is None:
        raise RuntimeError("NPQ_MOCK_DB_PATH must name the seeded world file (npq-mock serve sets it)")
    # The parent prepared (seeded or migrated) the file before starting the workers: a worker only opens it.
    app = create_app(settings, connection_factory=lambda: connect(path))
    app.wsgi_app = head_limit(app.wsgi_app)  # type: ignore[method-assign]
    return app
