"""The request journal: what the mock answered, shared by every worker process, bounded, cheap to write.

Entries live in their own SQLite file beside the world (`<world>.requests.sqlite3`, see
mockserver/store/journal.py), so every granian worker writes to and reads from one journal, and journal
writes never wait on the world's write lock. The journal is a ring of the latest `journal_size` entries.
Recording is one INSERT per request; nothing is parsed or
validated on the hot path (conformance is computed when an entry is read, see conformance.py).

Tokens never reach the journal: the Authorization header is not stored (only whether one was sent), and
every known token is masked in the recorded query string and bodies (`GET /__mock__/lead-providers`
answers with them).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, Response, g, request

from mockserver.errors import RULE_HEADER
from mockserver.pages import _world
from mockserver.pages.versions import version_of
from mockserver.store import bulk
from mockserver.store.journal import JournalStore

log = logging.getLogger(__name__)
EXTENSION = "npq_journal"
BODY_LIMIT = 16 * 1024  # bytes of each request and response body kept
MASK = "[token]"
_START = "npq.journal.start"
# The kit's own pages and the journal's own reads are not journalled: they would drown what the API did.
_SKIPPED = ("/__mock__/journal", "/journal", "/docs", "/pages-static/", "/healthz", "/favicon.ico")

def journal_path(world_path: Path | str) -> Path:
    """The journal file that goes with a world file."""
    return Path(f"{world_path}.requests.sqlite3")


def remove_journal(world_path: Path | str) -> None:
    """Delete a world's journal file and its WAL companions."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{journal_path(world_path)}{suffix}").unlink(missing_ok=True)


class Journal(JournalStore):
    """The store, plus what recording needs from the world: provider names and the tokens to mask."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__(path, size)
        self._providers: dict[str, str] = {}
        self._tokens: tuple[str, ...] | None = None

    def _load_world(self) -> None:
        rows = bulk.provider_tokens(_world.connection())
        self._providers = {row[0]: row[1] for row in rows}
        self._tokens = tuple(sorted((row[2] for row in rows if row[2]), key=len, reverse=True))

    def provider_name(self, provider_id: str) -> str | None:
        if provider_id not in self._providers:
            self._load_world()
        return self._providers.get(provider_id)

    def mask(self, text: str) -> str:
        """Text with every known token replaced by [token]."""
        if self._tokens is None:
            self._load_world()
        for token in self._tokens or ():
            if token in text:
                text = text.replace(token, MASK)
        return text


def journal(app: Flask) -> Journal | None:
    """The app's journal, or None when it is off."""
    return app.extensions.get(EXTENSION)


def timestamp(moment: datetime) -> str:
    """The journal's time format: UTC, milliseconds, `Z` (text order is time order)."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _skipped(path: str) -> bool:
    return path == "/" or path.startswith(_SKIPPED)


def _text(data: bytes, book: Journal) -> tuple[str, int]:
    truncated = len(data) > BODY_LIMIT
    return book.mask(data[:BODY_LIMIT].decode("utf-8", "replace")), int(truncated)


def init_journal(app: Flask, world_path: Path | None, size: int) -> None:
    """Record every request the app answers (but its own pages) in the journal beside the world file."""
    if world_path is None or size <= 0:
        return
    book = Journal(journal_path(world_path), size)
    book.conn()  # create the file and table now, in the process that prepared the world
    app.extensions[EXTENSION] = book
    max_body = app.config.get("MAX_CONTENT_LENGTH") or 0

    def start() -> None:
        request.environ[_START] = (time.perf_counter(), time.time())

    def finish(response: Response) -> Response:
        environ = request.environ
        started = environ.get(_START)
        path = request.path
        if started is None or _skipped(path):
            return response
        try:
            context = g.get("context")
            provider_id = getattr(context, "provider_id", None) or _world.provider_for_header(
                request.headers.get("Authorization"))
            length = request.content_length or 0
            raw = request.get_data(cache=True) if 0 < length <= max_body else b""
            sent = b"" if response.is_streamed or response.direct_passthrough else response.get_data()
            request_body, request_truncated = _text(raw, book)
            response_body, response_truncated = _text(sent, book)
            query = environ.get("QUERY_STRING", "")
            book.record((
                timestamp(datetime.fromtimestamp(started[1], UTC)), request.method, path,
                book.mask(query) if query else "", version_of(path), provider_id,
                book.provider_name(provider_id) if provider_id else None,
                int("Authorization" in request.headers), request.headers.get("X-With-Server-Date"),
                response.status_code, round((time.perf_counter() - started[0]) * 1000, 3),
                response.headers.get(RULE_HEADER, ""), request.content_type, request_body, request_truncated,
                response.content_type, response_body, response_truncated,
            ))
        except Exception:  # the journal is a debugging aid: it never breaks an answer
            log.exception("could not journal %s %s", request.method, path)
        return response

    # First before-request hook, so a request refused by another hook (413) still has its start time; and
    # first-registered after-request hook, so it runs last and sees the final headers (the rule codes).
    app.before_request_funcs.setdefault(None, []).insert(0, start)
    app.after_request_funcs.setdefault(None, []).insert(0, finish)
