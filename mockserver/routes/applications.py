"""Routes of /npq-applications (v1 sections 6.1 to 6.4; V-54..V-57) and v2's enrolments CSV (V-25)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from werkzeug.datastructures import MultiDict

from mockserver.jsonapi import (
    attribute,
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
    sort_param,
    views,
)
from mockserver.services import applications as service
from mockserver.services.context import Context
from mockserver.versions import ApiVersion


def _applications(ctx: Context, representation: Any, args: MultiDict) -> list[bytes]:
    """R-45, V-57: a page of the provider's applications. V-41: filters left to right (cohort,
    participant_id, updated_since), then pagination."""
    cohorts = cohort_filter(args)
    participants = participant_filter(args) if ctx.rules.v3_filters else None
    updated_since = time_filter(args, "updated_since")
    page, per_page = page_params(args)
    return service.list_applications(
        ctx,
        cohorts=cohorts,
        updated_since=updated_since,
        page=page,
        per_page=per_page,
        shown=shown(representation.application, representation),
        participant_ids=participants,
        sort=sort_param(args),
    )


def index_csv() -> Response:
    """R-30: every matching application as CSV, header always present."""
    args, shown = request.args, views()
    cohorts, updated_since = cohort_filter(args), time_filter(args, "updated_since")
    lines = csv_shown(shown.application_csv_row)
    batches = service.all_applications(context(), cohorts=cohorts, updated_since=updated_since, lines=lines)
    return csv_ok(csv_body(shown.application_csv_columns, batches))


def enrolments_csv() -> Response:
    """V-25: the provider's accepted applications as CSV, header always present (v2 only)."""
    shown, updated_since = views(), time_filter(request.args, "updated_since")
    lines = csv_shown(shown.enrolment_csv_row)
    batches = service.enrolments(context(), updated_since=updated_since, lines=lines)
    return csv_ok(csv_body(shown.enrolment_csv_columns, batches))


def enrolments_json() -> Response:
    """V-06: without `.csv` the route exists but only answers CSV: 406, empty body (after authentication)."""
    return Response(b"", 406)


def _application(ctx: Context, representation: Any, app_id: str) -> bytes:
    """R-46."""
    return service.application_body(ctx, app_id, shown(representation.application, representation))


def _attributes(app_id: str) -> tuple[str, object]:
    """Lookup first (404), then the optional body's attributes (400 when data lacks attributes)."""
    found = record_id(app_id)
    service.check_application(context(), found)
    return found, data_attributes(body(), optional=True)


def _funded_place(app_id: str) -> tuple[str, object]:
    found, attributes = _attributes(app_id)
    return found, attribute(attributes, "funded_place")


def accept(app_id: str) -> Response:
    """R-50..R-58; V-54 (the rule set decides whether schedule_identifier is read)."""
    found, attributes = _attributes(app_id)
    funded_place = attribute(attributes, "funded_place")
    schedule = attribute(attributes, "schedule_identifier")
    return ok(views().application(service.accept_application(context(), found, funded_place, schedule)))


def reject(app_id: str) -> Response:
    """R-60..R-62; the body is ignored."""
    return ok(views().application(service.reject_application(context(), record_id(app_id))))


def change_funded_place(app_id: str) -> Response:
    """R-65..R-69."""
    found, funded_place = _funded_place(app_id)
    return ok(views().application(service.change_funded_place(context(), found, funded_place)))


def build(api: ApiVersion) -> Blueprint:
    """The application routes of one API version."""
    blueprint = new_blueprint("applications", api)
    # V-05: a v3 `.csv` URL answers the JSON list
    page_route(blueprint, api, "/npq-applications", _applications, csv_twin=not api.csv)
    if api.csv:
        blueprint.add_url_rule("/npq-applications.csv", view_func=index_csv, provide_automatic_options=False)
    if api.name == "v2":
        for rule, view in (("/npq-enrolments.csv", enrolments_csv), ("/npq-enrolments", enrolments_json)):
            blueprint.add_url_rule(rule, view_func=view, provide_automatic_options=False)
    record_route(blueprint, api, "/npq-applications", _application)
    route(blueprint, "/npq-applications/<app_id>/accept", "POST")(accept)
    route(blueprint, "/npq-applications/<app_id>/reject", "POST")(reject)
    route(blueprint, "/npq-applications/<app_id>/change-funded-place", "PUT")(change_funded_place)
    return blueprint
