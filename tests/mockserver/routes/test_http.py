"""Cross-cutting HTTP behaviour: routing misses, auth, envelopes, pagination and filter errors, bad input."""

from __future__ import annotations

import pytest

from tests.mockserver.core_world import World, errors

DENIED = {"error": "HTTP Token: Access denied"}
PAGE = (
    "Bad request",
    "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
)


def test_routing_miss_is_404_before_auth(world: World) -> None:
    for method, path in (
        ("GET", "/api/v1/nope"),
        ("POST", "/api/v1/participant-declarations/x/void"),
        ("GET", f"/api/v1/npq-applications/{world.uid()}/accept"),
        ("DELETE", "/api/v1/participants/npq"),
        ("OPTIONS", "/api/v1/npq-applications"),
    ):
        reply = world.client.open(path, method=method)
        assert reply.status_code == 404 and reply.json == {"error": "Resource not found"}
        assert reply.headers["X-NPQ-Mock-Rule"] == "route.not_found"


@pytest.mark.parametrize(
    "header", [None, "Bearer nope", "bearer ambition-token", "Basic ambition-token", "Bearer"]
)
def test_bad_credentials_are_401(world: World, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    reply = world.client.get("/api/v1/npq-applications.csv", headers=headers)
    assert reply.status_code == 401 and reply.json == DENIED and reply.content_type == "application/json"
    assert "WWW-Authenticate" not in reply.headers
    assert reply.headers["X-NPQ-Mock-Rule"] == "auth.access_denied"


def test_401_comes_before_404_and_400(world: World) -> None:
    reply = world.client.post(
        f"/api/v1/participants/npq/{world.uid()}/outcomes",
        data="{",
        headers={"Content-Type": "application/json"},
    )
    assert reply.status_code == 401


@pytest.mark.parametrize(
    "header", ["Token ambition-token", 'Token token="ambition-token"', "Bearer  ambition-token"]
)
def test_token_forms_rails_accepts(world: World, header: str) -> None:
    assert world.client.get("/api/v1/npq-applications", headers={"Authorization": header}).status_code == 200


@pytest.mark.parametrize(
    "query", ["page[page]=0", "page[per_page]=abc", "page[per_page]=", "page[page]=-1", "page[page][x]=1"]
)
def test_invalid_pagination_is_400(world: World, query: str) -> None:
    reply = world.get(f"/participants/npq?{query}")
    assert reply.status_code == 400 and reply.json == errors(PAGE)


def test_huge_page_numbers_give_empty_pages(world: World) -> None:
    world.application()
    assert world.get("/npq-applications?page[page]=99999999999999999999999").json == {"data": []}
    assert len(world.get("/npq-applications?page[per_page]=99999999999").json["data"]) == 1


@pytest.mark.parametrize(
    "value", ["2024-01-01", "2024-01-01T00:00:00+01:00", "yesterday", "2024-13-01T00:00:00Z", "%zz"]
)
def test_invalid_updated_since_is_400(world: World, value: str) -> None:
    from urllib.parse import quote

    reply = world.get(f"/npq-applications?filter[updated_since]={quote(value)}")
    assert reply.status_code == 400
    assert reply.json == errors(("Bad request", "The filter '#/updated_since' must be a valid ISO 8601 date"))


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-01T00:00:00Z",
        " 2024-01-01t00:00:00z ",
        "2024-01-01T00:00:00-05:00",
        "2024-01-01T00:00:00%252B01:00",
        "2024-01-01T00:00:00.123",
        "",
    ],
)
def test_valid_updated_since_forms(world: World, value: str) -> None:
    assert world.get(f"/participant-declarations?filter[updated_since]={value}").status_code == 200


def test_malformed_json_is_400_and_changes_nothing(world: World) -> None:
    app_id = world.application()
    reply = world.client.post(
        f"/api/v1/npq-applications/{app_id}/accept",
        data="{nope",
        headers=world.headers(**{"Content-Type": "application/json"}),
    )
    assert reply.status_code == 400 and reply.json["errors"][0]["title"] == "Bad request"
    assert world.get(f"/npq-applications/{app_id}").json["data"]["attributes"]["status"] == "pending"


def test_non_object_json_is_the_structure_400(world: World) -> None:
    for body in ("[]", '"x"', "3", "null"):
        reply = world.client.post(
            "/api/v1/participant-declarations",
            data=body,
            headers=world.headers(**{"Content-Type": "application/json"}),
        )
        assert reply.status_code == 400
        assert reply.json == errors(
            ("Bad request", "correct json data structure required. See API docs for reference")
        )


def test_oversized_body_is_413(world: World) -> None:
    reply = world.client.post(
        "/api/v1/participant-declarations",
        data=b"x" * (1024 * 1024 + 1),
        headers=world.headers(**{"Content-Type": "application/json"}),
    )
    assert reply.status_code == 413 and reply.json == {"error": "Request entity too large"}


def test_csv_show_of_unknown_record_is_empty_404(world: World) -> None:
    reply = world.get(f"/npq-applications/{world.uid()}.csv")
    assert reply.status_code == 404 and reply.data == b""
    app_id = world.application()
    reply = world.get(f"/npq-applications/{app_id}.csv")
    assert reply.status_code == 200 and reply.json["data"]["id"] == app_id


def test_server_date_header_sets_now(world: World) -> None:
    app_id = world.application(cohort=2023)
    reply = world.client.post(
        f"/api/v1/npq-applications/{app_id}/accept",
        headers=world.headers(**{"X-With-Server-Date": "2025-01-05T08:00:00+01:00"}),
    )
    assert reply.json["data"]["attributes"]["updated_at"] == "2025-01-05T07:00:00Z"


def test_concurrent_accepts_are_serialised(world: World, tmp_path: object) -> None:
    import threading

    app_id = world.application(cohort=2023)
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def call() -> None:
        client = world.app.test_client()
        barrier.wait()
        statuses.append(
            client.post(f"/api/v1/npq-applications/{app_id}/accept", headers=world.headers()).status_code
        )

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 422, 422, 422]


def test_concurrent_identical_declarations_make_one(world: World) -> None:
    import threading

    user, _ = world.participant(cohort=2023)
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def call() -> None:
        client = world.app.test_client()
        barrier.wait()
        body = {
            "data": {
                "attributes": {
                    "participant_id": user,
                    "declaration_type": "started",
                    "declaration_date": "2023-11-01T10:00:00Z",
                    "course_identifier": "npq-headship",
                }
            }
        }
        statuses.append(
            client.post("/api/v1/participant-declarations", json=body, headers=world.headers()).status_code
        )

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 422, 422, 422]
    assert len(world.get("/participant-declarations").json["data"]) == 1


def test_single_encoded_plus_offset_is_rejected_by_the_double_decode(world: World) -> None:
    reply = world.get("/participant-declarations?filter[updated_since]=2024-01-01T00:00:00%2B01:00")
    assert reply.status_code == 400
