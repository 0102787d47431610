"""What every API route shares: the version, auth hook, request context, body reading, ids and responses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import orjson
from flask import Blueprint, Response, g, request

from mockserver import world
from mockserver.auth import authenticate
from mockserver.domain.uuids import is_uuid
from mockserver.errors import ApiError
from mockserver.jsonapi import CSV_TYPE, JSON_TYPE, envelope
from mockserver.services.context import Context
from mockserver.versions import ApiVersion

View = Callable[..., Response]
_JSON_TYPES = ("application/json", "text/x-json", "application/jsonrequest")


def new_blueprint(name: str, api: ApiVersion) -> Blueprint:
    """A blueprint of one API version whose requests are authenticated (R-12), bodies parsed once."""
    blueprint = Blueprint(f"{api.name}_{name}", __name__, url_prefix=api.prefix)
    blueprint.before_request(partial(_before, api))
    return blueprint


def _before(api: ApiVersion) -> None:
    g.csv_url = request.path.endswith(".csv") and api.csv
    g.api = api
    conn = world.connection()
    mock = world.state()
    provider = authenticate(conn, request.headers.get("Authorization"), mock.tokens)
    g.context = Context(
        conn=conn,
        catalogs=mock.catalogs,
        provider_id=provider,
        server_date=request.headers.get("X-With-Server-Date"),
        api=api,
    )
    g.body = _parse_body()


def _is_json(content_type: str | None) -> bool:
    if not content_type:
        return True
    mime = content_type.split(";", 1)[0].strip().lower()
    return mime in _JSON_TYPES or mime.endswith("+json")


def _parse_body() -> object:
    """The JSON body (None when empty or not JSON-typed); malformed JSON is a 400."""
    if request.method in ("GET", "HEAD") and not request.content_length:
        return None
    raw = request.get_data(cache=True)
    if not raw.strip() or not _is_json(request.content_type):
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ApiError.of("request.malformed_json") from None


def context() -> Context:
    """This request's use-case context."""
    return g.context


def views() -> Any:
    """The representation of this request's API version (under the world's settings)."""
    return g.api.views(lambda: g.context.settings)


def body() -> object:
    """This request's parsed JSON body (None when absent)."""
    return g.body


def record_id(raw: str) -> str:
    """A record id from the URL: `.csv` dropped (R-03), lower-cased; non-UUIDs are 404 (R-15)."""
    if raw.endswith(".csv"):
        raw = raw[:-4]
    if not is_uuid(raw):
        raise ApiError.of("resource.not_found")
    return raw.lower()


def ok(data: Any) -> Response:
    """200 with {"data": ...} as application/json without charset (R-20, R-21)."""
    return Response(envelope(data), 200, content_type=JSON_TYPE)


def csv_ok(payload: bytes) -> Response:
    """200 with a CSV body."""
    return Response(payload, 200, content_type=CSV_TYPE)


def both(rule: str) -> Sequence[str]:
    """The rule and its `.csv` form (JSON actions still answer JSON, R-03)."""
    return (rule, rule + ".csv")


def route(blueprint: Blueprint, rule: str, method: str) -> Callable[[View], View]:
    """Register a view for a rule and its `.csv` twin, one HTTP method, no automatic OPTIONS (R-02)."""

    def register(view: View) -> View:
        for suffix, path in zip(("", "_csv"), both(rule), strict=True):
            blueprint.add_url_rule(
                path,
                endpoint=view.__name__ + suffix,
                view_func=view,
                methods=[method],
                provide_automatic_options=False,
            )
        return view

    return register


def dump(payload: Any) -> bytes:
    """Compact JSON bytes."""
    return orjson.dumps(payload)
