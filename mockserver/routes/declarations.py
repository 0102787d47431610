"""Routes of /participant-declarations (v1 sections 6.11 to 6.13; V-62..V-70)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from mockserver.jsonapi import (
    cohort_filter,
    csv_body,
    data_attributes,
    page_params,
    participant_filter,
    time_filter,
)
from mockserver.routes.common import (
    body,
    context,
    csv_ok,
    csv_shown,
    new_blueprint,
    ok,
    page_route,
    record_id,
    record_route,
    route,
    shown,
    views,
)
from mockserver.services import declarations as service
from mockserver.services.context import Context
from mockserver.versions import ApiVersion


def _declarations(ctx: Context, representation: Any, args: MultiDict) -> list[bytes]:
    """R-107: a page of the provider's declarations."""
    page, per_page = page_params(args)
    updated_since, participants = time_filter(args, "updated_since"), participant_filter(args)
    cohorts = cohort_filter(args, arrays=True) if ctx.rules.declaration_cohort_filter else None
    return service.list_declarations(
        ctx,
        updated_since=updated_since,
        participant_ids=participants,
        cohorts=cohorts,
        page=page,
        per_page=per_page,
        shown=shown(representation.declaration, representation),
    )


def index_csv() -> Response:
    """R-31, V-24: every matching declaration as CSV; no rows gives an empty body."""
    args = request.args
    updated_since, participants = time_filter(args, "updated_since"), participant_filter(args)
    shown = views()
    batches = service.declarations_csv(context(), updated_since=updated_since, participant_ids=participants,
                                       lines=csv_shown(shown.declaration_csv_row))
    return csv_ok(csv_body(shown.declaration_csv_columns, batches, header_when_empty=False))


def create() -> Response:
    """R-79..R-106."""
    attributes = data_attributes(body(), optional=False)
    return ok(views().declaration(service.create_declaration(context(), attributes)))


def _declaration(ctx: Context, representation: Any, declaration_id: str) -> bytes:
    """R-108."""
    return service.declaration_body(ctx, declaration_id, shown(representation.declaration, representation))


def void(declaration_id: str) -> Response:
    """R-109..R-112; the body is ignored."""
    return ok(views().declaration(service.void_declaration(context(), record_id(declaration_id))))


def change_delivery_partner(declaration_id: str) -> Response:
    """V-68..V-70: 404, then 403 for another provider's declaration, then the body (400), then the rules."""
    ctx, found = context(), record_id(declaration_id)
    service.check_owner(ctx, found)
    attributes = data_attributes(body(), optional=False)
    return ok(views().declaration(service.change_delivery_partner(ctx, found, attributes)))


def build(api: ApiVersion) -> Blueprint:
    """The declaration routes of one API version."""
    blueprint = new_blueprint("declarations", api)
    page_route(blueprint, api, "/participant-declarations", _declarations, csv_twin=not api.csv)  # V-05
    if api.csv:
        blueprint.add_url_rule(
            "/participant-declarations.csv", view_func=index_csv, provide_automatic_options=False
        )
    route(blueprint, "/participant-declarations", "POST")(create)
    record_route(blueprint, api, "/participant-declarations", _declaration)
    route(blueprint, "/participant-declarations/<declaration_id>/void", "PUT")(void)
    if api.rules({}).delivery_partner_input:
        route(blueprint, "/participant-declarations/<declaration_id>/change-delivery-partner", "PUT")(
            change_delivery_partner
        )
    return blueprint
