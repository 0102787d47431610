"""Routes of /delivery-partners (v3 only; V-22, V-40, V-74, V-75)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mockserver.domain.timeparse import ruby_to_i
from mockserver.jsonapi import nested_param, page_params
from mockserver.routes.common import context, new_blueprint, ok, record_id, route, views
from mockserver.services import delivery_partners as service
from mockserver.versions import ApiVersion


def _cohort(args: object) -> int | None:
    """V-40: one start year, cast as an integer (not split: "2023,2024" is 2023, "abc" matches nothing);
    blank or not a plain value (dropped by parameter permitting): no filter."""
    raw = nested_param(args, "filter", "cohort")  # type: ignore[arg-type]
    if not isinstance(raw, str) or not raw.strip():
        return None
    return ruby_to_i(raw)


def _sort() -> str | None:
    """V-33: `sort` as a plain value; `sort[]=x` is dropped by parameter permitting."""
    values = request.args.getlist("sort")
    return values[-1] if values else None


def index() -> Response:
    """V-74: a page of the partners partnered with the provider, `name` ascending by default."""
    args = request.args
    cohort = _cohort(args)
    page, per_page = page_params(args)
    found = service.list_partners(context(), cohort=cohort, sort=_sort(), page=page, per_page=per_page)
    shown = views()
    return ok([shown.delivery_partner(row, cohorts) for row, cohorts in found])


def show(partner_id: str) -> Response:
    """V-75: one partner partnered with the provider."""
    row, cohorts = service.show_partner(context(), record_id(partner_id))
    return ok(views().delivery_partner(row, cohorts))


def build(api: ApiVersion) -> Blueprint:
    """The delivery partner routes of one API version."""
    blueprint = new_blueprint("delivery_partners", api)
    route(blueprint, "/delivery-partners", "GET")(index)
    route(blueprint, "/delivery-partners/<partner_id>", "GET")(show)
    return blueprint
