"""A deadline on reading request bodies: a client that sends its body slowly is answered 408 and dropped.

granian hands a request to the app as soon as its headers are in and its WSGI `wsgi.input.read()` blocks
the worker's one thread until the body arrives: with no deadline of its own (its HTTP/1 settings bound
only the headers), one client trickling a body stalled every request of that worker (measured: 10 s
timeouts for other clients while one body was held half-sent). This WSGI middleware reads the body in a
helper thread first; if it is not all there within `timeout` seconds the answer is 408 with
`Connection: close`, the worker moves on, and the helper thread ends when the connection does.

Off by default (`--body-timeout S` turns it on). Measured (benchmarks/campaigns.py cutoffs): one trickled
body at a time is answered 408 after S seconds, but when two or more are cut off at once in one granian
worker, the worker stops answering (the 408s are not sent and later requests hang): granian does not
tolerate a response while another thread is still blocked in `wsgi.input.read()`. What protects the
mock instead is `--threads` (4 per worker by default: a worker outlasts 3 trickling clients, each holding
one thread until it finishes or disconnects) and granian's 10 s header deadline. On an untrusted network,
put a buffering proxy (nginx) in front.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from typing import Any

import orjson

WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]
CHUNK = 64 * 1024


def _read(stream: Any, length: int | None, limit: int, into: list[bytes], done: threading.Event) -> None:
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
        done.set()


def body_deadline(app: WSGIApp, timeout: float, limit: int) -> WSGIApp:
    """Wrap a WSGI app so that bodies (up to `limit` bytes; larger ones are the app's 413) must arrive
    within `timeout` seconds."""

    def guarded(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        raw_length = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        length = int(raw_length) if raw_length.isdigit() else None
        if (
            timeout <= 0
            or (length is None and not chunked)
            or (length is not None and not 0 < length <= limit)
        ):
            return app(environ, start_response)
        parts: list[bytes] = []
        done = threading.Event()
        threading.Thread(
            target=_read,
            args=(environ["wsgi.input"], length, limit, parts, done),
            name="npq-body",
            daemon=True,
        ).start()
        if not done.wait(timeout):
            body = orjson.dumps({"error": "Request timeout"})
            start_response(
                "408 Request Timeout",
                [
                    ("Content-Type", "application/json"),
                    ("Content-Length", str(len(body))),
                    ("Connection", "close"),
                    ("Cache-Control", "no-store"),
                    ("X-NPQ-Mock-Rule", "request.timeout"),
                ],
            )
            return [body]
        data = b"".join(parts)
        environ["wsgi.input"] = io.BytesIO(data)
        environ["CONTENT_LENGTH"] = str(len(data))
        environ.pop("HTTP_TRANSFER_ENCODING", None)
        environ["wsgi.input_terminated"] = True
        return app(environ, start_response)

    return guarded
