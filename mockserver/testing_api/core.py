"""The testing API's core routes (design/testing-api.md): lead providers, reset, clock, settings, world,
documents, applications and DfE's payment processing."""

from __future__ import annotations

import random

from flask import Response, request

from mockserver import world as mock_world
from mockserver.auth import token_from_header
from mockserver.errors import InvalidAttribute
from mockserver.representations.v1 import V1
from mockserver.resilience import hooks as rate_switches
from mockserver.seed import pools_for, reset_world, world_info
from mockserver.seeding.factory import ATTRIBUTES, make_application
from mockserver.seeding.timeline import iso
from mockserver.services.applications import show_application
from mockserver.services.declarations import show_declaration
from mockserver.services.statements import sync_items
from mockserver.store import bulk, testing_rows
from mockserver.store import worlds as world_registry
from mockserver.store.db import get_setting, set_setting, write_transaction
from mockserver.testing_api.common import BadBody, blueprint, context, document, json_answer, read_body
from mockserver.testing_api.hooks import current_settings, move_declaration, parse_clock, update_settings
from npq_lead_provider_kit.resources import openapi_dir


@blueprint.get("/lead-providers")
def lead_providers() -> Response:
    """Every provider with a working bearer token."""
    rows = bulk.provider_tokens(mock_world.connection())
    return json_answer({"data": [{"id": i, "name": n, "token": t} for i, n, t in rows]})


@blueprint.post("/reset")
def reset() -> Response:
    """The whole world back to its seeded state (optionally another seed, or reference data only)."""
    body = read_body(required=False)
    seed, empty = body.get("seed"), body.get("empty", False)
    if seed is not None and (type(seed) is not int or seed < 0):
        raise InvalidAttribute("seed", "must be a non-negative integer")
    if type(empty) is not bool:
        raise InvalidAttribute("empty", "must be true or false")
    conn, world_id, mock = mock_world.connection(), mock_world.current_world(), mock_world.state()
    if world_id is None:
        info = reset_world(conn, seed=seed, empty=empty, configured_seed=mock.settings.seed)
    else:  # a created world returns to its own seed, and its providers keep the world's tokens
        registry = mock_world.registry_connection()
        made_with = world_registry.get(registry, world_id) or {}
        info = reset_world(conn, seed=seed, empty=empty, configured_seed=made_with.get("seed"))
        with write_transaction(conn):
            mock.worlds.retoken(registry, world_id, conn)
    mock.tokens.forget()
    total = bulk.application_count(conn)
    return json_answer({"seed": info["seed"], "empty": empty, "applications": total})


@blueprint.get("/clock")
def get_clock() -> Response:
    """The frozen "now", or null when the server follows real time."""
    return json_answer({"now": get_setting(mock_world.connection(), "clock")})


@blueprint.put("/clock")
def put_clock() -> Response:
    """Freeze the server's "now" (null: real time again), for every worker process."""
    value = parse_clock(read_body())
    conn = mock_world.connection()
    with write_transaction(conn):
        set_setting(conn, "clock", value)
    return json_answer({"now": value})


@blueprint.get("/settings")
def get_settings() -> Response:
    """The switches of the simulated service."""
    return json_answer({**current_settings(mock_world.connection()), **rate_switches.current_switches()})


@blueprint.put("/settings")
def put_settings() -> Response:
    """Change some switches; answers with all of them."""
    body, conn = read_body(), mock_world.connection()
    rate_limit = rate_switches.validate_switches(body)  # R-17's switches live beside the world
    with write_transaction(conn):
        update_settings(conn, mock_world.state().reference, body)
        settings = current_settings(conn)
    rate_switches.store_switches(rate_limit)
    return json_answer({**settings, **rate_switches.current_switches()})


@blueprint.get("/world", endpoint="world")
def world_view() -> Response:
    """How the world was made (seed, size) and its records counted by state."""
    conn = mock_world.connection()
    return json_answer({**world_info(conn), "counts": bulk.world_counts(conn)})


@blueprint.get("/openapi/<name>")
def openapidocument(name: str) -> Response:
    """The kit's OpenAPI documents (each API version's contract, the testing API's), e.g. for Schemathesis."""
    documents = {path.name: path for path in openapi_dir().glob("*.yaml")}
    if name not in documents:
        return json_answer({"error": "Resource not found"}, 404)
    return Response(documents[name].read_bytes(), content_type="application/yaml",
                    headers={"Cache-Control": "no-store"})


