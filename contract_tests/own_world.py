"""A run against a mock with worlds works in a world of its own, so it never disturbs anyone else's state.

Against our mock (`POST /__mock__/worlds` answers), the run makes a world, swaps the tokens it was given for
that world's tokens of the same providers, sends `X-NPQ-Mock-World` with every request, and deletes the
world at the end. Against any other server (a real sandbox) nothing changes. `--shared-world` opts out.
"""

from __future__ import annotations

import contextlib

import requests

from contract_tests.settings import RunSettings

WORLD_HEADER = "X-NPQ-Mock-World"
TIMEOUT = 30
TTL_SECONDS = 4 * 3600  # longer than any run; the mock deletes it by itself if the run dies


def enter(settings: RunSettings) -> str | None:
    """Make the run's world and point the settings at it; a note for the summary (None: not a mock)."""
    base = settings.base_url
    try:
        known = requests.get(f"{base}/__mock__/lead-providers", timeout=TIMEOUT)
        if known.status_code != 200:
            return None
        providers = {p["token"]: p["id"] for p in known.json()["data"]}
        made = requests.post(f"{base}/__mock__/worlds", json={"ttl_seconds": TTL_SECONDS}, timeout=TIMEOUT)
        if made.status_code != 201:
            return None
        world = made.json()["data"]
    except (requests.RequestException, ValueError, KeyError, TypeError):
        return None
    tokens = {p["id"]: p["token"] for p in world["lead_providers"]}
    mine = providers.get(settings.token)
    if mine not in tokens:  # a token the default world does not know: leave everything as it was
        requests.delete(f"{base}/__mock__/worlds/{world['id']}", timeout=TIMEOUT)
        return None
    settings.token = tokens[mine]
    if settings.other_token is not None and providers.get(settings.other_token) in tokens:
        settings.other_token = tokens[providers[settings.other_token]]
    settings.world = world["id"]
    settings.extra_headers[WORLD_HEADER] = world["id"]
    return f"world: {world['id']} (a world of this run's own, deleted at the end; --shared-world to opt out)"


def leave(settings: RunSettings) -> None:
    """Delete the run's world (its tokens answer 401 afterwards)."""
    if settings.world is None:
        return
    with contextlib.suppress(requests.RequestException):  # the mock deletes it after its TTL anyway
        requests.delete(f"{settings.base_url}/__mock__/worlds/{settings.world}", timeout=TIMEOUT)
    settings.world = None
