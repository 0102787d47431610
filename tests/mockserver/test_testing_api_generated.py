"""Generated input for the testing API (Hypothesis over its own document, seeded): whatever it accepts, every
list of every API version still renders as its document says.

Each example is a short sequence of testing-API calls drawn by Schemathesis from
`openapi/npq-mock-testing-api.yaml` (positive data: values the document allows, such as any `date-time`),
sent in-process; then every list of v1, v2 and v3 is read back for every provider through the validating
client (tests/mockserver/spec_validation.py). A value the testing API stored but the API cannot render
(e.g. a `created_at` in year 1) fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from mockserver.app import create_app
from mockserver.config import Settings
from npq_lead_provider_kit.resources import TESTING_API_SPEC, V1_SPEC, V2_SPEC, V3_SPEC, openapi_path
from tests.mockserver.spec_validation import validating

TOKEN = "ambition-token"
SEED = 20260111
EXAMPLES = 25


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    world = tmp_path_factory.mktemp("generated") / "world.sqlite3"
    yield validating(create_app(Settings(db_path=world, applications=12, seed=3, journal_size=0)))


def _operations(app: object) -> list[object]:
    schema = schemathesis.openapi.from_path(openapi_path(TESTING_API_SPEC))
    schema.app = app
    schema.config.update(headers={"Authorization": f"Bearer {TOKEN}"})
    schema.config.generation.update(database="none", allow_extra_parameters=False)
    # Every operation but reset's new seed (which only rebuilds a world) is drawn equally often.
    return [result.ok() for result in schema.get_all_operations()]


def _lists(app: object) -> list[str]:
    """Every documented list (GET, no path parameter) of every version that this mock routes."""
    adapter = app.url_map.bind("localhost")  # type: ignore[attr-defined]
    found = []
    for name in (V1_SPEC, V2_SPEC, V3_SPEC):
        document = yaml.safe_load(Path(openapi_path(name)).read_text(encoding="utf-8"))
        for path, item in document["paths"].items():
            if "{" in path or "get" not in item:
                continue
            try:
                adapter.match(path, method="GET")
            except (NotFound, MethodNotAllowed):
                continue  # documented for a version whose routes are not served yet
            found.append(path)
    return found


def read_back_everything(client: object, lists: list[str], tokens: list[str]) -> int:
    """GET every page of every list for every token (each answer validated by the client); 5xx fail."""
    # Faults and R-17 switched on by a generated call are working as asked: read back without them.
    client.delete("/__mock__/faults")  # type: ignore[attr-defined]
    client.put("/__mock__/settings", json={"rate_limit": False})  # type: ignore[attr-defined]
    sent = 0
    for token in tokens:
        for path in lists:
            page = 1
            while True:
                response = client.get(  # type: ignore[attr-defined]
                    path,
                    query_string={"page[page]": page, "page[per_page]": 500},
                    headers={"Authorization": f"Bearer {token}"},
                )
                sent += 1
                assert response.status_code == 200, (path, response.status_code, response.data[:300])
                if path.endswith(".csv") or len(response.get_json().get("data", [])) < 500:
                    break
                page += 1
    return sent


def test_generated_testing_api_calls_leave_a_world_every_list_can_render(app: object) -> None:
    operations = _operations(app)
    lists = _lists(app)
    client = app.test_client()  # type: ignore[attr-defined]
    tokens = [p["token"] for p in client.get("/__mock__/lead-providers").get_json()["data"]]
    calls = st.lists(st.one_of(*(op.as_strategy() for op in operations)), min_size=1, max_size=4)

    @seed(SEED)
    @settings(max_examples=EXAMPLES, database=None, deadline=None, suppress_health_check=list(HealthCheck))
    @given(calls)
    def run(cases: list[schemathesis.Case]) -> None:
        for case in cases:
            response = case.call()
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text)
            if "json" in response.headers.get("Content-Type", [""])[0]:  # the YAML documents: type only
                case.validate_response(response, checks=[schemathesis.checks.response_schema_conformance])
        read_back_everything(client, lists, tokens)

    run()


@pytest.mark.parametrize(
    "attribute, value",
    [
        ("created_at", "0001-01-01T00:00:00Z"),
        ("created_at", "0001-01-01T00:30:00+01:00"),  # year 1 moved to year 0 by its offset
        ("created_at", "9999-12-31T23:59:59-01:00"),  # year 9999 moved to year 10000
        ("created_at", "1899-12-31T23:59:59Z"),
        ("created_at", "3000-01-01T00:00:00Z"),
        ("school_urn", "\u0661\u0662\u0663\u0664\u0665"),  # Arabic-Indic digits are not a URN
    ],
)
def test_unrenderable_values_are_refused_naming_the_attribute(
    app: object, attribute: str, value: str
) -> None:
    client = app.test_client()  # type: ignore[attr-defined]
    response = client.post(
        "/__mock__/applications",
        json={"data": {"attributes": {attribute: value}}},
        headers={"Authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["title"] == attribute


@pytest.mark.parametrize("now", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00", "1899-01-01T00:00:00Z"])
def test_the_clock_refuses_moments_it_could_not_show(app: object, now: str) -> None:
    client = app.test_client()  # type: ignore[attr-defined]
    response = client.put("/__mock__/clock", json={"now": now})
    assert response.status_code == 422 and response.get_json()["errors"][0]["title"] == "now"
    assert client.get("/__mock__/clock").get_json()["now"] != now


def test_a_server_date_header_outside_the_window_is_ignored(app: object) -> None:
    client = app.test_client()  # type: ignore[attr-defined]
    client.put("/__mock__/clock", json={"now": None})
    response = client.post(
        "/__mock__/applications",
        json={},
        headers={"Authorization": f"Bearer {TOKEN}", "X-With-Server-Date": "0001-01-01T00:00:00Z"},
    )
    assert response.status_code == 201
    assert response.get_json()["data"]["attributes"]["created_at"][:4] >= "2020"
