"""Worlds: isolated copies of the mock on one server, each a file of its own made from a seeded template.

A world is created by copying a template (seeded once per (seed, size, empty) and kept beside the default
world), giving its providers fresh tokens and registering those tokens, so a provider's client needs only
another token to be isolated. Worlds expire after their TTL; their number and total size are bounded.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mockserver.config import Settings
from mockserver.errors import ApiError, InvalidAttribute
from mockserver.seed import prepare_database, remove_database, reset_world
from mockserver.store import worlds as store
from mockserver.store.db import connect, write_transaction

DEFAULT_TTL_SECONDS = 3600
MAX_TTL_SECONDS = 7 * 24 * 3600
MAX_APPLICATIONS = 100_000  # a world is for tests: bigger worlds belong in a server of their own


@dataclass(frozen=True)
class WorldRequest:
    """What a new world is made of; None means the server's own value."""

    seed: int | None = None
    applications: int | None = None
    empty: bool = False
    ttl_seconds: int = DEFAULT_TTL_SECONDS


def parse_request(body: dict[str, Any]) -> WorldRequest:
    """Validate the body of POST /__mock__/worlds (422 naming the attribute)."""

    def whole(name: str, low: int, high: int) -> int | None:
        value = body.get(name)
        if value is None:
            return None
        if type(value) is not int or not low <= value <= high:
            raise InvalidAttribute(name, f"must be a whole number from {low} to {high}")
        return value

    empty = body.get("empty", False)
    if type(empty) is not bool:
        raise InvalidAttribute("empty", "must be true or false")
    fixtures = body.get("fixtures", "server")
    if fixtures != "server":
        raise InvalidAttribute("fixtures",
                               'must be "server": a world uses the reference data the server uses')
    ttl = whole("ttl_seconds", 1, MAX_TTL_SECONDS)
    return WorldRequest(
        seed=whole("seed", 0, 2**31 - 1),
        applications=whole("applications", 0, MAX_APPLICATIONS),
        empty=empty,
        ttl_seconds=DEFAULT_TTL_SECONDS if ttl is None else ttl,
    )


def worlds_dir(default_world: Path) -> Path:
    """Where the worlds of a server live: a folder beside its default world file."""
    return Path(f"{default_world}.worlds")


def _template(settings: Settings, folder: Path, seed: int, applications: int | None, empty: bool) -> Path:
    """The seeded template for these parameters, made once (atomically: workers may race to make it)."""
    kind = "empty" if empty else f"a{applications if applications is not None else 'default'}"
    path = folder / f"template-s{seed}-{kind}.sqlite3"
    if path.exists():
        return path
    scratch = folder / f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}"
    prepare_database(settings.with_overrides(db_path=scratch, seed=seed, applications=applications))
    conn = connect(scratch)
    try:
        if empty:
            reset_world(conn, seed=seed, empty=True)
        store.checkpoint(conn)  # everything in the main file: a copy then needs no -wal companion
    finally:
        conn.close()
    os.replace(scratch, path)
    remove_database(scratch)  # its -wal/-shm companions, if any
    return path


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:24] or "provider"


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.glob("world-*") if p.is_file())


def _describe(world: dict[str, Any], tokens: dict[str, str], names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": world["id"],
        "seed": world["seed"],
        "applications": world["applications"],
        "empty": bool(world["empty"]),
        "created_at": world["created_at"],
        "expires_at": datetime.fromtimestamp(world["expires_at"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lead_providers": [
            {"id": provider, "name": names.get(provider, ""), "token": token}
            for token, provider in sorted(tokens.items(), key=lambda item: names.get(item[1], ""))
        ],
    }


@dataclass(frozen=True)
class Worlds:
    """The worlds of one server: its settings, its default world file, and the bounds."""

    settings: Settings
    default_world: Path
    max_worlds: int = 50
    max_total_bytes: int = 2 * 1024**3

    @property
    def folder(self) -> Path:
        return worlds_dir(self.default_world)

    def create(self, registry: sqlite3.Connection, wanted: WorldRequest) -> dict[str, Any]:
        """Copy a template into a new world with fresh tokens; its description (tokens included)."""
        self.expire(registry)
        if len(store.all_worlds(registry)) >= self.max_worlds:
            raise InvalidAttribute("worlds",
                                   f"this server already holds {self.max_worlds} worlds: delete one")
        self.folder.mkdir(parents=True, exist_ok=True)
        if _size(self.folder) >= self.max_total_bytes:
            raise InvalidAttribute("worlds",
                                   "the worlds of this server use all the disk they may: delete one")
        seed = self.settings.seed if wanted.seed is None else wanted.seed
        size = self.settings.applications if wanted.applications is None else wanted.applications
        template = _template(self.settings, self.folder, seed, size, wanted.empty)
        world_id = str(uuid.uuid4())
        path = self.folder / f"world-{world_id}.sqlite3"
        by_provider: dict[str, str] = {}

        def fresh_tokens(providers: list[tuple[str, str]]) -> dict[str, str]:
            by_provider.update({pid: f"{_slug(name)}-{secrets.token_hex(12)}" for pid, name in providers})
            return by_provider

        names = dict(store.copy_world(template, path, fresh_tokens))
        now = time.time()
        world = {
            "id": world_id, "path": str(path), "seed": seed, "applications": size, "empty": int(wanted.empty),
            "created_at": datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "expires_at": now + wanted.ttl_seconds,
        }
        tokens = {token: provider for provider, token in by_provider.items()}
        with write_transaction(registry):
            store.register(registry, world, tokens)
        return _describe(world, tokens, names)

    def describe(self, registry: sqlite3.Connection, world_id: str) -> dict[str, Any]:
        """One live world, with its tokens."""
        world = store.get(registry, world_id)
        if world is None or world["expires_at"] <= time.time():
            raise ApiError.of("testing_api.world_not_found")
        names = dict(store.provider_ids(Path(world["path"])))
        return _describe(world, store.tokens_of(registry, world_id), names)

    def list(self, registry: sqlite3.Connection) -> list[dict[str, Any]]:
        """Every live world, oldest first."""
        self.expire(registry)
        return [self.describe(registry, world["id"]) for world in store.all_worlds(registry)]

    def delete(self, registry: sqlite3.Connection, world_id: str) -> None:
        """Forget a world (its tokens answer 401 from now on) and delete its file."""
        world = store.get(registry, world_id)
        if world is None:
            raise ApiError.of("testing_api.world_not_found")
        with write_transaction(registry):
            store.remove(registry, world_id)
        remove_database(Path(world["path"]))

    def expire(self, registry: sqlite3.Connection) -> int:
        """Delete every world whose TTL has passed; how many."""
        gone = store.expired(registry, time.time())
        for world in gone:
            self.delete(registry, world["id"])
        return len(gone)

    def retoken(self, registry: sqlite3.Connection, world_id: str, conn: sqlite3.Connection) -> None:
        """Give a world's providers their world tokens again (after a reset rewrote the reference data)."""
        by_provider = {provider: token for token, provider in store.tokens_of(registry, world_id).items()}
        store.set_tokens(conn, by_provider)
