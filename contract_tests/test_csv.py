"""CSV exports (R-30, R-31; v2: V-23..V-25, V-77): documented columns, and the rows are the JSON records.
v3 has no CSV: a `.csv` URL answers JSON (V-05)."""

from __future__ import annotations

import csv
import io

import pytest

from contract_tests import expect
from contract_tests.client import Client
from contract_tests.records import (
    DECLARATIONS_CSV,
    ENROLMENTS_CSV,
    all_records,
    enrolments,
    ids,
    judge_filter,
)

pytestmark = [pytest.mark.quick]
CSV_VERSIONS = pytest.mark.versions("v1", "v2", reason="v3 has no CSV exports, V-05")
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


def _judge_export(
    api: Client,
    path: str,
    rows: list[dict[str, str]],
    before: list[dict],
    columns: list[str],
    skip: set[str],
    rule: str,
    reply: object,
) -> None:
    """The CSV rows are the JSON records, in the same order with the same values.

    The CSV and the JSON pages are separate reads of live data, so the JSON is read before and after the
    CSV: a record created in between may or may not be in the CSV, and a record changed in between (its
    two JSON reads differ) is compared for presence and order only. Anything else must agree exactly.
    """
    after = all_records(api, path)
    then = {r["id"]: r for r in before}
    now = {r["id"]: r for r in after}
    got = [r["id"] for r in rows]
    missing = [i for i in then if i in now and i not in set(got)]
    unknown = [i for i in got if i not in now]
    expect.true(
        not missing and not unknown,
        f"{rule}: CSV rows are the JSON records",
        "one CSV row per JSON record",
        f"missing from CSV {missing[:3]}, not in JSON {unknown[:3]}",
        reply,  # type: ignore[arg-type]
    )
    stable = [i for i in got if i in then and then[i] == now.get(i)]
    order = [i for i in ids(before) if i in set(stable)]
    expect.equal(stable, order, f"{rule}: CSV rows in JSON order", "ids in order", reply)  # type: ignore[arg-type]
    for row in rows:
        record = then.get(row["id"])
        if record is None or record != now.get(row["id"]):
            continue  # changed while we read: its values belong to two different moments
        for column in columns[1:]:
            if column in skip:
                continue
            expect.equal(
                row.get(column),
                _cell(record["attributes"].get(column)),
                f"{rule}: CSV values match JSON",
                f"{column} of {record['id']}",
                reply,  # type: ignore[arg-type]
            )


@CSV_VERSIONS
@pytest.mark.rule("R-30", "applications CSV: documented columns, one row per JSON record, same values")
def test_r30_applications_csv(api: Client) -> None:
    before = all_records(api, "/api/v1/npq-applications")
    header, rows, reply = _rows(api, "/api/v1/npq-applications.csv", "R-30 applications CSV")
    expect.equal(header, APP_COLUMNS, "R-30 applications CSV columns", "header row", reply)  # type: ignore[arg-type]
    _judge_export(
        api, "/api/v1/npq-applications", rows, before, APP_COLUMNS, APP_CSV_ONLY_SEMANTICS, "R-30", reply
    )


@CSV_VERSIONS
@pytest.mark.rule("R-31", "declarations CSV: documented columns, same rows and values as JSON (v2: V-24)")
def test_r31_declarations_csv(api: Client, version: str) -> None:
    columns = DECLARATIONS_CSV[version]
    before = all_records(api, "/api/v1/participant-declarations")
    header, rows, reply = _rows(api, "/api/v1/participant-declarations.csv", "R-31 declarations CSV")
    if rows or header:
        expect.equal(header, columns, "R-31 declarations CSV columns", "header row", reply)  # type: ignore[arg-type]
    elif before:
        # An empty body is right only for zero declarations; one created meanwhile cannot explain it
        # unless the list was empty a moment ago too.
        expect.fail("R-31 CSV rows are the JSON records", "a header and rows", "an empty body", reply)  # type: ignore[arg-type]
    _judge_export(api, "/api/v1/participant-declarations", rows, before, columns, set(), "R-31", reply)


@CSV_VERSIONS
@pytest.mark.rule("R-30", "CSV honours filter[cohort] like JSON")
def test_r30_csv_cohort_filter(api: Client) -> None:
    path = "/api/v1/npq-applications"
    before = all_records(api, path)
    reply = api.get(f"{path}.csv", params={"filter[cohort]": "2023"})
    expect.status(reply, 200, "R-30 CSV filter")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    # Judged like the JSON filter: each row by its own cohort column, and no 2023 application left out.
    got = [{"id": r["id"], "attributes": {"cohort": r.get("cohort")}} for r in rows]
    judge_filter(
        api,
        path,
        before,
        got,
        lambda a: str(a["attributes"].get("cohort")) == "2023",
        "R-30 CSV filter[cohort]",
        "cohort 2023",
        reply,
    )


