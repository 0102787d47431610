"""A deadline on reading request bodies: a client that sends its body slowly is answered 408 and dropped.

granian hands a request to the app as soon as its headers are in, and its `wsgi.input.read()` blocks the
calling thread until the body arrives: it has no body deadline of its own (its HTTP/1 settings bound only
the headers). Without one, each client trickling a body holds one of a worker's `--threads` until it
finishes or disconnects. This WSGI middleware has a reader thread read the body first; if it is not all
there within `timeout` seconds (`--body-timeout`, 30 by default) the answer is a 408 in the API's
envelope (errors.REFUSALS) with `Connection: close`, the worker's thread moves on, and the reader ends
when the client finishes or goes.

Why granian 2.8.2-2.8.5 only (pyproject.toml): from 2.8.6 on, when the app returns while another thread is
still blocked in that request's `wsgi.input.read()`, granian's worker thread waits for the body stream
while holding the GIL (seen in gdb: it parks in a tokio wait with the GIL taken, the reader is parked in
the read, and the runtime thread waits for the GIL), so one cut-off wedges the whole worker until the
client finishes or disconnects. 2.8.1-2.8.5 answer the next request at once with any number of cut-offs
pending (tests/mockserver/test_resilience_server.py; benchmarks/campaigns.py cutoffs).

Readers are a small pool of daemon threads per process (starting a thread per request would cost a POST
about 0.1 ms); a reader stays busy while its client trickles, so at most MAX_READERS such clients are
waited on at once: beyond that, a body is read in the request's own thread, without a deadline, as it
would be with `--body-timeout 0`.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from mockserver.errors import render_refusal

if TYPE_CHECKING:  # the standard WSGI callable's type (typeshed's stubs; nothing at run time)
    from _typeshed.wsgi import WSGIApplication

CHUNK = 64 * 1024
MAX_READERS = 64  # per process: slow clients waited on at once


def _read(stream: Any, length: int | None, limit: int, into: list[bytes], done: Any) -> None:
    try:
        remaining = limit + 1 if length is None else length
        while remaining > 0:
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                break
            into.append(chunk)
            remaining -= len(chunk)
    except Exception:  # noqa: BLE001 - the client went away: whatever arrived is all there is
        pass
    finally:
        done.release()


class _Readers:
    """Daemon threads that read bodies: an idle one takes the next job, a new one starts when none is idle,
    up to `most` (then `submit` says no)."""

    def __init__(self, most: int) -> None:
        self._most, self._alive, self._idle = most, 0, 0
        self._lock = threading.Lock()
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()

    def submit(self, job: Callable[[], None]) -> bool:
        with self._lock:
            if self._idle:
                self._idle -= 1  # that idle reader will take this job
            elif self._alive < self._most:
                self._alive += 1
                threading.Thread(target=self._work, name="npq-body", daemon=True).start()
            else:
                return False
        self._jobs.put(job)
        return True

    def _work(self) -> None:
        while True:
            self._jobs.get()()
            with self._lock:
                self._idle += 1


def _timed_out(start_response: Callable) -> list[bytes]:
    status, body, headers = render_refusal("request.timeout")
    start_response(
        "408 Request Timeout",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close"),
         ("Cache-Control", "no-store"), *headers.items()],
    )
    return [body]


def body_deadline(app: WSGIApplication, timeout: float, limit: int) -> WSGIApplication:
    """Wrap a WSGI app so that bodies (up to `limit` bytes; larger ones are the app's 413) must arrive
    within `timeout` seconds (0: no deadline)."""
    if timeout <= 0:
        return app
    readers = _Readers(MAX_READERS)

    def guarded(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        raw_length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = int(raw_length) if raw_length.isdigit() else None
        if (length is None and not chunked) or (length is not None and not 0 < length <= limit):
            return app(environ, start_response)
        parts: list[bytes] = []
        # Held until the reader is done: a plain lock is the cheapest hand-off (an Event is a Condition
        # with a lock of its own and a list of waiters).
        done = threading.Lock()
        done.acquire()
        stream = environ["wsgi.input"]
        if not readers.submit(lambda: _read(stream, length, limit, parts, done)):
            return app(environ, start_response)  # every reader waits on a slow client: no deadline
        if not done.acquire(timeout=timeout):
            return _timed_out(start_response)
        data = b"".join(parts)
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = True
        return app(environ, start_response)

    return guarded
