"""Routes of /statements (v3 only; V-39, V-72)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mockserver.jsonapi import cohort_filter, page_params, time_filter
from mockserver.routes.common import context, new_blueprint, ok, record_id, route, views
from mockserver.services import statements as service
from mockserver.versions import ApiVersion


def index() -> Response:
    """V-72: a page of the provider's output-fee statements by payment date; filters in V-41's order."""
    args = request.args
    cohorts, updated_since = cohort_filter(args), time_filter(args, "updated_since")
    page, per_page = page_params(args)
    rows = service.list_statements(
        context(), cohorts=cohorts, updated_since=updated_since, page=page, per_page=per_page
    )
    shown = views()
    return ok([shown.statement(row) for row in rows])


def show(statement_id: str) -> Response:
    """V-72: one output-fee statement of the provider."""
    return ok(views().statement(service.show_statement(context(), record_id(statement_id))))


def build(api: ApiVersion) -> Blueprint:
    """The statement routes of one API version."""
    blueprint = new_blueprint("statements", api)
    route(blueprint, "/statements", "GET")(index)
    route(blueprint, "/statements/<statement_id>", "GET")(show)
    return blueprint
