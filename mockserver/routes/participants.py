"""Routes of /participants/npq and the participant actions (v1 sections 6.5 to 6.10; V-58, V-59)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response
from werkzeug.datastructures import MultiDict

from mockserver.errors import ApiError
from mockserver.jsonapi import data_attributes, nested_param, page_params, time_filter
from mockserver.routes.common import (
    body,
    context,
    new_blueprint,
    ok,
    page_route,
    record_id,
    record_route,
    route,
    shown,
    sort_param,
    views,
)
from mockserver.services import participants as service
from mockserver.services.context import Context
from mockserver.versions import ApiVersion

TRAINING_STATUSES = ("active", "deferred", "withdrawn")


def _participants(ctx: Context, representation: Any, args: MultiDict) -> list[bytes]:
    """R-70: a page of the provider's participants; v3 adds training_status, from_participant_id and sort.
    V-41: updated_since, then training_status (422), then pagination."""
    updated_since = time_filter(args, "updated_since")
    training_status = from_id = None
    if ctx.rules.v3_filters:
        training_status = _training_status(args)
        raw = nested_param(args, "filter", "from_participant_id")
        from_id = raw if isinstance(raw, str) and raw.strip() else None
    page, per_page = page_params(args)
    return service.list_participants(
        ctx,
        updated_since=updated_since,
        page=page,
        per_page=per_page,
        shown=shown(representation.participant, representation),
        training_status=training_status,
        from_participant_id=from_id,
        sort=sort_param(args),
    )


def _training_status(args: Any) -> str | None:
    """V-35: exactly active, deferred or withdrawn (blank: no filter); anything else is a 422."""
    raw = nested_param(args, "filter", "training_status")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str) or raw not in TRAINING_STATUSES:
        raise ApiError.of("filter.training_status_invalid")
    return raw


def _participant(ctx: Context, representation: Any, user_id: str) -> bytes:
    """R-71."""
    return service.participant_body(ctx, user_id, shown(representation.participant, representation))


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
    page_route(blueprint, api, "/participants/npq", _participants, csv_twin=True)
    record_route(blueprint, api, "/participants/npq", _participant)
    for name, use_case in ACTIONS.items():
        route(blueprint, f"/participants/npq/<user_id>/{name}", "PUT")(_action(name, use_case))
    return blueprint
