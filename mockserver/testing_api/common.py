"""What every testing-API route shares: the blueprint, JSON answers, body reading, context, errors."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request

from mockserver import world as mock_world
from mockserver.errors import ApiError, Violation
from mockserver.jsonapi import SERVER_DATE_HEADER
from mockserver.services.context import Context

blueprint = Blueprint("testing_api", __name__, url_prefix="/__mock__")


class BadBody(ApiError):
    """A body that is not the JSON object the endpoint needs: the API's own 400 (R-72)."""

    def __init__(self) -> None:
        super().__init__([Violation("request.bad_json_structure")])


def json_answer(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, content_type="application/json")


@blueprint.after_request
def _never_cached(response: Response) -> Response:
    # Every answer of the testing API (its errors too, rendered by the app's one ApiError handler) is
    # the world's state at that moment.
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def read_body(required: bool = True) -> dict[str, Any]:
    """The request's JSON object; {} for an empty optional body."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        if required:
            raise BadBody()
        return {}
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadBody() from None
    if not isinstance(body, dict):
        raise BadBody()
    return body


def context(provider_id: str = "") -> Context:
    """Core's request context: the connection, reference catalog, and "now" (header, frozen clock, real)."""
    return Context(conn=mock_world.connection(), catalogs=mock_world.state().catalogs,
                   provider_id=provider_id, server_date=request.headers.get(SERVER_DATE_HEADER))


def document(data: dict[str, Any], status: int = 200) -> Response:
    # orjson.dumps({"data": ...}) is exactly what the v1 routes send, so the bytes match GET's.
    return json_answer({"data": data}, status)


