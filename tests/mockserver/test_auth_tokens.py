"""Bearer tokens are read once per process, without ever refusing a token the database holds."""

from __future__ import annotations

from mockserver.app import create_app
from mockserver.config import Settings
from mockserver.store.db import write_transaction
from mockserver.world import connection

LIST = "/api/v1/npq-applications?page[per_page]=1"


def test_a_token_added_after_the_first_request_is_still_accepted() -> None:
    app = create_app(Settings(applications=5))
    client = app.test_client()
    assert client.get(LIST, headers={"Authorization": "Bearer ambition-token"}).status_code == 200
    assert client.get(LIST, headers={"Authorization": "Bearer late-token"}).status_code == 401
    with app.app_context(), write_transaction(connection()) as conn:  # as a reference rewrite would
        conn.execute("INSERT INTO lead_providers (id, name, token) VALUES (?, ?, ?)",
                     ("0b8c5a70-0000-4000-8000-000000000001", "Late Provider", "late-token"))
    reply = client.get(LIST, headers={"Authorization": "Bearer late-token"})
    assert reply.status_code == 200 and reply.json == {"data": []}


def test_reset_forgets_the_copy_and_every_seeded_token_still_works() -> None:
    app = create_app(Settings(applications=5))
    client = app.test_client()
    providers = client.get("/__mock__/lead-providers").json["data"]
    assert client.post("/__mock__/reset", json={"empty": True}).status_code == 200
    for provider in providers:
        headers = {"Authorization": f"Bearer {provider['token']}"}
        assert client.get(LIST, headers=headers).status_code == 200, provider["name"]
