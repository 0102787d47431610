"""V-51, V-52, VD8, V-99: after DfE moves an application to another provider, v3 (HEAD) shows its
declarations to the new provider read-only (403 on writes, before the body is read); v1/v2 keep creator
scope. The transfer is made in the store: the testing API's transfer hook is not part of this change."""

from __future__ import annotations

from mockserver.store.db import write_transaction
from tests.mockserver.core_world import AMBITION, UCL, World

FORBIDDEN = {
    "errors": [
        {
            "title": "Cannot modify declaration",
            "detail": "The declaration cannot be modified because it was created by another lead provider",
        }
    ]
}


def _transferred(world: World) -> str:
    person, app_id = world.participant(cohort=2023)
    reply = world.declare(person)
    assert reply.status_code == 200, reply.json
    with write_transaction(world.conn):
        world.conn.execute("UPDATE applications SET lead_provider_id = ? WHERE id = ?", (UCL, app_id))
    return reply.json["data"]["id"]


def _v(world: World, version: str, method: str, path: str, provider: str, body: object = None):
    return world.client.open(
        f"/api/{version}{path}", method=method, json=body, headers=world.headers(provider)
    )


def test_v51_new_provider_sees_the_old_providers_declarations_in_v3_only(world: World) -> None:
    decl = _transferred(world)
    assert _v(world, "v3", "GET", f"/participant-declarations/{decl}", UCL).status_code == 200
    listed = _v(world, "v3", "GET", "/participant-declarations", UCL).json["data"]
    assert [d["id"] for d in listed] == [decl]
    assert listed[0]["attributes"]["lead_provider_name"] == "Ambition Institute"
    for version in ("v1", "v2"):
        assert _v(world, version, "GET", f"/participant-declarations/{decl}", UCL).status_code == 404
        assert _v(world, version, "GET", "/participant-declarations", UCL).json["data"] == []
        assert _v(world, version, "PUT", f"/participant-declarations/{decl}/void", UCL).status_code == 404
    assert _v(world, "v3", "GET", f"/participant-declarations/{decl}", AMBITION).status_code == 200


def test_v52_writes_by_a_non_creator_are_403_before_the_body(world: World) -> None:
    decl = _transferred(world)
    for path, body in (
        (f"/participant-declarations/{decl}/void", None),
        (f"/participant-declarations/{decl}/change-delivery-partner", {"data": {}}),
    ):
        reply = _v(world, "v3", "PUT", path, UCL, body)
        assert (reply.status_code, reply.json) == (403, FORBIDDEN)
    assert (
        world.conn.execute("SELECT state FROM declarations WHERE id = ?", (decl,)).fetchone()[0] == "eligible"
    )
    voided = _v(world, "v3", "PUT", f"/participant-declarations/{decl}/void", AMBITION)
    assert voided.status_code == 200 and voided.json["data"]["attributes"]["state"] == "voided"


def test_vd8_aug_2025_epoch_keeps_creator_scope(world: World) -> None:
    decl = _transferred(world)
    world.setting("v3_epoch", "2025-08")
    assert _v(world, "v3", "GET", f"/participant-declarations/{decl}", UCL).status_code == 404
    assert _v(world, "v3", "PUT", f"/participant-declarations/{decl}/void", UCL).status_code == 404


def test_v51_a_transfer_back_shows_the_declaration_once_to_its_creator_only(world: World) -> None:
    decl = _transferred(world)
    with write_transaction(world.conn):  # DfE moves it back to the provider that made the declaration
        world.conn.execute(
            "UPDATE applications SET lead_provider_id = ? WHERE id = "
            "(SELECT application_id FROM declarations WHERE id = ?)",
            (AMBITION, decl),
        )
    assert _v(world, "v3", "GET", "/participant-declarations", UCL).json["data"] == []
    assert _v(world, "v3", "GET", f"/participant-declarations/{decl}", UCL).status_code == 404
    mine = [d["id"] for d in _v(world, "v3", "GET", "/participant-declarations", AMBITION).json["data"]]
    assert mine.count(decl) == 1
