"""CSV exports from stored lines (store/rendered.py's stream): the bytes are those the representations' row
functions give the rows, written as the csv module writes them, whether the lines are rendered, stored or
read back, after writes, with filters, and with stored bodies off; a line is stored only from a snapshot
that is still the latest."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.reference import load_reference
from mockserver.representations import v1, v2
from mockserver.representations.v1 import APPLICATION_CSV_COLUMNS, application_csv_row
from mockserver.representations.v2 import ENROLMENT_CSV_COLUMNS, enrolment_csv_row
from mockserver.store import applications as application_store
from mockserver.store import rendered
from mockserver.store.db import connect
from mockserver.store.invalidation import APPLICATIONS, DECLARATIONS, KIND_SHIFT
from mockserver.store.paging import PageQuery, stream_all
from mockserver.store.records import pairs_of
from mockserver.versions import view_number

AMBITION = {"Authorization": "Bearer ambition-token"}
BPN = {"Authorization": "Bearer best-practice-token"}
APPLICATIONS_CSV = ("/api/v1/npq-applications.csv", "/api/v2/npq-applications.csv")
ENROLMENTS_CSV = "/api/v2/npq-enrolments.csv"
# The enrolments CSV reads updated_since only: FILTERS[::2].
FILTERS = (
    "", "?filter[cohort]=2023,2024", "?filter[updated_since]=2023-06-01T00:00:00Z", "?filter[cohort]=1999"
)
STAMP = "this build"
# The declarations CSV of each version, with its row function (each stores its lines under its own view).
DECLARATIONS_CSV = {"/api/v1/participant-declarations.csv": v1.declaration_csv_row,
                    "/api/v2/participant-declarations.csv": v2.declaration_csv_row}


def _as_before(header: Sequence[str], rows: Sequence[Any], row: Callable[[Any], Sequence[Any]]) -> bytes:
    """An export as the mock wrote it before stored lines: the row function's cells of every row through one
    csv.writer, booleans as true/false."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for record in rows:
        writer.writerow([("true" if v else "false") if isinstance(v, bool) else v for v in row(record)])
    return buffer.getvalue().encode("utf-8")


def _query(world: Path, token: str, *, cohorts: list[int] | None = None, since: str | None = None,
           accepted_only: bool = False) -> PageQuery:
    conn = connect(world)
    provider = conn.execute("SELECT id FROM lead_providers WHERE token = ?", (token,)).fetchone()[0]
    pairs = pairs_of(load_reference().interchangeable)
    return application_store.list_query(pairs, provider, cohorts, since, accepted_only=accepted_only)


def _rows(world: Path, query: PageQuery) -> list[dict[str, Any]]:
    return [row for batch in stream_all(connect(world), query) for row in batch]


def _stored_lines(world: Path, view: int, kind: int = APPLICATIONS) -> int:
    first = (kind << KIND_SHIFT) + view
    return connect(world).execute(
        "SELECT COUNT(*) FROM rendered WHERE slot BETWEEN ? AND ? AND slot & 15 = ?",
        (first, ((kind + 1) << KIND_SHIFT) - 1, view),
    ).fetchone()[0]


@pytest.fixture
def apps(ops_world: Path) -> tuple[Any, Any]:
    """Two clients over one world: one exports from stored lines, the other renders every row."""
    return (create_app(Settings(db_path=ops_world)).test_client(),
            create_app(Settings(db_path=ops_world, stored_bodies=False)).test_client())


