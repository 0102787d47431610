"""What every testing-API route shares: the blueprint, JSON answers, body reading, context, errors."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Blueprint, Response, request

from mockserver import world as mock_world
from mockserver.seeding.factory import InvalidAttribute
from mockserver.services.context import Context

blueprint = Blueprint("testing_api", __name__, url_prefix="/__mock__")
BAD_STRUCTURE = "correct json data structure required. See API docs for reference"


class BadBody(Exception):
    """A body that is not the JSON object the endpoint needs (400)."""


def json_answer(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, content_type="application/json",
                    headers={"Cache-Control": "no-store"})


@blueprint.errorhandler(InvalidAttribute)
def _invalid(error: InvalidAttribute) -> Response:
    return json_answer({"errors": [{"title": error.attribute, "detail": error.detail}]}, 422)


@blueprint.errorhandler(BadBody)
def _bad_body(_error: BadBody) -> Response:
    return json_answer({"errors": [{"title": "Bad request", "detail": BAD_STRUCTURE}]}, 400)


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
                   provider_id=provider_id, server_date=request.headers.get("X-With-Server-Date"))


def document(data: dict[str, Any], status: int = 200) -> Response:
    # orjson.dumps({"data": ...}) is exactly what the v1 routes send, so the bytes match GET's.
    return json_answer({"data": data}, status)


