"""Deliberately broken servers: WSGI middleware around the mock, each breaking one rule of v1."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

WSGIApp = Callable[..., Iterable[bytes]]
Response = tuple[str, list[tuple[str, str]], bytes]


def call(app: WSGIApp, environ: dict[str, Any]) -> Response:
    """Run the wrapped app and buffer its whole answer."""
    captured: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
        captured["status"], captured["headers"] = status, list(headers)
        return lambda data: None

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return captured["status"], captured["headers"], body


def answer(start_response: Callable, resp: Response) -> list[bytes]:
    status, headers, body = resp
    headers = [(k, v) for k, v in headers if k.lower() != "content-length"] + [
        ("Content-Length", str(len(body)))
    ]
    start_response(status, headers)
    return [body]


def json_response(status: str, payload: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return status, (headers or []) + [("Content-Type", "application/json")], json.dumps(payload).encode()


def middleware(
    transform: Callable[[WSGIApp, dict[str, Any]], Response],
) -> Callable[[WSGIApp], WSGIApp]:
    """Turn `transform(app, environ) -> response` into a middleware factory."""

    def wrap(app: WSGIApp) -> WSGIApp:
        def wrapped(environ: dict[str, Any], start_response: Callable) -> list[bytes]:
            return answer(start_response, transform(app, environ))

        return wrapped

    return wrap


def edit_json(resp: Response, edit: Callable[[Any], Any]) -> Response:
    status, headers, body = resp
    ctype = next((v for k, v in headers if k.lower() == "content-type"), "")
    if "json" not in ctype or not body:
        return resp
    return status, headers, json.dumps(edit(json.loads(body))).encode()


def records(payload: Any) -> list[dict]:
    data = payload.get("data") if isinstance(payload, dict) else None
    if isinstance(data, dict):
        return [data]
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def with_query(
    environ: dict[str, Any], edit: Callable[[list[tuple[str, str]]], list[tuple[str, str]]]
) -> dict:
    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return dict(environ, QUERY_STRING=urlencode(edit(query)))


def path_is(environ: dict[str, Any], pattern: str, method: str | None = None) -> bool:
    if method and environ["REQUEST_METHOD"] != method:
        return False
    return re.fullmatch(pattern, environ.get("PATH_INFO", "")) is not None


def request_json(method: str, path: str, environ: dict[str, Any], body: Any = None) -> dict[str, Any]:
    """A new environ for an internal call carrying the same credentials."""
    import io

    raw = json.dumps(body).encode() if body is not None else b""
    env = dict(environ)
    env.update(REQUEST_METHOD=method, PATH_INFO=path, QUERY_STRING="", CONTENT_LENGTH=str(len(raw)))
    env["CONTENT_TYPE"] = "application/json"
    env["wsgi.input"] = io.BytesIO(raw)
    return env


UUID = r"[0-9a-fA-F-]{36}"
