"""R-33's cap judged where it can show: a provider with more than 3000 applications.

Only with the testing API: the records are made for a third provider (neither --token's nor the other
one's), so no other check has to read through them.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from contract_tests import expect
from contract_tests.capabilities import COHORT, COURSE, World
from contract_tests.client import Client
from contract_tests.records import MAX_PAGE, all_records

pytestmark = [pytest.mark.writes, pytest.mark.slow]
APPS = "/api/v1/npq-applications"


def _third_provider(world: World) -> Client:
    world.need_testing_api("more than 3000 applications")
    taken = {world.api.token, world.other_token}
    token = next((p["token"] for p in world.providers if p.get("token") and p["token"] not in taken), None)
    if token is None:
        pytest.skip("the testing API lists no third provider to hold 3000+ applications")
    return world.api.with_token(token, "$NPQ_THIRD_TOKEN")


def _count(client: Client) -> int:
    """Records counted in pages of 100, a size below every cap, so a wrong cap cannot hide any (a page that
    repeats an earlier one is a finding at once: a server ignoring page[page] must not page forever)."""
    return len(all_records(client, APPS, per_page=100))


def _make(client: Client, how_many: int, first_trn: int) -> None:
    def attributes(n: int) -> dict:
        return {"cohort": COHORT, "course_identifier": COURSE, "teacher_reference_number": str(first_trn + n)}

    # Our mock makes them in one request (`POST /__mock__/applications/batch`); a testing API without the
    # batch call gets one request per record, 8 at a time.
    reply = client.post("/__mock__/applications/batch",
                        {"data": [{"attributes": attributes(n)} for n in range(how_many)]})
    if reply.status in (200, 201):
        return
    if reply.status not in (404, 405):
        raise AssertionError(f"testing API refused to create applications: {reply.short()}")

    def one(n: int) -> None:
        reply = client.post("/__mock__/applications", {"data": {"attributes": attributes(n)}})
        if reply.status not in (200, 201):
            raise AssertionError(f"testing API refused to create an application: {reply.short()}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, range(how_many)))


@pytest.mark.rule("R-33", "pagination: per_page above 3000 gives exactly 3000 records, the rest on page 2")
def test_r33_cap_is_exactly_3000(world: World) -> None:
    client = _third_provider(world)
    have = _count(client)
    if have <= MAX_PAGE:
        _make(client, MAX_PAGE + 1 - have, first_trn=world.rng.randrange(1_000_000, 5_000_000))
    total = _count(client)
    reply = client.get(APPS, params={"page[per_page]": 5000})
    expect.equal(
        len(expect.ok(reply, "R-33")),
        MAX_PAGE,
        "R-33 per_page above 3000 is capped at 3000",
        f"rows for per_page=5000 with {total} records",
        reply,
    )
    reply = client.get(APPS, params={"page[page]": 2, "page[per_page]": MAX_PAGE})
    expect.equal(
        len(expect.ok(reply, "R-33")),
        total - MAX_PAGE,
        "R-33 page 2 of 3000 holds the rest",
        f"rows on page 2 with {total} records",
        reply,
    )
