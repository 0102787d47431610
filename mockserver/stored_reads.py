"""One record by id, answered in front of Flask when nothing but the record is asked for.

`GET /api/<version>/<collection>/<id>` is the request a provider's client makes most, and its answer is a
stored body (mockserver/store/rendered.py): the work is one indexed query. Flask's request cycle and the
mock's hooks around it (world binding, faults, R-17, V-31's filter check, authentication, body parsing,
headers, the journal) cost about three times that query. This WSGI layer answers the plain case itself,
calling the same functions the Flask route calls (routes/common.record_route lists them), and hands every
other request to Flask unchanged:

- not a GET, a query string, a body, or any of the headers that change what a request does
  (X-NPQ-Mock-World, X-NPQ-Mock-Fault, X-With-Server-Date);
- a path that is not exactly a record of a version's collection with a UUID id (`.csv`, a trailing
  slash, anything else: Flask's routing decides);
- a token that is not one of the default world's (a created world's token, an unknown one: 401);
- a fault profile or R-17 in force in the default world (they count and may refuse requests);
- any refusal (404, V-53's 410): Flask answers it with its error handling, headers and rule codes;
- the process's first answers, before the journal has read the world's providers.

What it answers is what Flask would: the same status, headers and body, and the same journal entry
(tests/mockserver/test_stored_reads.py compares the two for every case above).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask

from mockserver import world
from mockserver.auth import token_from_header
from mockserver.domain.uuids import is_uuid
from mockserver.errors import ApiError
from mockserver.jsonapi import JSON_TYPE, record_envelope
from mockserver.pages.journal import journal
from mockserver.resilience.hooks import resilience
from mockserver.routes.common import RECORD_READERS
from mockserver.services.context import Context
from mockserver.versions import VERSIONS

log = logging.getLogger(__name__)
WSGIApp = Callable[[dict[str, Any], Callable], Iterable[bytes]]
_RECORD = re.compile(r"/api/(v[0-9]+)(/.+)/([^/]+)\Z")
# Headers that change what a request does: such requests go through Flask.
_OWN_HEADERS = ("HTTP_X_NPQ_MOCK_WORLD", "HTTP_X_NPQ_MOCK_FAULT", "HTTP_X_WITH_SERVER_DATE",
                "HTTP_TRANSFER_ENCODING")
_APIS = {api.name: api for api in VERSIONS}


def stored_reads(app: Flask, flask_app: WSGIApp) -> WSGIApp:
    """`flask_app` (the app's WSGI callable) with plain record GETs answered in front of it."""
    mock = world.state_of(app)

    def answer(environ: dict[str, Any]) -> bytes | None:
        if (environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING")
                or environ.get("CONTENT_LENGTH") not in (None, "", "0")
                or any(name in environ for name in _OWN_HEADERS)):
            return None
        matched = _RECORD.match(environ.get("PATH_INFO", ""))
        if matched is None:
            return None
        version, collection, raw_id = matched.groups()
        body_of = app.extensions.get(RECORD_READERS, {}).get((version, collection))
        book = journal(app)
        if body_of is None or not is_uuid(raw_id) or not resilience(app).default_world_quiet():
            return None
        default = mock.of_world(None)
        conn = default.connections.get()
        provider = default.tokens.provider(conn, token_from_header(environ.get("HTTP_AUTHORIZATION")))
        if provider is None or (book is not None and not book.knows(provider)):
            return None
        api = _APIS[version]
        ctx = Context(conn=conn, catalogs=default.catalogs, api=api, provider_id=provider)
        try:
            body = record_envelope(body_of(ctx, api.views(lambda: ctx.settings), raw_id.lower()))
        except ApiError:
            return None  # Flask answers refusals, with its headers and rule codes
        if book is not None:
            book.note(environ, provider, 200, "", b"", JSON_TYPE, body, None)
        return body

    def serve(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        try:
            body = answer(environ)
        except Exception:  # never worse than Flask: it answers (or reports) whatever went wrong here
            log.exception("stored read failed; Flask answers %s", environ.get("PATH_INFO"))
            body = None
        if body is None:
            return flask_app(environ, start_response)
        start_response("200 OK", [("Content-Type", JSON_TYPE), ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-store")])
        return [body]

    return serve
