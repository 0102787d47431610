"""The facts the domain's table tests start from: one accepted application, which each table varies with
`dataclasses.replace` (a funded place, a pending status, ...) so that every table names only what it needs."""

from __future__ import annotations

from mockserver.domain.models import Application

ACCEPTED_APPLICATION = Application(
    id="a",
    user_id="u",
    lead_provider_id="p",
    course_identifier="npq-headship",
    cohort=2025,
    status="accepted",
    training_status="active",
    schedule_cohort=2025,
    schedule_identifier="npq-leadership-autumn",
    funded_place=None,
    eligible_for_funding=True,
    funding_eligibility_status_code=None,
    teacher_catchment="england",
    created_at="2025-05-01T00:00:00Z",
    updated_at="2025-05-01T00:00:00Z",
)