def test_every_export_is_the_rows_rendered_as_before(ops_world: Path, apps: tuple[Any, Any]) -> None:
    stored, plain = apps
    expected = {
        url: _as_before(APPLICATION_CSV_COLUMNS, _rows(ops_world, _query(ops_world, "ambition-token")),
                        application_csv_row)
        for url in APPLICATIONS_CSV
    }
    enrolments = _rows(ops_world, _query(ops_world, "ambition-token", accepted_only=True))
    expected[ENROLMENTS_CSV] = _as_before(ENROLMENT_CSV_COLUMNS, enrolments, enrolment_csv_row)
    assert len(enrolments) > 1 and expected[APPLICATIONS_CSV[0]].count(b"\n") > len(enrolments) + 1
    for url, body in expected.items():
        for client in (stored, stored, plain):  # rendered and stored, then read back; never stored
            reply = client.get(url, headers=AMBITION)
            assert (reply.status_code, reply.mimetype, reply.data) == (200, "text/csv", body), url
    assert _stored_lines(ops_world, view_number(application_csv_row)) > 0
    assert _stored_lines(ops_world, view_number(enrolment_csv_row)) == len(enrolments)


def test_filters_select_the_same_rows_as_the_rendered_export(apps: tuple[Any, Any]) -> None:
    stored, plain = apps
    for path in (*APPLICATIONS_CSV, ENROLMENTS_CSV):
        for query in FILTERS if path != ENROLMENTS_CSV else FILTERS[::2]:
            for headers in (AMBITION, BPN):
                theirs = plain.get(path + query, headers=headers)
                for _stored_or_not in range(2):
                    ours = stored.get(path + query, headers=headers)
                    assert (ours.status_code, ours.data) == (theirs.status_code, theirs.data), path + query
    empty = stored.get(APPLICATIONS_CSV[0] + "?filter[cohort]=1999", headers=AMBITION).data
    assert empty == _as_before(APPLICATION_CSV_COLUMNS, [], application_csv_row)


def test_declaration_exports_are_the_rows_rendered_as_before_and_their_lines_are_stored(
    ops_world: Path, apps: tuple[Any, Any]
) -> None:
    stored, plain = apps
    for url, row in DECLARATIONS_CSV.items():
        body = plain.get(url, headers=AMBITION).data
        assert body.count(b"\n") > 10, url
        for _rendered_then_read in range(2):
            reply = stored.get(url, headers=AMBITION)
            assert (reply.status_code, reply.mimetype, reply.data) == (200, "text/csv", body), url
        assert _stored_lines(ops_world, view_number(row), DECLARATIONS) == body.count(b"\n") - 1, url
    assert view_number(v1.declaration_csv_row) != view_number(v2.declaration_csv_row)


def test_declaration_exports_filter_and_show_writes_as_the_rendered_export(apps: tuple[Any, Any]) -> None:
    stored, plain = apps
    first = plain.get("/api/v1/participant-declarations.csv", headers=AMBITION).text.splitlines()[1:]
    ids = [line.split(",")[0] for line in first]
    people = ",".join(sorted({line.split(",")[1] for line in first[:3]}))
    queries = ("", "?filter[updated_since]=2024-01-01T00:00:00Z", f"?filter[participant_id]={people}",
               "?filter[participant_id]=00000000-0000-4000-8000-000000000000")  # none: an empty body
    for url in DECLARATIONS_CSV:
        for query in queries:
            for headers in (AMBITION, BPN):
                theirs = plain.get(url + query, headers=headers)
                for _stored_or_not in range(2):
                    ours = stored.get(url + query, headers=headers)
                    assert (ours.status_code, ours.data) == (theirs.status_code, theirs.data), url + query
    assert stored.get("/api/v1/participant-declarations.csv" + queries[-1], headers=AMBITION).data == b""
    voided = next(i for i, line in zip(ids, first, strict=True) if ",submitted," in line)
    reply = stored.put(f"/api/v1/participant-declarations/{voided}/void", headers=AMBITION)
    assert reply.status_code == 200, reply.text
    for url in DECLARATIONS_CSV:
        ours, theirs = stored.get(url, headers=AMBITION), plain.get(url, headers=AMBITION)
        assert ours.data == theirs.data, url
        line = next(line for line in ours.text.splitlines() if line.startswith(voided))
        assert ",voided," in line, line


