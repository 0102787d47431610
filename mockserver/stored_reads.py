"""Pages and records answered in front of Flask when nothing but the stored bodies is asked for.

`GET /api/<version>/<collection>` (a page) and `.../<collection>/<id>` (one record) are what a provider's
client asks most, and their answers are stored bodies (mockserver/store/rendered.py): the work is one or
two indexed queries. Flask's request cycle and the mock's hooks around it (world binding, faults, R-17,
V-31's filter check, authentication, body parsing, headers, the journal) cost about twice a record's
query and half a page's. This WSGI layer answers the plain cases itself, calling the same functions the
Flask views call (routes/common.record_route and page_route list them: query arguments, filters, paging
and their refusals are theirs), and hands every other request to Flask unchanged:

- not a GET, a body, or any of the headers that change what a request does (X-NPQ-Mock-World,
  X-NPQ-Mock-Fault, X-With-Server-Date); a query string on a record;
- a path that is not exactly a version's page or a record of it with a UUID id (`.csv`, a trailing slash,
  anything else: Flask's routing decides);
- a token that is no live world's (401);
- a fault profile or R-17 in force in the token's world (they count and may refuse requests);
- any refusal (404, V-53's 410, V-31's 400, a bad filter or page): Flask answers it with its error
  handling, headers and rule codes;
- the process's first answers, before the journal has read the world's providers.

What it answers is what Flask would: the same status, headers and body, and the same journal entry
(tests/mockserver/test_stored_reads.py compares the two for every case above).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask
from werkzeug.wrappers import Request

from mockserver import world
from mockserver.auth import token_from_header
from mockserver.domain.uuids import is_uuid
from mockserver.errors import ApiError
from mockserver.jsonapi import JSON_TYPE, SERVER_DATE_HEADER, list_envelope, record_envelope
from mockserver.pages.journal import journal
from mockserver.resilience.hooks import resilience
from mockserver.resilience.profile import FAULT_HEADER
from mockserver.routes.common import filter_is_object, read_routes
from mockserver.services.context import Context
from mockserver.versions import ApiVersion

if TYPE_CHECKING:  # the standard WSGI callable's type (typeshed's stubs; nothing at run time)
    from _typeshed.wsgi import WSGIApplication

log = logging.getLogger(__name__)
# (the request's context, its version's representation) -> the envelope's JSON
Render = Callable[[Context, Any], bytes]


def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


# Headers that change what a request does (and a chunked body): such requests go through Flask.
_OWN_HEADERS = tuple(
    _environ_key(h) for h in (world.WORLD_HEADER, FAULT_HEADER, SERVER_DATE_HEADER, "Transfer-Encoding")
)


def stored_reads(app: Flask, flask_app: WSGIApplication) -> WSGIApplication:
    """`flask_app` (the app's WSGI callable) with plain record and page GETs answered in front of it."""
    mock = world.state_of(app)

    def read_of(environ: dict[str, Any]) -> tuple[ApiVersion, Render] | None:
        """The version and the rendering of this request's answer; None when the request is not a plain
        read (Flask answers it)."""
        if (environ.get("REQUEST_METHOD") != "GET" or environ.get("CONTENT_LENGTH") not in (None, "", "0")
                or any(name in environ for name in _OWN_HEADERS)):
            return None
        routes, path = read_routes(app), environ.get("PATH_INFO", "")
        listed = routes.pages.get(path)
        if listed is not None:
            api, bodies_of = listed
            args = Request(environ, populate_request=False, shallow=True).args  # as Flask parses them

            def page(ctx: Context, representation: Any) -> bytes:
                if ctx.rules.filter_must_be_object and not filter_is_object(args):
                    raise ApiError.of("filter.not_object")  # V-31: Flask answers it
                return list_envelope(bodies_of(ctx, representation, args))

            return api, page
        collection, _, raw_id = path.rpartition("/")
        found = routes.records.get(collection)
        if found is None or environ.get("QUERY_STRING") or not is_uuid(raw_id):
            return None
        api, body_of = found
        return api, lambda ctx, representation: record_envelope(body_of(ctx, representation, raw_id.lower()))

    def answer(environ: dict[str, Any]) -> bytes | None:
        read = read_of(environ)
        if read is None:
            return None
        api, render = read
        token = token_from_header(environ.get("HTTP_AUTHORIZATION"))
        world_id = world.world_of_token(mock, token)  # as Flask's first hook decides it
        if not resilience(app).quiet(world_id):
            return None
        chosen = mock.of_world(world_id)
        conn = chosen.connections.get()
        provider = chosen.tokens.provider(conn, token)
        book = journal(app)
        if provider is None or (book is not None and not book.knows(provider)):
            return None
        ctx = Context(conn=conn, catalogs=chosen.catalogs, api=api, provider_id=provider)
        try:
            body = render(ctx, api.views(lambda: ctx.settings))
        except ApiError:
            return None  # Flask answers refusals, with its headers and rule codes
        if book is not None:
            book.note(environ, provider, 200, "", b"", JSON_TYPE, body, world_id)
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
