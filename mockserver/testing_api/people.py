"""Testing API additions for v2/v3 (design/testing-api.md): DfE's moves of people and applications -
transfers (V-99), participant-id changes (V-98), name changes (previous names, V-14). Answers are records
as /api/v3 shows them."""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response, request

from mockserver import world as mock_world
from mockserver.auth import token_from_header
from mockserver.domain.uuids import is_uuid
from mockserver.errors import InvalidAttribute
from mockserver.jsonapi import SERVER_DATE_HEADER
from mockserver.seeding.factory import rfc3339
from mockserver.seeding.timeline import iso
from mockserver.services.applications import show_application
from mockserver.services.context import Context
from mockserver.services.participants import participant_record
from mockserver.store import dfe_rows
from mockserver.store.db import write_transaction
from mockserver.testing_api.common import blueprint, document, json_answer, read_body
from mockserver.versions import V3_API

NOT_FOUND = {"error": "Resource not found"}


def _v3_context(provider_id: str = "") -> Context:
    return Context(conn=mock_world.connection(), catalogs=mock_world.state().catalogs,
                   provider_id=provider_id, server_date=request.headers.get(SERVER_DATE_HEADER), api=V3_API)


def _v3_views(ctx: Context) -> Any:
    return V3_API.views(lambda: ctx.settings)


def _id(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not is_uuid(value):
        raise InvalidAttribute(name, "must be a UUID")
    return str(value).lower()


def _when(body: dict[str, Any], ctx: Context) -> str:
    return iso(rfc3339("changed_at", body["changed_at"])) if body.get("changed_at") is not None \
        else ctx.now_stamp


@blueprint.post("/applications/<app_id>/transfer")
def transfer_application(app_id: str) -> Response:
    """DfE moves an application (status, schedule, training status) to another provider."""
    body = read_body()
    provider_id = _id(body, "lead_provider_id")
    ctx = _v3_context(provider_id)
    conn = ctx.conn
    if not dfe_rows.provider_exists(conn, provider_id):
        raise InvalidAttribute("lead_provider_id", "must be the id of a lead provider")
    app_id = app_id.lower()
    with write_transaction(conn):
        if dfe_rows.application_owner(conn, app_id) is None:
            return json_answer(NOT_FOUND, 404)
        dfe_rows.transfer_application(conn, app_id, provider_id, ctx.now_stamp)
    return document(_v3_views(ctx).application(show_application(ctx, app_id)))


@blueprint.post("/participant-id-changes")
def change_participant_id() -> Response:
    """The `from` person (if any) is merged into the `to` person; the `from` id is retired."""
    body = read_body()
    from_id, to_id = _id(body, "from_participant_id"), _id(body, "to_participant_id")
    if from_id == to_id:
        raise InvalidAttribute("to_participant_id", "must differ from from_participant_id")
    ctx = _v3_context()
    at, conn = _when(body, ctx), ctx.conn
    with write_transaction(conn):
        if not dfe_rows.user_exists(conn, to_id):
            raise InvalidAttribute("to_participant_id", "must be the id of an existing participant")
        if dfe_rows.user_exists(conn, from_id):
            dfe_rows.merge_people(conn, from_id, to_id)
        dfe_rows.add_id_change(conn, to_id, from_id, to_id, at)
    return json_answer({"from_participant_id": from_id, "to_participant_id": to_id, "changed_at": at}, 201)


@blueprint.put("/participants/<user_id>")
def rename_participant(user_id: str) -> Response:
    """The person's name changes; the old one becomes a previous name. Answers the participant as v3 shows
    it to the bearer's provider (else to the provider of their first accepted application)."""
    body = read_body()
    name = body.get("full_name")
    if not isinstance(name, str) or not name.strip():
        raise InvalidAttribute("full_name", "must be a non-empty string")
    conn = mock_world.connection()
    token = token_from_header(request.headers.get("Authorization"))
    provider_id = mock_world.state().tokens.provider(conn, token) if token else None
    user_id = user_id.lower()
    ctx = _v3_context()
    at = _when(body, ctx)
    with write_transaction(conn):
        user = dfe_rows.participant_row(conn, user_id) if is_uuid(user_id) else None
        if user is None:
            return json_answer(NOT_FOUND, 404)
        previous = orjson.loads(user["previous_names"] or "[]")
        if name.strip() != user["full_name"]:
            previous.append(user["full_name"])
            dfe_rows.rename(conn, user_id, name.strip(), orjson.dumps(previous).decode(), at)
        ctx.provider_id = provider_id or dfe_rows.first_accepting_provider(conn, user_id) or ""
        record = participant_record(ctx, user_id)
    return document(_v3_views(ctx).participant(record))
