"""Routes of /npq-applications (sections 6.1 to 6.4)."""

from __future__ import annotations

from flask import Response, request

from mockserver.jsonapi import attribute, cohort_filter, data_attributes, page_params, render_csv, time_filter
from mockserver.routes.common import body, context, csv_ok, new_blueprint, ok, record_id, route
from mockserver.serializers import APPLICATION_CSV_COLUMNS
from mockserver.services import applications as service

blueprint = new_blueprint("v1_applications")


@blueprint.get("/npq-applications", provide_automatic_options=False)
def index() -> Response:
    """R-45: a page of the provider's applications."""
    args = request.args
    page, per_page = page_params(args)
    cohorts, updated_since = cohort_filter(args), time_filter(args, "updated_since")
    return ok(
        service.list_applications(
            context(), cohorts=cohorts, updated_since=updated_since, page=page, per_page=per_page
        )
    )


@blueprint.get("/npq-applications.csv", provide_automatic_options=False)
def index_csv() -> Response:
    """R-30: every matching application as CSV, header always present."""
    args = request.args
    cohorts, updated_since = cohort_filter(args), time_filter(args, "updated_since")
    rows = service.applications_csv(context(), cohorts=cohorts, updated_since=updated_since)
    return csv_ok(render_csv(APPLICATION_CSV_COLUMNS, rows))


@blueprint.get("/npq-applications/<app_id>", provide_automatic_options=False)
def show(app_id: str) -> Response:
    """R-46."""
    return ok(service.show_application(context(), record_id(app_id)))


def _funded_place(app_id: str) -> tuple[str, object]:
    """Lookup first (404), then the optional body's funded_place (400 when data lacks attributes)."""
    ctx, found = context(), record_id(app_id)
    service.show_application(ctx, found)
    return found, attribute(data_attributes(body(), optional=True), "funded_place")


@route(blueprint, "/npq-applications/<app_id>/accept", "POST")
def accept(app_id: str) -> Response:
    """R-50..R-58."""
    found, funded_place = _funded_place(app_id)
    return ok(service.accept_application(context(), found, funded_place))


@route(blueprint, "/npq-applications/<app_id>/reject", "POST")
def reject(app_id: str) -> Response:
    """R-60..R-62; the body is ignored."""
    return ok(service.reject_application(context(), record_id(app_id)))


@route(blueprint, "/npq-applications/<app_id>/change-funded-place", "PUT")
def change_funded_place(app_id: str) -> Response:
    """R-65..R-69."""
    found, funded_place = _funded_place(app_id)
    return ok(service.change_funded_place(context(), found, funded_place))
