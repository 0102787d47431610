"""List endpoints: JSON:API envelope and types, timestamps, pagination and ordering (R-20..R-35)."""

from __future__ import annotations

import re

import pytest

from contract_tests import expect
from contract_tests.capabilities import World
from contract_tests.client import Client
from contract_tests.records import DATE, LISTS, MAX_PAGE, TIMESTAMP, all_records, ids, parse_ts, settle

pytestmark = [pytest.mark.quick]
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STAMP_FIELDS = ("created_at", "updated_at", "declaration_date")
KINDS = sorted(LISTS)


@pytest.fixture(scope="module")
def populated(world: World) -> World:
    """With the testing API, make sure each list has records (a completed declaration gives all four)."""
    if world.read_only:
        return world
    if world.testing_api and not world.api.get("/api/v1/participants/npq/outcomes").json().get("data"):
        from contract_tests.capabilities import declaration_body

        person = world.participant()["attributes"]["participant_id"]
        body = declaration_body(person, "completed", declaration_date="2024-05-01T10:00:00Z", has_passed=True)
        world.api.post("/api/v1/participant-declarations", body)
    return world


@pytest.mark.rule("R-21", "JSON:API envelope and R-22 type names", per_case=True)
@pytest.mark.parametrize("kind", KINDS)
def test_r21_r22_envelope(populated: World, api: Client, kind: str) -> None:
    path, type_name, _ = LISTS[kind]
    reply = api.get(path, params={"page[per_page]": 5})
    expect.ok(reply, "R-20 JSON list")
    body = reply.json()
    expect.equal(sorted(body), ["data"], "R-21 no meta/links/included", "top-level members", reply)
    expect.true(
        isinstance(body["data"], list), "R-21 list envelope", "data is an array", type(body["data"]).__name__
    )
    for record in body["data"]:
        expect.equal(sorted(record), ["attributes", "id", "type"], "R-21 resource object", "members", reply)
        expect.true(bool(UUID.match(record["id"])), "R-01 ids are UUIDs", "a UUID id", record["id"], reply)
        expect.equal(record["type"], type_name, "R-22 type name", f"type of a {kind} record", reply)
        if kind == "participants" and "participant_id" in record["attributes"]:  # v1 only (V-13, V-14)
            expect.equal(
                record["attributes"]["participant_id"], record["id"], "R-01 participant id", "id", reply
            )
    if not body["data"]:
        pytest.skip(f"no {kind} to look at")
    shown = api.get(f"{path}/{body['data'][0]['id']}") if kind != "outcomes" else None
    if shown is not None:
        data = expect.ok(shown, "R-21 single envelope")
        expect.equal(data["type"], type_name, "R-22 type name (show)", "data.type", shown)
        expect.equal(data["id"], body["data"][0]["id"], "R-46 show returns the record", "data.id", shown)


@pytest.mark.rule("R-23", "timestamps: RFC 3339 UTC, Z, no fraction; dates at +00:00", per_case=True)
@pytest.mark.parametrize("kind", KINDS)
def test_r23_timestamps(populated: World, api: Client, kind: str) -> None:
    path = LISTS[kind][0]
    reply = api.get(path, params={"page[per_page]": 50})
    records = expect.ok(reply, "R-20 JSON list")
    if not records:
        pytest.skip(f"no {kind} to look at")
    for record in records:
        for name, value in record["attributes"].items():
            if name in STAMP_FIELDS and value is not None:
                expect.true(
                    bool(TIMESTAMP.match(value)),
                    "R-23 timestamp format",
                    "YYYY-MM-DDTHH:MM:SSZ",
                    f"{name}={value!r}",
                    reply,
                )
            if name == "completion_date" and value is not None:
                expect.true(
                    bool(DATE.match(value)),
                    "R-23 date format",
                    "YYYY-MM-DDT00:00:00+00:00",
                    f"{name}={value!r}",
                    reply,
                )


@pytest.mark.rule("R-33", "pagination: pages cover every record exactly once", per_case=True)
@pytest.mark.parametrize("kind", KINDS)
def test_r33_pages_cover_all(populated: World, api: Client, kind: str) -> None:
    path = LISTS[kind][0]
    settle(lambda: _pages_cover_window(api, path))


