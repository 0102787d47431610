"""What every API route shares: the version, auth hook, request context, body reading, ids and responses."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import orjson
from flask import Blueprint, Flask, Response, g, request
from werkzeug.datastructures import MultiDict

from mockserver import world
from mockserver.auth import authenticate
from mockserver.domain.uuids import is_uuid
from mockserver.errors import ApiError
from mockserver.jsonapi import (
    CSV_TYPE,
    JSON_TYPE,
    SERVER_DATE_HEADER,
    csv_lines,
    envelope,
    list_envelope,
    record_envelope,
)
from mockserver.services.context import Context
from mockserver.services.rendering import Lines, Shown
from mockserver.versions import ApiVersion, view_number

View = Callable[..., Response]
# (the request's context, its version's representation, the record's id) -> the record's JSON
RecordBody = Callable[[Context, Any, str], bytes]
# (the request's context, its version's representation, the query's arguments) -> the page's records' JSON
PageBodies = Callable[[Context, Any, MultiDict], list[bytes]]
READ_ROUTES = "npq_read_routes"
_JSON_TYPES = ("application/json", "text/x-json", "application/jsonrequest")


@dataclass
class ReadRoutes:
    """The GET routes answered from stored bodies, by path (`/api/v3/npq-applications`): what
    mockserver/stored_reads.py may answer itself, with the very functions the Flask views call."""

    records: dict[str, tuple[ApiVersion, RecordBody]] = field(default_factory=dict)
    pages: dict[str, tuple[ApiVersion, PageBodies]] = field(default_factory=dict)


def read_routes(app: Flask) -> ReadRoutes:
    """The app's ReadRoutes (an empty set until blueprints register theirs)."""
    return app.extensions.setdefault(READ_ROUTES, ReadRoutes())


def new_blueprint(name: str, api: ApiVersion) -> Blueprint:
    """A blueprint of one API version whose requests are authenticated (R-12), bodies parsed once."""
    blueprint = Blueprint(f"{api.name}_{name}", __name__, url_prefix=api.prefix)
    blueprint.before_request(partial(_before, api))
    return blueprint


def filter_is_object(args: MultiDict) -> bool:
    """V-31's test of the query: `filter`, when present, must be nested (`filter[x]=...`); `?filter=abc`,
    `?filter=` and `?filter[]=x` are not."""
    keys = list(args.keys())
    return "filter" not in keys and not any(k.startswith("filter[]") for k in keys)


def _before(api: ApiVersion) -> None:
    g.csv_url = request.path.endswith(".csv") and api.csv
    g.api = api
    conn = world.connection()
    mock = world.state()
    ctx = Context(
        conn=conn,
        catalogs=mock.catalogs,
        server_date=request.headers.get(SERVER_DATE_HEADER),
        api=api,
    )
    if ctx.rules.filter_must_be_object and not _filter_is_object():
        raise ApiError.of("filter.not_object")  # V-31: before authentication
    # Without the check (v1, v2, v3 of Aug 2025) the real service answers 500 for a scalar `filter` on
    # endpoints that dig into it and ignores it elsewhere (V-31). The mock ignores it everywhere: a
    # deliberate deviation, so that no input makes the mock answer 500.
    ctx.provider_id = authenticate(conn, request.headers.get("Authorization"), mock.tokens)
    g.context = ctx
    g.body = _parse_body()


def _filter_is_object() -> bool:
    """V-31: `filter`, when present in the query or the JSON body, must be a nested object."""
    if not filter_is_object(request.args):
        return False
    if request.content_length and _is_json(request.content_type):
        try:
            parsed = orjson.loads(request.get_data(cache=True))
        except orjson.JSONDecodeError:
            return True  # the body's own 400 comes later, after authentication
        if isinstance(parsed, dict) and "filter" in parsed and not isinstance(parsed["filter"], dict):
            return False
    return True


def sort_param(args: MultiDict) -> str | None:
    """V-33: the raw `sort` value; `sort[]=x` is dropped by parameter permitting (None: default order)."""
    values = args.getlist("sort")
    return values[-1] if values else None


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


def shown(show: Callable[[Any], dict[str, Any]], representation: Any = None) -> Shown:
    """How this request's version shows a record of a list (a function of `representation`, by default
    views()) and the view number of its stored bodies."""
    return Shown(show, view_number(views() if representation is None else representation))


def csv_shown(row: Callable[[Any], Sequence[Any]]) -> Lines:
    """How this request's version writes a record of a CSV export (`row`: a function of views() giving its
    cells) and the view number its stored lines are kept under."""
    return Lines(csv_lines(row), view_number(row))


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


def ok_record(item: bytes) -> Response:
    """200 with {"data": ...} of a record already rendered as JSON (R-20, R-21)."""
    return Response(record_envelope(item), 200, content_type=JSON_TYPE)


def ok_list(items: list[bytes]) -> Response:
    """200 with {"data": [...]} of records already rendered as JSON (R-20, R-21)."""
    return Response(list_envelope(items), 200, content_type=JSON_TYPE)


def csv_ok(chunks: Iterator[bytes]) -> Response:
    """200 with a CSV body, sent as it is made."""
    return Response(chunks, 200, content_type=CSV_TYPE)


def record_route(blueprint: Blueprint, api: ApiVersion, collection: str, body_of: RecordBody) -> None:
    """GET <collection>/<id>: one record, as `body_of` renders it.

    The app also lists `body_of` under the collection's path (read_routes), so that
    mockserver/stored_reads.py answers the plain case of this request with the very same function,
    without Flask's request cycle. The rule's `<raw_id>` also matches "<id>.csv" (R-03, V-05):
    record_id drops the suffix."""

    def show(raw_id: str) -> Response:
        return ok_record(body_of(context(), views(), record_id(raw_id)))

    blueprint.add_url_rule(f"{collection}/<raw_id>", endpoint="show", view_func=show,
                           provide_automatic_options=False)
    blueprint.record_once(lambda setup: read_routes(setup.app).records.update(
        {api.prefix + collection: (api, body_of)}))


def page_route(blueprint: Blueprint, api: ApiVersion, collection: str, bodies_of: PageBodies, *,
               csv_twin: bool) -> None:
    """GET <collection>: a page of records, as `bodies_of` renders them from the query's arguments (and,
    with `csv_twin`, the same JSON page at <collection>.csv). Listed for mockserver/stored_reads.py, as
    record_route's."""

    def index() -> Response:
        return ok_list(bodies_of(context(), views(), request.args))

    if csv_twin:
        route(blueprint, collection, "GET")(index)
    else:
        blueprint.add_url_rule(collection, view_func=index, provide_automatic_options=False)
    blueprint.record_once(lambda setup: read_routes(setup.app).pages.update(
        {api.prefix + collection: (api, bodies_of)}))


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
