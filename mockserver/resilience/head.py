"""Limits on a request's head for the served mock: enormous query strings and header sections get a clear
4xx in the API's envelope rather than granian's empty one.

granian (hyper) refuses a request head bigger than its HTTP/1 buffer with an empty 431, a URI over 65,534
bytes with an empty 414 and more than 100 header lines with an empty 431, and none of these can be
configured to say more. serve.py raises the buffer to SERVER_BUFFER_BYTES, so a header section up to that
size reaches the app; this middleware answers 431 beyond MAX_HEADER_BYTES and 414 for a query string
beyond MAX_QUERY_BYTES (below hyper's URI bound), both in the API's envelope (errors.REFUSALS). Only the
served app is wrapped (mockserver/wsgi.py): in-process, a WSGI caller's requests are whatever it makes
them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from mockserver.errors import render_refusal

if TYPE_CHECKING:  # the standard WSGI callable's type (typeshed's stubs; nothing at run time)
    from _typeshed.wsgi import WSGIApplication

SERVER_BUFFER_BYTES = 2 * 1024 * 1024
MAX_HEADER_BYTES = 64 * 1024
MAX_QUERY_BYTES = 32 * 1024


def _refused(code: str, start_response: Callable) -> list[bytes]:
    status, body, headers = render_refusal(code)
    reason = "URI Too Long" if status == 414 else "Request Header Fields Too Large"
    start_response(f"{status} {reason}", [
        ("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close"),
        ("Cache-Control", "no-store"), *headers.items(),
    ])
    return [body]


def head_limit(app: WSGIApplication) -> WSGIApplication:
    """Wrap a WSGI app: 414 for a query string over MAX_QUERY_BYTES, 431 for header values (together) over
    MAX_HEADER_BYTES."""

    def limited(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if len(environ.get("QUERY_STRING", "")) > MAX_QUERY_BYTES:
            return _refused("request.uri_too_long", start_response)
        if sum(len(value) for name, value in environ.items() if name[:5] == "HTTP_") > MAX_HEADER_BYTES:
            return _refused("request.headers_too_large", start_response)
        return app(environ, start_response)

    return limited
