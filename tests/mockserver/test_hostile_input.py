"""Hostile input never breaks the mock: every version answers a clear 4xx (or the ordinary answer) in the
API's own envelope, never a 500 or a traceback.

In-process (Flask test client); what only the real server decides (header and request-line limits of
granian) is in tests/mockserver/test_resilience_server.py.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from mockserver.app import create_app
from mockserver.config import Settings

TOKEN = "ambition-token"
ANY_ID = "00000000-0000-4000-8000-000000000000"
PREFIXES = ("/api/v1", "/api/v2", "/api/v3")
JSON = "application/json"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    world: Path = tmp_path_factory.mktemp("hostile") / "world.sqlite3"
    app = create_app(Settings(db_path=world, applications=8, journal_size=0))
    yield app.test_client()


# (name, method, path, query string, body, content type, extra headers, the statuses that are right)
CASES: list[tuple[str, str, str, str, Any, str | None, dict[str, str], set[int]]] = [
    (
        "deeply nested arrays",
        "POST",
        "/participant-declarations",
        "",
        b"[" * 100_000 + b"]" * 100_000,
        JSON,
        {},
        {400},
    ),
    (
        "deeply nested objects",
        "POST",
        "/participant-declarations",
        "",
        b'{"a":' * 5000 + b"1" + b"}" * 5000,
        JSON,
        {},
        {400},
    ),
    (
        "a 3 MB body",
        "POST",
        "/participant-declarations",
        "",
        b'{"data":"' + b"x" * 3_000_000 + b'"}',
        JSON,
        {},
        {413},
    ),
    (
        "invalid UTF-8 in the body",
        "POST",
        "/participant-declarations",
        "",
        b'{"data":{"attributes":{"participant_id":"\xff\xfe"}}}',
        JSON,
        {},
        {400},
    ),
    ("UTF-16 body", "POST", "/participant-declarations", "", '{"data":{}}'.encode("utf-16"), JSON, {}, {400}),
    ("a byte order mark", "POST", "/participant-declarations", "", b"\xef\xbb\xbf{}", JSON, {}, {400}),
    (
        "NUL bytes in body strings",
        "POST",
        "/participant-declarations",
        "",
        b'{"data":{"type":"participant-declaration","attributes":{"participant_id":"\\u0000",'
        b'"declaration_type":"started\\u0000","declaration_date":"2024-01-01T00:00:00Z\\u0000",'
        b'"course_identifier":"\\u0000"}}}',
        JSON,
        {},
        {400, 422},
    ),
    (
        "a raw NUL byte in the body",
        "POST",
        "/participant-declarations",
        "",
        b'{"data":\x00}',
        JSON,
        {},
        {400},
    ),
    (
        "integers beyond 64 bits in the body",
        "POST",
        "/participant-declarations",
        "",
        b'{"data":{"attributes":{"participant_id":123456789012345678901234567890,"has_passed":1e999}}}',
        JSON,
        {},
        {400, 422},
    ),
    (
        "integers beyond 64 bits on accept",
        "POST",
        f"/npq-applications/{ANY_ID}/accept",
        "",
        b'{"data":{"attributes":{"funded_place":123456789012345678901234567890}}}',
        JSON,
        {},
        {400, 404},
    ),
    ("wrong content type", "POST", "/participant-declarations", "", b"<xml/>", "application/xml", {}, {400}),
    ("a form", "POST", "/participant-declarations", "", {"a": "b"}, None, {}, {400}),
    (
        "multipart",
        "POST",
        "/participant-declarations",
        "",
        lambda: {"f": (io.BytesIO(b"x"), "f.txt")},
        None,
        {},
        {400},
    ),
    (
        "a bogus charset",
        "POST",
        "/participant-declarations",
        "",
        b"{}",
        "application/json; charset=bogus",
        {},
        {400},
    ),
    ("a JSON array", "POST", "/participant-declarations", "", b"[1,2]", JSON, {}, {400}),
    (
        "invalid UTF-8 in the query",
        "GET",
        "/npq-applications",
        "filter[cohort]=%ff%fe&page[page]=%c3%28",
        None,
        None,
        {},
        {400},
    ),
    (
        "NUL bytes in the query",
        "GET",
        "/participant-declarations",
        "filter[updated_since]=2020-01-01%00&filter[cohort]=20%0024",
        None,
        None,
        {},
        {400},
    ),
    (
        "NUL in a participant filter",
        "GET",
        "/participant-declarations",
        "filter[participant_id]=%00",
        None,
        None,
        {},
        {400},
    ),
    ("a NUL in the path", "GET", "/npq-applications/%00", "", None, None, {}, {404}),
    (
        "page numbers beyond 64 bits",
        "GET",
        "/npq-applications",
        "page[page]=99999999999999999999999999&page[per_page]=9999999999999999999999999",
        None,
        None,
        {},
        {200},
    ),
    (
        "negative page beyond 64 bits",
        "GET",
        "/participants/npq",
        "page[page]=-99999999999999999999999",
        None,
        None,
        {},
        {400},
    ),
    (
        "cohorts beyond 64 bits",
        "GET",
        "/npq-applications",
        "filter[cohort]=99999999999999999999999999,-99999999999999999999999",
        None,
        None,
        {},
        {200},
    ),
    (
        "cohorts beyond 64 bits (participants)",
        "GET",
        "/participants/npq",
        "filter[cohort]=99999999999999999999999999",
        None,
        None,
        {},
        {200},
    ),
    (
        "duplicate query keys",
        "GET",
        "/npq-applications",
        "page[page]=1&page[page]=2&filter[cohort]=2024&filter[cohort]=x&filter[updated_since]=a"
        "&filter[updated_since]=2020-01-01T00:00:00Z",
        None,
        None,
        {},
        {200},
    ),
    (
        "duplicate keys, last invalid",
        "GET",
        "/npq-applications",
        "filter[updated_since]=2020-01-01T00:00:00Z&filter[updated_since]=a",
        None,
        None,
        {},
        {400},
    ),
    (
        "nested where scalars go",
        "GET",
        "/npq-applications",
        "page[page][x]=2&filter[cohort][]=2024",
        None,
        None,
        {},
        {400},
    ),
    (
        "a 1 MB query string",
        "GET",
        "/npq-applications",
        "filter[cohort]=" + "2024," * 200_000,
        None,
        None,
        {},
        {200},
    ),
    (
        "a 400 KB participant filter",
        "GET",
        "/participant-declarations",
        "filter[participant_id]=" + "a," * 200_000,
        None,
        None,
        {},
        {400},
    ),
    (
        "timestamps outside any calendar",
        "GET",
        "/npq-applications",
        "filter[updated_since]=99999-01-01T00:00:00Z",
        None,
        None,
        {},
        {200, 400},
    ),  # Ruby reads year 99999
    ("a 1 MB header", "GET", "/npq-applications", "", None, None, {"X-Big": "a" * 1_000_000}, {200}),
    (
        "a huge server date",
        "GET",
        "/npq-applications",
        "",
        None,
        None,
        {"X-With-Server-Date": "2" * 100_000},
        {200},
    ),
    (
        "NUL and invalid bytes in the token",
        "GET",
        "/npq-applications",
        "",
        None,
        None,
        {"Authorization": "Bearer \x00\xff"},
        {401},
    ),
]


def _envelope_ok(body: bytes) -> bool:
    try:
        payload = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    if isinstance(payload, dict) and set(payload) == {"error"}:
        return isinstance(payload["error"], str)
    if isinstance(payload, dict) and set(payload) == {"errors"}:
        return all(set(e) == {"title", "detail"} for e in payload["errors"]) and bool(payload["errors"])
    return isinstance(payload, dict) and "data" in payload


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hostile_input_gets_a_clear_answer(client: Any, prefix: str, case: tuple, caplog: Any) -> None:
    name, method, path, query, body, content_type, headers, expected = case
    sent = {"Authorization": f"Bearer {TOKEN}", **headers}
    kwargs: dict[str, Any] = {"headers": sent}
    if body is not None:
        kwargs["data"] = body() if callable(body) else body  # a multipart file is read once
    if content_type is not None:
        kwargs["content_type"] = content_type
    url = prefix + path + (f"?{query}" if query else "")
    with caplog.at_level(logging.ERROR):
        response = client.open(url, method=method, **kwargs)
    assert response.status_code in expected, (name, response.status_code, response.data[:300])
    assert response.mimetype == JSON, (name, response.mimetype)
    assert _envelope_ok(response.get_data()), (name, response.data[:300])
    assert b"Traceback" not in response.get_data()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], name  # no "unhandled error"



def test_the_served_app_refuses_long_queries_and_big_header_sections_in_the_envelope(client: Any) -> None:
    from werkzeug.test import Client

    from mockserver.resilience.head import MAX_HEADER_BYTES, MAX_QUERY_BYTES, head_limit

    served = Client(head_limit(client.application.wsgi_app))
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for prefix in PREFIXES:
        long_query = served.get(f"{prefix}/npq-applications?x=" + "a" * MAX_QUERY_BYTES, headers=auth)
        assert (long_query.status_code, long_query.json) == (414, {"error": "Request-URI too long"})
        assert long_query.headers["X-NPQ-Mock-Rule"] == "request.uri_too_long"
        big = served.get(f"{prefix}/npq-applications", headers={**auth, "X-Big": "a" * MAX_HEADER_BYTES})
        assert (big.status_code, big.json) == (431, {"error": "Request header fields too large"})
        assert big.headers["X-NPQ-Mock-Rule"] == "request.headers_too_large"
        fits = served.get(f"{prefix}/npq-applications?x=" + "a" * (MAX_QUERY_BYTES - 2), headers=auth)
        assert fits.status_code not in (414, 431) and _envelope_ok(fits.get_data())