# Small pages are compared with one big page over the first WINDOW records only: paging a real service's
# thousands of records 25 at a time would take hundreds of requests for nothing more.
WINDOW = 100


def _pages_cover_window(api: Client, path: str) -> None:
    head_reply = api.get(path, params={"page[page]": 1, "page[per_page]": WINDOW})
    head = expect.ok(head_reply, "R-33 one page")
    size = max(1, min(25, len(head) // 4 or 1))
    paged: list[dict] = []
    page = 1
    while len(paged) < len(head):
        reply = api.get(path, params={"page[page]": page, "page[per_page]": size})
        data = expect.ok(reply, "R-33 small pages")
        if not data:
            break
        paged.extend(data)
        page += 1
    paged = paged[: len(head)]
    expect.equal(
        len(set(ids(paged))), len(paged), "R-33 no record on two pages", f"distinct ids (per_page={size})"
    )
    expect.equal(
        ids(paged),
        ids(head),
        "R-33 pages cover every record once, in order",
        f"ids of the first {len(head)} records paged by {size} vs one page of {WINDOW}",
        head_reply,
    )
    # Beyond the last page: counted in pages of MAX_PAGE, so records created meanwhile cannot fill it.
    total = len(all_records(api, path))
    beyond = api.get(path, params={"page[page]": total // MAX_PAGE + 2, "page[per_page]": MAX_PAGE})
    expect.equal(
        expect.ok(beyond, "R-34 page beyond the last"), [], "R-34 page beyond the last", "data", beyond
    )


@pytest.mark.rule("R-33", "pagination: default page size 100, maximum 3000")
def test_r33_default_and_cap(populated: World, api: Client) -> None:
    path = LISTS["applications"][0]
    total = len(all_records(api, path))
    if total <= 100 and populated.testing_api and not populated.read_only:
        for _ in range(101 - total):
            populated.application()
    settle(lambda: _default_and_cap(api, path))


def _default_and_cap(api: Client, path: str) -> None:
    # Records others create meanwhile can only add rows: judge against counts taken before and after.
    before = len(all_records(api, path))
    reply = api.get(path)
    default_rows = len(expect.ok(reply, "R-33"))
    capped_reply = api.get(path, params={"page[per_page]": 5000})
    capped_rows = len(expect.ok(capped_reply, "R-33 per_page above 3000 is capped, not refused"))
    after = len(all_records(api, path))
    expect.true(
        min(before, 100) <= default_rows <= min(after, 100),
        "R-33 default per_page is 100",
        f"min(total, 100) rows (total {before}..{after})",
        f"{default_rows} rows",
        reply,
    )
    expect.true(
        min(before, MAX_PAGE) <= capped_rows <= min(after, MAX_PAGE),
        "R-33 per_page capped at 3000",
        f"min(total, {MAX_PAGE}) rows for per_page=5000 (total {before}..{after})",
        f"{capped_rows} rows",
        capped_reply,
    )


@pytest.mark.rule("R-33", "pagination: page or per_page below 1 is a 400")
@pytest.mark.parametrize("params", [{"page[page]": 0}, {"page[per_page]": 0}, {"page[page]": "abc"}])
def test_r33_bad_page(api: Client, params: dict) -> None:
    reply = api.get(LISTS["applications"][0], params=params)
    expect.refused(reply, "page.invalid", "R-33 invalid page parameters")


@pytest.mark.rule("R-35", "lists ordered by created_at ascending")
@pytest.mark.parametrize("kind", ["applications", "outcomes"])  # v1 declarations show no created_at
def test_r35_order(populated: World, api: Client, kind: str) -> None:
    records = all_records(api, LISTS[kind][0])
    stamps = [parse_ts(r["attributes"]["created_at"]) for r in records if "created_at" in r["attributes"]]
    expect.equal(stamps, sorted(stamps), "R-35 created_at ascending", f"{kind} created_at order")


@pytest.mark.rule("R-15", "unknown ids: 404 Resource not found")
@pytest.mark.parametrize("kind", ["applications", "participants", "declarations"])
def test_r15_unknown_ids(api: Client, kind: str) -> None:
    path = LISTS[kind][0]
    expect.not_found(api.get(f"{path}/00000000-0000-4000-8000-000000000000"), "R-15 unknown id")
    expect.not_found(api.get(f"{path}/not-a-uuid"), "R-15 non-UUID id")