def _application(client: Any) -> str:
    body = {"data": {"attributes": {"course_identifier": "npq-headship", "cohort": 2023,
                                    "eligible_for_funding": True}}}
    reply = client.post("/__mock__/applications", json=body, headers=AMBITION)
    assert reply.status_code < 300, reply.text
    return reply.get_json()["data"]["id"]


def test_exports_after_writes_show_the_writes(apps: tuple[Any, Any]) -> None:
    stored, plain = apps
    for path in (*APPLICATIONS_CSV, ENROLMENTS_CSV):
        stored.get(path, headers=AMBITION)  # every line stored before the writes
    stored.put("/__mock__/clock", json={"now": "2024-05-01T12:00:00Z"})
    accepted, rejected = _application(stored), _application(stored)
    for app_id, action in ((accepted, "accept"), (rejected, "reject")):
        reply = stored.post(f"/api/v1/npq-applications/{app_id}/{action}", headers=AMBITION)
        assert reply.status_code == 200, reply.text
    for path in (*APPLICATIONS_CSV, ENROLMENTS_CSV):
        ours, theirs = stored.get(path, headers=AMBITION), plain.get(path, headers=AMBITION)
        assert ours.data == theirs.data, path
        assert accepted in ours.text and (rejected in ours.text) == (path != ENROLMENTS_CSV)


def test_the_next_export_reads_the_stored_lines(ops_world: Path, apps: tuple[Any, Any]) -> None:
    stored, _plain = apps
    first = stored.get(ENROLMENTS_CSV, headers=AMBITION).data
    line = first.splitlines(keepends=True)[1]
    conn = connect(ops_world)
    conn.execute("UPDATE rendered SET body = ? WHERE body = ?", (b"stored,line\n", line))
    assert stored.get(ENROLMENTS_CSV, headers=AMBITION).data == first.replace(line, b"stored,line\n")


def _lines(rows: Sequence[dict[str, Any]]) -> list[bytes]:
    return [f"{row['id']},{row['full_name']}\n".encode() for row in rows]


def test_a_stream_stores_lines_only_while_its_snapshot_is_the_latest(
    ops_world: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rendered, "KEEP_BYTES", 1)  # store every batch as soon as it is rendered
    conn = connect(ops_world)
    rendered.open_bodies(conn, STAMP)
    query = _query(ops_world, "ambition-token")
    bodies = rendered.Bodies(APPLICATIONS, 15)
    stream = rendered.stream(conn, query, bodies, _lines, batch=2)
    first = next(stream)
    rows = _rows(ops_world, query)
    person = rows[-1]["user_id"]
    assert person not in {row["user_id"] for row in rows[:2]}  # the write leaves the stored lines alone
    conn.execute("UPDATE users SET full_name = 'Renamed Meanwhile' WHERE id = ?", (person,))
    rest = [line for batch in stream for line in batch]
    assert len(first) == 2 and b"Renamed Meanwhile" not in b"".join(rest)  # one snapshot, as before
    assert _stored_lines(ops_world, 15) == 2  # the lines rendered after the write were not stored
    again = [line for batch in rendered.stream(conn, query, bodies, _lines) for line in batch]
    assert again[:2] == first and b"Renamed Meanwhile" in b"".join(again)
    assert _stored_lines(ops_world, 15) == len(again)


def test_lines_rendered_before_a_write_but_not_yet_stored_are_not_stored(ops_world: Path) -> None:
    conn = connect(ops_world)
    rendered.open_bodies(conn, STAMP)
    query = _query(ops_world, "ambition-token")
    stream = rendered.stream(conn, query, rendered.Bodies(APPLICATIONS, 15), _lines, batch=2)
    next(stream)  # two lines rendered and held (far below KEEP_BYTES)
    person = _rows(ops_world, query)[-1]["user_id"]
    conn.execute("UPDATE users SET full_name = 'Renamed Meanwhile' WHERE id = ?", (person,))
    assert sum(len(batch) for batch in stream) > 0
    assert _stored_lines(ops_world, 15) == 0
