"""See it, share it: the home page, /healthz, interactive API docs and the request journal.

`init_app(app)` is the one call the app factory makes; everything else lives in this package.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the pages and the journal API, and start journalling requests."""
    from mockserver.pages import _world
    from mockserver.pages.journal import init_journal
    from mockserver.pages.views import journal_api, pages

    with app.app_context():
        settings = _world.settings()
    init_journal(app, settings.db_path, settings.journal_size)
    app.register_blueprint(pages)
    app.register_blueprint(journal_api)