MAX_BATCH = 5000  # one transaction; above R-33's page cap, so a provider can hold more than one full page


def _calling_provider() -> str | None:
    conn = mock_world.connection()
    return mock_world.state().tokens.provider(conn, token_from_header(request.headers.get("Authorization")))


def _attributes(resource: object, label: str = "") -> dict:
    """The attributes of one {"attributes": {...}} resource ({} when it has none).

    A bad resource is a 400 for the single form, and a 422 naming its place (`data[3]`) in a batch."""
    attributes = resource.get("attributes", {}) if isinstance(resource, dict) else None
    if isinstance(attributes, dict):
        return attributes
    if label:
        raise InvalidAttribute(label.rstrip("."), "must be an object with an \"attributes\" object")
    raise BadBody()


def _create(provider_id: str, attributes: dict, label: str = "") -> str:
    """One application for provider_id from testing-API attributes (caller's transaction); its id.

    `label` ("data[3].") prefixes the attribute named by a 422, so a batch says which record was wrong."""
    conn, now = mock_world.connection(), context().now
    info = world_info(conn)
    seed, serial = info.get("seed", 1), info.get("created", 0)
    # One generator per created record, keyed by world seed and serial: the same calls after the same
    # reset give the same records whichever worker process answers them.
    rng = random.Random(f"{seed}:application:{serial}")
    try:
        app_id = make_application(conn, rng, provider_id, ref=mock_world.state().reference,
                                  pools=pools_for(seed), now=now,
                                  **{k: v for k, v in attributes.items() if k in ATTRIBUTES})
    except InvalidAttribute as error:
        if not label:
            raise
        raise InvalidAttribute(label + error.attribute, error.detail) from None
    set_setting(conn, "world", {**info, "created": serial + 1})
    return app_id


@blueprint.post("/applications")
def create_application() -> Response:
    """Create an application owned by the bearer token's provider; 201 with it as v1 shows it."""
    provider_id = _calling_provider()
    if provider_id is None:
        return json_answer({"error": "HTTP Token: Access denied"}, 401)
    body = read_body(required=False)
    attributes = _attributes(body.get("data", {})) if body else {}
    with write_transaction(mock_world.connection()):
        app_id = _create(provider_id, attributes)
    return document(V1.application(show_application(context(provider_id), app_id)), 201)


@blueprint.post("/applications/batch")
def create_applications() -> Response:
    """Create up to MAX_BATCH applications in one transaction (all or none); 201 with them as v1 shows
    them, in the order given."""
    provider_id = _calling_provider()
    if provider_id is None:
        return json_answer({"error": "HTTP Token: Access denied"}, 401)
    resources = read_body().get("data")
    if not isinstance(resources, list) or not 1 <= len(resources) <= MAX_BATCH:
        raise InvalidAttribute("data", f"must be a list of 1 to {MAX_BATCH} objects with \"attributes\"")
    batch = [_attributes(resource, f"data[{index}].") for index, resource in enumerate(resources)]
    with write_transaction(mock_world.connection()):
        ids = [_create(provider_id, attributes, f"data[{index}].") for index, attributes in enumerate(batch)]
    ctx = context(provider_id)
    return json_answer({"data": [V1.application(show_application(ctx, app_id)) for app_id in ids]}, 201)


@blueprint.put("/declarations/<declaration_id>/state")
def declaration_state(declaration_id: str) -> Response:
    """DfE's payment processing: move a declaration to eligible, payable, paid or on to a claw-back."""
    body, ctx = read_body(), context()
    target, conn = body.get("state"), ctx.conn
    with write_transaction(conn):
        seed = world_info(conn).get("seed", 1)
        rng = random.Random(f"{seed}:declaration:{declaration_id}:{target}")
        reference = mock_world.state().reference
        before = testing_rows.declaration_row(conn, declaration_id)
        found = move_declaration(conn, reference, declaration_id, target, iso(ctx.now), rng)
        if found and before is not None and before["state"] != target:
            sync_items(ctx, before, str(target))  # its statement items follow (V-94)
    if not found:
        return json_answer({"error": "Resource not found"}, 404)
    owner = testing_rows.declaration_row(conn, declaration_id)["lead_provider_id"]
    return document(V1.declaration(show_declaration(context(owner), declaration_id)))
