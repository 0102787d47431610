"""WSGI entry point for granian workers: builds the app from NPQ_MOCK_* variables the CLI set (factory)."""

from __future__ import annotations

from flask import Flask


def build_app() -> Flask:
    """The app for one worker process; it opens the already-seeded world file named by NPQ_MOCK_DB_PATH."""
    from mockserver.app import create_app
    from mockserver.config import Settings

    settings = Settings.from_env()
    if settings.db_path is None:
        raise RuntimeError("NPQ_MOCK_DB_PATH must name the seeded world file (npq-mock serve sets it)")
    return create_app(settings)
