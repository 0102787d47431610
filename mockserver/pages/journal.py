"""The request journal: what the mock answered, shared by every worker process, bounded, cheap to write.

Entries live in their own SQLite file beside the world (`<world>.requests.sqlite3`, see
mockserver/store/journal.py), so every granian worker writes to and reads from one journal, and journal
writes never wait on the world's write lock. The journal is a ring of the latest `journal_size` entries.
Recording queues a tuple of references to strings and bytes (never a container such as the response's
headers: a queued container outlives the garbage collector's youngest generation and makes every
collection dearer); a writer thread per process formats, masks and inserts them in batches (one
transaction each), and nothing is parsed or validated on the hot path (conformance is
computed when an entry is read, see conformance.py). What the writer does per entry is kept small too,
because on a busy worker it takes the same cores as the requests: timestamps reuse the formatted second,
and a handful of tokens are looked for with `bytes in` rather than one alternation regex (less than half
the time on a 1 KB body; see benchmarks/bench_journal.py for the cost of the whole).

Tokens never reach the journal: the Authorization header is not stored (only whether one was sent), and
every known token is masked in the recorded query string and bodies (`GET /__mock__/lead-providers`
answers with them).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
import weakref
from collections import deque
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, request

from mockserver.errors import RULE_HEADER
from mockserver.pages import _world
from mockserver.pages.masking import MASK, TokenMask
from mockserver.pages.versions import version_of
from mockserver.store import bulk
from mockserver.store.journal import JournalStore

log = logging.getLogger(__name__)
EXTENSION = "npq_journal"
BODY_LIMIT = 16 * 1024  # bytes of each request and response body kept
FLUSH_SECONDS = 0.05  # how long a request may wait in its process before the journal file has it
_START = "npq.journal.start"
# What a queued entry holds of a response body: enough to store and to tell that it was cut. Holding the
# whole body until the writer runs kept every page of 100 records (~110 KB) alive for up to FLUSH_SECONDS:
# the allocator then handed out fresh memory for each new page instead of reusing the last one's, and that
# cost a page GET about a third of its CPU time (~120 us of ~360).
_KEPT = BODY_LIMIT + 1
# The kit's own pages and the journal's own reads are not journalled: they would drown what the API did.
_SKIPPED = ("/__mock__/journal", "/journal", "/docs", "/pages-static/", "/healthz", "/favicon.ico")

def journal_path(world_path: Path | str) -> Path:
    """The journal file that goes with a world file."""
    return Path(f"{world_path}.requests.sqlite3")


class Journal(JournalStore):
    """The store, plus a per-process queue: requests append a few references (the hot path); a writer
    thread turns them into rows and inserts them in one transaction every FLUSH_SECONDS (readers flush
    first, so this process's own requests are always there)."""

    def __init__(self, path: Path, size: int) -> None:
        super().__init__(path, size)
        self._providers: dict[str, str] = {}
        self._tokens: tuple[str, ...] | None = None
        self._mask_bytes = TokenMask(())
        self._second, self._second_text = -1, ""
        self._pending: deque[tuple[Any, ...]] = deque()
        self._flushing = threading.Lock()
        self._writer_pid: int | None = None
        self._stopped = threading.Event()

    def load_world(self) -> None:
        """Provider names and the tokens to mask, read from the world (needs the app context)."""
        rows = bulk.provider_tokens(_world.connection())
        self._providers = {row[0]: row[1] for row in rows}
        secrets = [row[2] for row in rows if row[2]]
        admin = _world.settings().testing_api_token  # never recorded either, wherever it was sent
        self._tokens = tuple(sorted([*secrets, *([admin] if admin else [])], key=len, reverse=True))
        self._mask_bytes = TokenMask(self._tokens)

    def provider_name(self, provider_id: str) -> str | None:
        if provider_id not in self._providers:
            self.load_world()
        return self._providers.get(provider_id)

    def mask(self, text: str) -> str:
        """Text with every known token replaced by [token]."""
        for token in self._tokens or ():
            if token in text:
                text = text.replace(token, MASK)
        return text

    def add(self, raw: tuple[Any, ...]) -> None:
        """Queue one request (see _row for the fields); the writer thread stores it shortly."""
        self._pending.append(raw)
        if self._writer_pid != os.getpid():  # first request of this process (or after a fork)
            self._writer_pid = os.getpid()
            threading.Thread(target=self._write_forever, name="npq-journal", daemon=True).start()

    def knows(self, provider_id: str) -> bool:
        """Whether an answer to this provider can be noted without reading the world (outside Flask)."""
        return self._tokens is not None and provider_id in self._providers

    def note(self, environ: dict[str, Any], provider_id: str | None, status: int, rules: str,
             request_bytes: bytes, response_type: str | None, sent: bytes, world: str | None) -> None:
        """Queue the answer to the request of `environ` (timed since it reached the app): `provider_id` is
        the authenticated provider (None: the provider of its token, if any), `rules` its rule codes."""
        elapsed = time.perf_counter() - environ[_START]
        if self._tokens is None:
            self.load_world()
        authorization = environ.get("HTTP_AUTHORIZATION")
        provider_id = provider_id or (_world.provider_for_header(authorization) if authorization else None)
        name = self.provider_name(provider_id) if provider_id else None
        self.add((
            time.time() - elapsed, environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""), provider_id, name,
            int(authorization is not None), environ.get("HTTP_X_WITH_SERVER_DATE"), status, elapsed, rules,
            environ.get("CONTENT_TYPE") or None, request_bytes, response_type, sent[:_KEPT], world,
        ))

    def stop(self) -> None:
        """No more writing: the writer thread ends and later flushes do nothing (the app is gone, and its
        temporary world's files with it: writing would make them again)."""
        self._stopped.set()
        with self._flushing:  # a flush under way finishes first
            self._pending.clear()

    def flush(self) -> None:
        """Store every queued request now."""
        with self._flushing:
            if self._stopped.is_set():
                return
            rows = []
            while True:
                try:
                    rows.append(self._row(self._pending.popleft()))
                except IndexError:
                    break
            if rows:
                self.record_many(rows)

    def _write_forever(self) -> None:
        while not self._stopped.wait(FLUSH_SECONDS):
            try:
                self.flush()
            except Exception:  # the journal is a debugging aid: never let it die or shout twice a second
                log.exception("could not write the request journal")
                self._stopped.wait(5)

    def _row(self, raw: tuple[Any, ...]) -> tuple[Any, ...]:
        (wall, method, path, query, provider_id, provider_name, authorised, server_date, status, duration,
         rules, request_type, request_bytes, response_type, response_bytes, world) = raw
        request_body, request_truncated = self._text(request_bytes)
        response_body, response_truncated = self._text(response_bytes)
        return (self._stamp(wall), method, path, self.mask(query) if query else "",
                version_of(path), provider_id, provider_name, authorised, server_date, status,
                round(duration * 1000, 3), rules, request_type, request_body, request_truncated,
                response_type, response_body, response_truncated, world)

    def _stamp(self, wall: float) -> str:
        """timestamp() of a time.time() value, reusing the formatted second (the writer's hot spot)."""
        second, micro = divmod(round(wall * 1_000_000), 1_000_000)
        if second != self._second:
            self._second, self._second_text = second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._second_text}.{micro // 1000:03d}Z"

    def _text(self, data: bytes) -> tuple[bytes, int]:
        """The body as stored: bytes (decoded when read), cut at BODY_LIMIT, every known token masked."""
        kept = self._mask_bytes(data[:BODY_LIMIT])
        return kept, int(len(data) > BODY_LIMIT)


def journal(app: Flask) -> Journal | None:
    """The app's journal, or None when it is off."""
    return app.extensions.get(EXTENSION)


def timestamp(moment: datetime) -> str:
    """The journal's time format: UTC, milliseconds, `Z` (text order is time order)."""
    moment = moment.astimezone(UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _skipped(path: str) -> bool:
    return path == "/" or path.startswith(_SKIPPED)


def init_journal(app: Flask, world_path: Path | None, size: int) -> None:
    """Record every request the app answers (but its own pages) in the journal beside the world file."""
    if world_path is None or size <= 0:
        return
    book = Journal(journal_path(world_path), size)
    book.conn()  # create the file and table now, in the process that prepared the world
    atexit.register(book.flush)
    # An app that goes (many, in a test suite) takes its writer thread along; not at exit, where the flush
    # above must still store what is queued.
    weakref.finalize(app, book.stop).atexit = False
    app.extensions[EXTENSION] = book
    max_body = app.config.get("MAX_CONTENT_LENGTH") or 0
    perf_counter = time.perf_counter
    inner_wsgi_app = app.wsgi_app

    def timed(environ: dict[str, Any], start_response: Any) -> Any:
        # The start time, set before Flask sees the request (cheaper than a before-request hook, and set
        # for a request any hook refuses, a 413 included).
        environ[_START] = perf_counter()
        return inner_wsgi_app(environ, start_response)

    def finish(response: Response) -> Response:
        environ = request.environ
        if environ.get(_START) is None or _skipped(environ.get("PATH_INFO", "")):
            return response
        try:
            context = g.get("context")
            chosen = getattr(context, "provider_id", None)
            length = environ.get("CONTENT_LENGTH")
            chunks = response.response
            if isinstance(chunks, list):  # the usual Response(bytes): no copy of the generic path
                sent = chunks[0] if len(chunks) == 1 else b"".join(chunks)
            else:
                sent = b"" if response.is_streamed or response.direct_passthrough else response.get_data()
            status = response.status_code
            headers = response.headers
            book.note(environ, chosen, status, headers.get(RULE_HEADER, "") if status >= 400 else "",
                      request.get_data(cache=True) if length and 0 < int(length) <= max_body else b"",
                      headers.get("Content-Type"), sent, g.get("world_id"))
        except Exception:  # the journal is a debugging aid: it never breaks an answer
            log.exception("could not journal %s %s", request.method, environ.get("PATH_INFO", ""))
        return response

    app.wsgi_app = timed  # type: ignore[method-assign]
    # First-registered after-request hook, so it runs last and sees the final headers (the rule codes).
    app.after_request_funcs.setdefault(None, []).insert(0, finish)
