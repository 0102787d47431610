"""The mock-only testing API under /__mock__/ (design/testing-api.md): set up records, move DfE state."""

from __future__ import annotations

import random
from typing import Any

import orjson
from flask import Blueprint, Response, request

from mockserver import world as mock_world
from mockserver.auth import token_from_header
from mockserver.representations.v1 import V1
from mockserver.seed import pools_for, reset_world, world_info
from mockserver.seeding.factory import ATTRIBUTES, InvalidAttribute, make_application
from mockserver.seeding.timeline import iso
from mockserver.services.applications import show_application
from mockserver.services.context import Context
from mockserver.services.declarations import show_declaration
from mockserver.store import bulk, testing_rows
from mockserver.store.db import get_setting, set_setting, write_transaction
from mockserver.testing_hooks import current_settings, move_declaration, parse_clock, update_settings
from npq_lead_provider_kit.resources import openapi_dir

blueprint = Blueprint("testing_api", __name__, url_prefix="/__mock__")
BAD_STRUCTURE = "correct json data structure required. See API docs for reference"


class BadBody(Exception):
    """A body that is not the JSON object the endpoint needs (400)."""


def _json(body: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(body), status=status, content_type="application/json",
                    headers={"Cache-Control": "no-store"})


@blueprint.errorhandler(InvalidAttribute)
def _invalid(error: InvalidAttribute) -> Response:
    return _json({"errors": [{"title": error.attribute, "detail": error.detail}]}, 422)


@blueprint.errorhandler(BadBody)
def _bad_body(_error: BadBody) -> Response:
    return _json({"errors": [{"title": "Bad request", "detail": BAD_STRUCTURE}]}, 400)


def _body(required: bool = True) -> dict[str, Any]:
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


def _context(provider_id: str = "") -> Context:
    """Core's request context: the connection, reference catalog, and "now" (header, frozen clock, real)."""
    return Context(conn=mock_world.connection(), catalog=mock_world.state().catalog, provider_id=provider_id,
                   server_date=request.headers.get("X-With-Server-Date"))


def _document(data: dict[str, Any], status: int = 200) -> Response:
    # orjson.dumps({"data": ...}) is exactly what the v1 routes send, so the bytes match GET's.
    return _json({"data": data}, status)


@blueprint.get("/lead-providers")
def lead_providers() -> Response:
    """Every provider with a working bearer token."""
    rows = bulk.provider_tokens(mock_world.connection())
    return _json({"data": [{"id": i, "name": n, "token": t} for i, n, t in rows]})


@blueprint.post("/reset")
def reset() -> Response:
    """The whole world back to its seeded state (optionally another seed, or reference data only)."""
    body = _body(required=False)
    seed, empty = body.get("seed"), body.get("empty", False)
    if seed is not None and (type(seed) is not int or seed < 0):
        raise InvalidAttribute("seed", "must be a non-negative integer")
    if type(empty) is not bool:
        raise InvalidAttribute("empty", "must be true or false")
    conn = mock_world.connection()
    info = reset_world(conn, seed=seed, empty=empty, configured_seed=mock_world.state().settings.seed)
    mock_world.state().tokens.forget()
    total = bulk.application_count(conn)
    return _json({"seed": info["seed"], "empty": empty, "applications": total})


@blueprint.get("/clock")
def get_clock() -> Response:
    """The frozen "now", or null when the server follows real time."""
    return _json({"now": get_setting(mock_world.connection(), "clock")})


@blueprint.put("/clock")
def put_clock() -> Response:
    """Freeze the server's "now" (null: real time again), for every worker process."""
    value = parse_clock(_body())
    conn = mock_world.connection()
    with write_transaction(conn):
        set_setting(conn, "clock", value)
    return _json({"now": value})


@blueprint.get("/settings")
def get_settings() -> Response:
    """The switches of the simulated service."""
    return _json(current_settings(mock_world.connection()))


@blueprint.put("/settings")
def put_settings() -> Response:
    """Change some switches; answers with all of them."""
    body, conn = _body(), mock_world.connection()
    with write_transaction(conn):
        update_settings(conn, mock_world.state().reference, body)
        settings = current_settings(conn)
    return _json(settings)


@blueprint.get("/world", endpoint="world")
def world_view() -> Response:
    """How the world was made (seed, size) and its records counted by state."""
    conn = mock_world.connection()
    return _json({**world_info(conn), "counts": bulk.world_counts(conn)})


@blueprint.get("/openapi/<name>")
def openapi_document(name: str) -> Response:
    """The kit's OpenAPI documents (the v1 contract, this testing API), e.g. for Schemathesis."""
    documents = {path.name: path for path in openapi_dir().glob("*.yaml")}
    if name not in documents:
        return _json({"error": "Resource not found"}, 404)
    return Response(documents[name].read_bytes(), content_type="application/yaml",
                    headers={"Cache-Control": "no-store"})


@blueprint.post("/applications")
def create_application() -> Response:
    """Create an application owned by the bearer token's provider; 201 with it as v1 shows it."""
    conn = mock_world.connection()
    token = token_from_header(request.headers.get("Authorization"))
    provider_id = mock_world.state().tokens.provider(conn, token)
    if provider_id is None:
        return _json({"error": "HTTP Token: Access denied"}, 401)
    body = _body(required=False)
    data = body.get("data", {}) if body else {}
    attributes = data.get("attributes", {}) if isinstance(data, dict) else None
    if not isinstance(attributes, dict):
        raise BadBody()
    now = _context().now
    with write_transaction(conn):
        info = world_info(conn)
        seed, serial = info.get("seed", 1), info.get("created", 0)
        # One generator per created record, keyed by world seed and serial: the same calls after the same
        # reset give the same records whichever worker process answers them.
        rng = random.Random(f"{seed}:application:{serial}")
        app_id = make_application(conn, rng, provider_id, ref=mock_world.state().reference,
                                  pools=pools_for(seed), now=now,
                                  **{k: v for k, v in attributes.items() if k in ATTRIBUTES})
        set_setting(conn, "world", {**info, "created": serial + 1})
    return _document(V1.application(show_application(_context(provider_id), app_id)), 201)


@blueprint.put("/declarations/<declaration_id>/state")
def declaration_state(declaration_id: str) -> Response:
    """DfE's payment processing: move a declaration to eligible, payable, paid or on to a claw-back."""
    body, ctx = _body(), _context()
    target, conn = body.get("state"), ctx.conn
    with write_transaction(conn):
        seed = world_info(conn).get("seed", 1)
        rng = random.Random(f"{seed}:declaration:{declaration_id}:{target}")
        reference = mock_world.state().reference
        found = move_declaration(conn, reference, declaration_id, target, iso(ctx.now), rng)
    if not found:
        return _json({"error": "Resource not found"}, 404)
    owner = testing_rows.declaration_row(conn, declaration_id)["lead_provider_id"]
    return _document(V1.declaration(show_declaration(_context(owner), declaration_id)))
