"""Response format on every kind of answer: R-20 headers, R-24 cohort strings, R-23 outcome dates."""

from __future__ import annotations

import re

import pytest

from contract_tests import expect
from contract_tests.capabilities import CAPPED_COHORT, World, fresh_uuid
from contract_tests.client import Client, Reply
from contract_tests.records import LISTS, all_records

pytestmark = [pytest.mark.quick]
APPS = LISTS["applications"][0]
COHORT_TEXT = re.compile(r"^\d{4}$")


def json_headers(reply: Reply, rule: str = "R-20 JSON response headers") -> None:
    """R-20: media type exactly application/json (charset tolerated) and Cache-Control: no-store."""
    expect.true(
        reply.media_type == "application/json",
        rule,
        "Content-Type application/json",
        f"Content-Type {reply.content_type!r} ({reply.status})",
        reply,
    )
    directives = {d.strip().lower() for d in reply.headers.get("cache-control", "").split(",")}
    expect.true(
        "no-store" in directives,
        rule,
        "Cache-Control: no-store",
        f"Cache-Control {reply.headers.get('cache-control')!r} ({reply.status})",
        reply,
    )


@pytest.fixture(scope="module")
def answers(api: Client) -> dict[str, Reply]:
    """One reply of each JSON kind the API gives without changing anything."""
    replies = {
        f"list {kind}": api.get(path, params={"page[per_page]": 2}) for kind, (path, _, _) in LISTS.items()
    }
    listed = replies["list applications"].json().get("data") or []
    if listed:
        replies["show application"] = api.get(f"{APPS}/{listed[0]['id']}")
    replies["401"] = api.get(APPS, raw_auth="")
    replies["404"] = api.get(f"{APPS}/{fresh_uuid()}")
    replies["400 page"] = api.get(APPS, params={"page[page]": 0})
    replies["400 filter"] = api.get(APPS, params={"filter[updated_since]": "yesterday"})
    return replies


@pytest.mark.rule(
    "R-20", "JSON answers: Content-Type application/json and Cache-Control no-store", per_case=True
)
@pytest.mark.parametrize(
    "kind",
    [
        "list applications",
        "list participants",
        "list declarations",
        "list outcomes",
        "show application",
        "401",
        "404",
        "400 page",
        "400 filter",
    ],
)
def test_r20_json_headers(answers: dict[str, Reply], kind: str) -> None:
    if kind not in answers:
        pytest.skip(f"no record for {kind}")
    json_headers(answers[kind])


@pytest.mark.writes
@pytest.mark.rule("R-20", "JSON answers to writes (200 and 422): application/json, no-store")
def test_r20_write_headers(world: World, api: Client) -> None:
    app = world.application()
    json_headers(expect.status(api.post(f"{APPS}/{app['id']}/accept"), 200, "R-56 accept"))
    json_headers(expect.status(api.post(f"{APPS}/{app['id']}/accept"), 422, "R-51 accept twice"))


@pytest.mark.rule("R-24", 'cohort values are strings ("2024"), in lists and shows')
def test_r24_cohort_is_string(world: World, api: Client) -> None:
    if world.testing_api and not world.read_only:
        world.application(cohort=CAPPED_COHORT, teacher_catchment="scotland")
    records = all_records(api, APPS)
    if not records:
        pytest.skip("no applications to look at")
    for record in records:
        cohort = record["attributes"].get("cohort")
        expect.true(
            cohort is None or (isinstance(cohort, str) and bool(COHORT_TEXT.match(cohort))),
            "R-24 cohort as string",
            'cohort a 4-digit string such as "2024" (or null)',
            f"{cohort!r} on application {record['id']}",
        )
    reply = api.get(f"{APPS}/{records[-1]['id']}")
    cohort = expect.ok(reply, "R-46 show application")["attributes"].get("cohort")
    expect.true(
        cohort is None or isinstance(cohort, str), "R-24 cohort as string", "a string", repr(cohort), reply
    )
