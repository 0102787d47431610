"""Worlds through the testing API: create, list, show and delete isolated copies of the mock."""

from __future__ import annotations

from flask import Response

from mockserver import world as mock_world
from mockserver.errors import InvalidAttribute
from mockserver.testing_api.common import blueprint, json_answer, read_body
from mockserver.worlds import parse_request


def _worlds():  # noqa: ANN202 - mockserver.worlds.Worlds
    worlds = mock_world.state().worlds
    if worlds is None:  # an app built over a bare connection (some tests): no file to copy from
        raise InvalidAttribute("worlds", "this server keeps no world file, so it cannot copy one")
    return worlds


@blueprint.post("/worlds")
def create_world() -> Response:
    """A new world (a copy of a seeded template) with a fresh token per provider; 201 with its tokens."""
    wanted = parse_request(read_body(required=False))
    return json_answer({"data": _worlds().create(mock_world.registry_connection(), wanted)}, 201)


@blueprint.get("/worlds")
def list_worlds() -> Response:
    """Every live world (expired ones are deleted first)."""
    return json_answer({"data": _worlds().list(mock_world.registry_connection())})


@blueprint.get("/worlds/<world_id>")
def show_world(world_id: str) -> Response:
    """One world with its tokens."""
    return json_answer({"data": _worlds().describe(mock_world.registry_connection(), world_id)})


@blueprint.delete("/worlds/<world_id>")
def delete_world(world_id: str) -> Response:
    """Delete a world: its tokens answer 401 from now on."""
    _worlds().delete(mock_world.registry_connection(), world_id)
    return json_answer({"deleted": world_id})
