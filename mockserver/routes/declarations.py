"""Routes of /participant-declarations (sections 6.11 to 6.13)."""

from __future__ import annotations

from flask import Response, request

from mockserver.jsonapi import data_attributes, page_params, participant_filter, render_csv, time_filter
from mockserver.routes.common import body, context, csv_ok, new_blueprint, ok, record_id, route
from mockserver.serializers import DECLARATION_CSV_COLUMNS
from mockserver.services import declarations as service

blueprint = new_blueprint("v1_declarations")


@blueprint.get("/participant-declarations", provide_automatic_options=False)
def index() -> Response:
    """R-107: a page of the provider's declarations."""
    args = request.args
    page, per_page = page_params(args)
    updated_since, participants = time_filter(args, "updated_since"), participant_filter(args)
    return ok(
        service.list_declarations(
            context(), updated_since=updated_since, participant_ids=participants, page=page, per_page=per_page
        )
    )


@blueprint.get("/participant-declarations.csv", provide_automatic_options=False)
def index_csv() -> Response:
    """R-31: every matching declaration as CSV; no rows gives an empty body."""
    args = request.args
    updated_since, participants = time_filter(args, "updated_since"), participant_filter(args)
    rows = service.declarations_csv(context(), updated_since=updated_since, participant_ids=participants)
    return csv_ok(render_csv(DECLARATION_CSV_COLUMNS, rows, header_when_empty=False))


@route(blueprint, "/participant-declarations", "POST")
def create() -> Response:
    """R-79..R-106."""
    return ok(service.create_declaration(context(), data_attributes(body(), optional=False)))


@blueprint.get("/participant-declarations/<declaration_id>", provide_automatic_options=False)
def show(declaration_id: str) -> Response:
    """R-108."""
    return ok(service.show_declaration(context(), record_id(declaration_id)))


@route(blueprint, "/participant-declarations/<declaration_id>/void", "PUT")
def void(declaration_id: str) -> Response:
    """R-109..R-112; the body is ignored."""
    return ok(service.void_declaration(context(), record_id(declaration_id)))
