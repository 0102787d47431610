"""Routes of the outcomes (v1 section 6.14, V-60, V-61); the collection matches before {id} (R-01)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mockserver.jsonapi import data_attributes, page_params, time_filter
from mockserver.routes.common import body, context, new_blueprint, ok, record_id, route, views
from mockserver.services import outcomes as service
from mockserver.versions import ApiVersion


def index() -> Response:
    """R-113: every outcome on the provider's declarations."""
    page, per_page = page_params(request.args)
    created_since = time_filter(request.args, "created_since")
    rows = service.list_outcomes(context(), created_since=created_since, page=page, per_page=per_page)
    shown = views()
    return ok([shown.outcome(row) for row in rows])


def participant_index(user_id: str) -> Response:
    """R-114."""
    page, per_page = page_params(request.args)
    rows = service.participant_outcomes(context(), record_id(user_id), page=page, per_page=per_page)
    shown = views()
    return ok([shown.outcome(row) for row in rows])


def create(user_id: str) -> Response:
    """R-115..R-119: body checked before the participant lookup."""
    attributes = data_attributes(body(), optional=False)
    return ok(views().outcome(service.create_outcome(context(), record_id(user_id), attributes)))


def build(api: ApiVersion) -> Blueprint:
    """The outcome routes of one API version."""
    blueprint = new_blueprint("outcomes", api)
    route(blueprint, "/participants/npq/outcomes", "GET")(index)
    route(blueprint, "/participants/npq/<user_id>/outcomes", "GET")(participant_index)
    route(blueprint, "/participants/npq/<user_id>/outcomes", "POST")(create)
    return blueprint
