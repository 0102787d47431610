"""Misbehaving servers (not wrong answers but bad behaviour): WSGI middleware around the mock for the suite's
"never hangs, never cries wolf" self-tests (tests/contract_tests/test_pathological.py) and the timing
campaign (benchmarks/suite_vs_pathological.py).

Only `/api/...` misbehaves; `/__mock__/` keeps working, so the suite sets up as it would against the mock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

WSGIApp = Callable[..., Iterable[bytes]]
RELEASE = threading.Event()  # set at teardown: lets hung requests end


def _api(environ: dict[str, Any]) -> bool:
    return environ.get("PATH_INFO", "").startswith("/api/")


def _lists(environ: dict[str, Any]) -> bool:
    path = environ.get("PATH_INFO", "").rstrip("/")
    return _api(environ) and environ["REQUEST_METHOD"] == "GET" and path.endswith(
        ("npq-applications", "participants/npq", "participant-declarations", "outcomes"))


def ignores_page(app: WSGIApp) -> WSGIApp:
    """Every list answers page 1 whatever page[page] says: its pages never end, each repeats the first."""

    def wrapped(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if _lists(environ):
            query = [(k, v) for k, v in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
                     if k != "page[page]"]
            environ = dict(environ, QUERY_STRING=urlencode(query))
        return app(environ, start_response)

    return wrapped


def huge_page(size: int) -> Callable[[WSGIApp], WSGIApp]:
    """Lists answer a `size`-byte JSON body (a long string of padding inside a valid envelope)."""

    def wrap(app: WSGIApp) -> WSGIApp:
        def wrapped(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
            if not _lists(environ):
                return app(environ, start_response)
            head, tail = b'{"data":[],"padding":"', b'"}'
            start_response("200 OK", [("Content-Type", "application/json"),
                                      ("Content-Length", str(size))])
            filler = size - len(head) - len(tail)
            return [head, *(b"x" * min(1 << 20, filler - i) for i in range(0, filler, 1 << 20)), tail]

        return wrapped

    return wrap


def slow(seconds: float) -> Callable[[WSGIApp], WSGIApp]:
    """Every API answer is `seconds` late, and right."""

    def wrap(app: WSGIApp) -> WSGIApp:
        def wrapped(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
            if _api(environ):
                time.sleep(seconds)  # the fault itself: a slow server
            return app(environ, start_response)

        return wrapped

    return wrap


def hangs(app: WSGIApp) -> WSGIApp:
    """Every API request but the suite's first probe is accepted and never answered (until teardown)."""

    def wrapped(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if _api(environ) and environ.get("QUERY_STRING") != "page%5Bper_page%5D=1":
            HUNG.append(environ.get("PATH_INFO"))
            RELEASE.wait(600)
        return app(environ, start_response)

    return wrapped


HUNG: list[Any] = []


def closes(app: WSGIApp) -> WSGIApp:
    """Every API answer promises a body and the connection closes after its first bytes."""

    def wrapped(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not _api(environ):
            return app(environ, start_response)
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", "100000")])
        return [b'{"data":[']

    return wrapped


def html(app: WSGIApp) -> WSGIApp:
    """Every API request answers 200 with an HTML page (a captive portal, a proxy's error page)."""

    def wrapped(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not _api(environ):
            return app(environ, start_response)
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [b"<!doctype html><html><body><h1>Sign in</h1></body></html>"]

    return wrapped


def redirects(app: WSGIApp) -> WSGIApp:
    """Every API request is redirected to a sign-in page."""

    def wrapped(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if not _api(environ):
            return app(environ, start_response)
        start_response("302 Found", [("Location", "/sign-in"), ("Content-Type", "text/html")])
        return [b"<a href='/sign-in'>moved</a>"]

    return wrapped


@dataclass(frozen=True)
class Pathology:
    name: str
    wrap: Callable[[WSGIApp], WSGIApp]
    says: tuple[str, ...]  # one of these must be in the run's output: the finding named as what it is
    fails: bool = True


PATHOLOGIES = [
    Pathology("ignores_page", ignores_page, ("R-33",)),
    Pathology("huge_page", huge_page(3 * 1024 * 1024), ("answered more than",)),
    Pathology("slow", slow(0.05), (), fails=False),
    Pathology("hangs", hangs, ("no answer within",)),
    Pathology("closes_connections", closes, ("connection failed or was cut", "cannot reach")),
    Pathology("answers_html", html, ("R-20",)),
    Pathology("redirects", redirects, ("302",)),
]