# --- v2: the enrolments CSV (V-25, V-77) ----------------------------------------------------------------
ENROLMENTS = "/api/v2/npq-enrolments.csv"


def _enrolment_cells(person: str, item: dict) -> dict[str, str]:
    return {
        "participant_id": person,
        **{column: _cell(item.get(column)) for column in ENROLMENTS_CSV if column != "participant_id"},
    }


def _enrolments_json(api: Client) -> dict[str, dict[str, str]]:
    """Every enrolment the v2 participants list shows, as CSV cells, by application id."""
    out = {}
    for person in all_records(api, "/api/v1/participants/npq"):
        for item in enrolments(person["attributes"]):
            out[str(item.get("npq_application_id"))] = _enrolment_cells(person["id"], item)
    return out


@pytest.mark.versions("v2", reason="the enrolments CSV exists in v2 only, V-04")
@pytest.mark.rule("V-25", "v2 enrolments CSV: header always, one row per accepted application, same values")
def test_v25_enrolments_csv(api: Client) -> None:
    before = _enrolments_json(api)
    reply = api.get(ENROLMENTS)
    expect.status(reply, 200, "V-25 enrolments CSV")
    expect.equal(reply.media_type, "text/csv", "V-25 enrolments CSV", "Content-Type", reply)
    reader = csv.reader(io.StringIO(reply.text))
    header = next(reader, [])
    expect.equal(header, ENROLMENTS_CSV, "V-25 enrolments CSV columns", "header row", reply)
    rows = [dict(zip(header, row, strict=False)) for row in reader if row]
    after = _enrolments_json(api)
    got = {r["npq_application_id"]: r for r in rows}
    missing = [i for i in before if i in after and i not in got]
    unknown = [i for i in got if i not in after and i not in before]
    expect.true(
        not missing and not unknown,
        "V-25 one row per accepted application (the v2 participants' enrolments)",
        "the CSV rows are the enrolments",
        f"missing from CSV {missing[:3]}, not enrolled {unknown[:3]}",
        reply,
    )
    for app_id, row in got.items():
        if before.get(app_id) is not None and before.get(app_id) == after.get(app_id):
            expect.equal(
                row, before[app_id], "V-25 CSV values match the enrolment", f"row of {app_id}", reply
            )


@pytest.mark.versions("v2", reason="the enrolments CSV exists in v2 only, V-04")
@pytest.mark.rule(
    "V-77", "v2 enrolments CSV: updated_since filter (header only when nothing matches), 400, 401"
)
def test_v77_enrolments_csv_filter(api: Client) -> None:
    reply = api.get(ENROLMENTS, params={"filter[updated_since]": "2999-01-01T00:00:00Z"})
    expect.status(reply, 200, "V-77 enrolments CSV filter")
    expect.equal(
        reply.text.strip().splitlines(),
        [",".join(ENROLMENTS_CSV)],
        "V-25 header even without rows",
        "body",
        reply,
    )
    expect.refused(
        api.get(ENROLMENTS, params={"filter[updated_since]": "yesterday"}),
        "filter.since_invalid",
        "V-77 a bad date filter is a 400",
        name="updated_since",
    )
    expect.denied(
        api.get(ENROLMENTS, raw_auth="Bearer not-a-real-token-4f1d"), "V-77 401 JSON on the CSV URL"
    )


# --- v3: no CSV; a .csv URL answers JSON (V-05) ----------------------------------------------------------
@pytest.mark.versions("v3", reason="v1/v2 answer CSV there, R-30/R-31")
@pytest.mark.rule("V-05", "v3 .csv URLs answer the JSON list (no CSV in v3)", per_case=True)
@pytest.mark.parametrize("path", ["/api/v1/npq-applications", "/api/v1/participant-declarations"])
def test_v05_v3_csv_is_json(api: Client, path: str) -> None:
    reply = api.get(f"{path}.csv", params={"page[per_page]": 5})
    data = expect.ok(reply, "V-05 a v3 .csv URL answers JSON")
    expect.true(isinstance(data, list), "V-05 the JSON list", "data is an array", type(data).__name__, reply)
    plain = expect.ok(api.get(path, params={"page[per_page]": 5}), "V-05 the list without .csv")
    expect.equal(
        [r["type"] for r in data],
        [r["type"] for r in plain],
        "V-05 same records as without .csv",
        "types",
        reply,
    )
