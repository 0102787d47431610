"""Routes of /participants/npq and the participant actions (v1 sections 6.5 to 6.10; V-58, V-59)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from mockserver.jsonapi import data_attributes, page_params, time_filter
from mockserver.routes.common import body, context, new_blueprint, ok, record_id, route, views
from mockserver.services import participants as service
from mockserver.versions import ApiVersion


def index() -> Response:
    """R-70: a page of the provider's participants (filter[updated_since] only)."""
    page, per_page = page_params(request.args)
    updated_since = time_filter(request.args, "updated_since")
    records = service.list_participants(context(), updated_since=updated_since, page=page, per_page=per_page)
    shown = views()
    return ok([shown.participant(record) for record in records])


def show(user_id: str) -> Response:
    """R-71."""
    return ok(views().participant(service.show_participant(context(), record_id(user_id))))


def _action(name: str, use_case: Callable[..., Any]) -> Callable[[str], Response]:
    def handler(user_id: str) -> Response:
        attributes = data_attributes(body(), optional=False)  # before the lookup
        return ok(views().participant(use_case(context(), record_id(user_id), attributes)))

    handler.__doc__ = f"PUT .../{name} (section 6)."
    handler.__name__ = name.replace("-", "_")
    return handler


ACTIONS = {
    "defer": service.defer,
    "resume": service.resume,
    "withdraw": service.withdraw,
    "change-schedule": service.change_schedule,
}


def build(api: ApiVersion) -> Blueprint:
    """The participant routes of one API version."""
    blueprint = new_blueprint("participants", api)
    route(blueprint, "/participants/npq", "GET")(index)
    blueprint.add_url_rule("/participants/npq/<user_id>", view_func=show, provide_automatic_options=False)
    for name, use_case in ACTIONS.items():
        route(blueprint, f"/participants/npq/<user_id>/{name}", "PUT")(_action(name, use_case))
    return blueprint
