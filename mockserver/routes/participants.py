"""Routes of /participants/npq and the participant actions (sections 6.5 to 6.10)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request

from mockserver.jsonapi import data_attributes, page_params, time_filter
from mockserver.routes.common import body, context, new_blueprint, ok, record_id, route
from mockserver.services import participants as service

blueprint = new_blueprint("v1_participants")


@route(blueprint, "/participants/npq", "GET")
def index() -> Response:
    """R-70: a page of the provider's participants (filter[updated_since] only)."""
    page, per_page = page_params(request.args)
    updated_since = time_filter(request.args, "updated_since")
    return ok(service.list_participants(context(), updated_since=updated_since, page=page, per_page=per_page))


@blueprint.get("/participants/npq/<user_id>", provide_automatic_options=False)
def show(user_id: str) -> Response:
    """R-71."""
    return ok(service.show_participant(context(), record_id(user_id)))


def _action(name: str, use_case: Callable[..., dict[str, Any]]) -> None:
    def handler(user_id: str) -> Response:
        attributes = data_attributes(body(), optional=False)  # before the lookup
        return ok(use_case(context(), record_id(user_id), attributes))

    handler.__doc__ = f"PUT .../{name} (section 6)."
    handler.__name__ = name.replace("-", "_")
    route(blueprint, f"/participants/npq/<user_id>/{name}", "PUT")(handler)


_action("defer", service.defer)
_action("resume", service.resume)
_action("withdraw", service.withdraw)
_action("change-schedule", service.change_schedule)
