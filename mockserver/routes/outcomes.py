"""Routes of the outcomes (section 6.14); the collection route is matched before {id} (R-01)."""

from __future__ import annotations

from flask import Response, request

from mockserver.jsonapi import data_attributes, page_params, time_filter
from mockserver.routes.common import body, context, new_blueprint, ok, record_id, route
from mockserver.services import outcomes as service

blueprint = new_blueprint("v1_outcomes")


@route(blueprint, "/participants/npq/outcomes", "GET")
def index() -> Response:
    """R-113: every outcome on the provider's declarations."""
    page, per_page = page_params(request.args)
    created_since = time_filter(request.args, "created_since")
    return ok(service.list_outcomes(context(), created_since=created_since, page=page, per_page=per_page))


@route(blueprint, "/participants/npq/<user_id>/outcomes", "GET")
def participant_index(user_id: str) -> Response:
    """R-114."""
    page, per_page = page_params(request.args)
    return ok(service.participant_outcomes(context(), record_id(user_id), page=page, per_page=per_page))


@route(blueprint, "/participants/npq/<user_id>/outcomes", "POST")
def create(user_id: str) -> Response:
    """R-115..R-119: body checked before the participant lookup."""
    attributes = data_attributes(body(), optional=False)
    return ok(service.create_outcome(context(), record_id(user_id), attributes))
