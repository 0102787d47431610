"""CSV exports (R-30, R-31): documented columns, and the rows are the JSON records."""

from __future__ import annotations

import csv
import io

import pytest

from contract_tests import expect
from contract_tests.client import Client
from contract_tests.records import all_records

pytestmark = [pytest.mark.quick]
APP_COLUMNS = [
    "id",
    "participant_id",
    "full_name",
    "email",
    "email_validated",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "school_urn",
    "school_ukprn",
    "private_childcare_provider_urn",
    "headteacher_status",
    "eligible_for_funding",
    "funded_place",
    "funding_choice",
    "course_identifier",
    "status",
    "works_in_school",
    "employer_name",
    "employment_role",
    "created_at",
    "updated_at",
    "cohort",
    "ineligible_for_funding_reason",
    "targeted_delivery_funding_eligibility",
    "teacher_catchment",
    "teacher_catchment_country",
    "teacher_catchment_iso_country_code",
    "itt_provider",
    "lead_mentor",
]
DECL_COLUMNS = [
    "id",
    "participant_id",
    "declaration_type",
    "course_identifier",
    "declaration_date",
    "state",
    "has_passed",
    "voided",
    "eligible_for_payment",
    "updated_at",
]
# Columns documented to differ between CSV and JSON (R-30: stored eligibility, user's plain updated_at).
APP_CSV_ONLY_SEMANTICS = {"eligible_for_funding", "updated_at"}


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _rows(api: Client, path: str, rule: str) -> tuple[list[str], list[dict[str, str]], object]:
    reply = api.get(path)
    expect.status(reply, 200, rule)
    expect.equal(reply.media_type, "text/csv", rule, "Content-Type", reply)
    if not reply.text.strip():
        return [], [], reply
    reader = csv.reader(io.StringIO(reply.text))
    header = next(reader)
    return header, [dict(zip(header, row, strict=False)) for row in reader if row], reply


@pytest.mark.rule("R-30", "applications CSV: documented columns, one row per JSON record, same values")
def test_r30_applications_csv(api: Client) -> None:
    header, rows, reply = _rows(api, "/api/v1/npq-applications.csv", "R-30 applications CSV")
    expect.equal(header, APP_COLUMNS, "R-30 applications CSV columns", "header row", reply)  # type: ignore[arg-type]
    records = all_records(api, "/api/v1/npq-applications")
    expect.equal(
        [r["id"] for r in rows],
        [a["id"] for a in records],
        "R-30 CSV rows are the JSON records",
        "ids in order",
        reply,
    )  # type: ignore[arg-type]
    for row, record in zip(rows, records, strict=True):
        for column in APP_COLUMNS[1:]:
            if column in APP_CSV_ONLY_SEMANTICS:
                continue
            expect.equal(
                row[column],
                _cell(record["attributes"].get(column)),
                "R-30 CSV values match JSON",
                f"{column} of {record['id']}",
                reply,
            )  # type: ignore[arg-type]


@pytest.mark.rule("R-31", "declarations CSV: documented columns, same rows and values as JSON")
def test_r31_declarations_csv(api: Client) -> None:
    header, rows, reply = _rows(api, "/api/v1/participant-declarations.csv", "R-31 declarations CSV")
    records = all_records(api, "/api/v1/participant-declarations")
    if not records:
        expect.equal(rows, [], "R-31 empty CSV when no declarations", "rows", reply)  # type: ignore[arg-type]
        return
    expect.equal(header, DECL_COLUMNS, "R-31 declarations CSV columns", "header row", reply)  # type: ignore[arg-type]
    expect.equal(
        [r["id"] for r in rows],
        [d["id"] for d in records],
        "R-31 CSV rows are the JSON records",
        "ids in order",
        reply,
    )  # type: ignore[arg-type]
    for row, record in zip(rows, records, strict=True):
        for column in DECL_COLUMNS[1:]:
            expect.equal(
                row[column],
                _cell(record["attributes"].get(column)),
                "R-31 CSV values match JSON",
                f"{column} of {record['id']}",
                reply,
            )  # type: ignore[arg-type]


@pytest.mark.rule("R-30", "CSV honours filter[cohort] like JSON")
def test_r30_csv_cohort_filter(api: Client) -> None:
    records = all_records(api, "/api/v1/npq-applications", {"filter[cohort]": "2023"})
    reply = api.get("/api/v1/npq-applications.csv", params={"filter[cohort]": "2023"})
    expect.status(reply, 200, "R-30 CSV filter")
    got = [row["id"] for row in csv.DictReader(io.StringIO(reply.text))]
    expect.equal(got, [a["id"] for a in records], "R-30 CSV filter[cohort]", "ids", reply)
