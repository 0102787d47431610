"""The home page, /healthz and the interactive docs."""

from __future__ import annotations

from pathlib import Path

import pytest

from mockserver.pages import versions

AUTH = {"Authorization": "Bearer ambition-token"}


def test_home_page_shows_versions_providers_tokens_world_clock_settings_and_links(pages_client) -> None:
    pages_client.put("/__mock__/clock", json={"now": "2025-06-01T12:00:00Z"})
    page = pages_client.get("/")
    assert page.status_code == 200 and page.content_type.startswith("text/html")
    html = page.get_data(as_text=True)
    assert "http://localhost/api/v1" in html and 'href="/docs/v1"' in html
    for token in ("ambition-token", "ucl-token", "teach-first-token"):
        assert f'data-token="{token}"' in html
    assert "Ambition Institute" in html and "try v1" in html
    assert "2025-06-01T12:00:00Z" in html and "delivery_partner_rule" in html
    assert "pending" in html and "accepted" in html  # world counts
    for link in ('href="/journal"', 'href="/docs/testing"', 'href="/healthz"', 'href="/__mock__/world"'):
        assert link in html


def test_healthz_answers_ok_while_the_world_file_answers(pages_client) -> None:
    answer = pages_client.get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok", "versions": ["v1", "v2", "v3"]}


def test_versions_come_from_the_routes_and_documents_from_file_names(pages_app, monkeypatch,
                                                                    tmp_path: Path) -> None:
    assert versions.api_versions(pages_app) == ["v1", "v2", "v3"]
    assert versions.version_documents() == {f"v{n}": f"npq-lead-provider-v{n}.yaml" for n in (1, 2, 3)}
    folder = tmp_path / "openapi"
    folder.mkdir()
    for name in ("npq-lead-provider-v1.yaml", "npq-lead-provider-v3.yaml", "npq-lead-provider-v4.yaml",
                 "npq-lead-provider-v2.yaml", "npq-mock-testing-api.yaml", "notes.yaml"):
        (folder / name).write_text("openapi: 3.0.3\n")
    monkeypatch.setattr(versions, "openapi_dir", lambda: folder)
    assert list(versions.version_documents()) == ["v1", "v2", "v3", "v4"]
    assert [d.slug for d in versions.documents()] == ["v1", "v2", "v3", "v4", "testing"]

    @pages_app.get("/api/v4/ping")
    def _ping() -> str:
        return "pong"

    assert versions.api_versions(pages_app) == ["v1", "v2", "v3", "v4"]


@pytest.mark.parametrize("slug", ["v1", "testing"])
def test_docs_page_and_document_point_at_this_mock(pages_client, slug: str) -> None:
    page = pages_client.get(f"/docs/{slug}?provider=Ambition%20Institute")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and 'value="ambition-token"' in html
    document = pages_client.get(f"/docs/{slug}/openapi.json", base_url="http://mock.test:9000").json
    assert document["servers"][0]["url"] == "http://mock.test:9000"
    text = str(document)
    assert "npq-lead-provider-v1.yaml#" not in text  # sibling references bundled in
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_bundled_testing_document_resolves_every_reference(pages_client) -> None:
    document = pages_client.get("/docs/testing/openapi.json").json
    schemas = document["components"]["schemas"]

    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in set(refs(document)):
        section, name = ref.split("/")[-2:]
        assert name in document["components"][section], ref
    assert "ApplicationResponse" in schemas


def test_swagger_ui_assets_ship_in_a_python_package(pages_client) -> None:
    for name in ("swagger-ui-bundle.js", "swagger-ui.css"):
        answer = pages_client.get(f"/docs/assets/{name}")
        assert answer.status_code == 200 and len(answer.data) > 10_000
        answer.close()


def test_unknown_docs_and_assets_are_404_json(pages_client) -> None:
    for path in ("/docs/v9", "/docs/v9/openapi.json", "/docs/assets/nope.js", "/docs/assets/../../x"):
        answer = pages_client.get(path)
        assert answer.status_code == 404 and answer.json == {"error": "Resource not found"}, path
