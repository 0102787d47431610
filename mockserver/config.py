"""Frozen settings for one mock instance, built from CLI flags or NPQ_MOCK_* environment variables."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

ENV_PREFIX = "NPQ_MOCK_"


@dataclass(frozen=True)
class Settings:
    """Everything that shapes a mock world and how it is served. Nothing is read at import time."""

    host: str = "127.0.0.1"
    port: int = 8000
    seed: int = 1
    # None: a fresh world in a temporary file on every start. A path: reopened, not reseeded.
    db_path: Path | None = None
    # None: the reference data shipped with the kit.
    fixtures_dir: Path | None = None
    # None: the default demonstration world; N: that many generated applications.
    applications: int | None = None
    # Behaviour reference D4: declarations for England-based 2024+ applications need a delivery partner.
    delivery_partner_rule: bool = True
    workers: int = 2
    # Threads per worker process (granian's blocking threads); see serve.py for the trade-off.
    threads: int = 4
    max_body_bytes: int = 1024 * 1024
    # The request journal (mockserver/pages/journal.py): the latest N requests; 0 turns it off.
    journal_size: int = 1000
    # Worlds (POST /__mock__/worlds): how many may exist at once, and how much disk they may use in all.
    max_worlds: int = 50
    max_worlds_bytes: int = 2 * 1024**3
    # R-17 (mockserver/resilience): 1000 requests per 5 minutes per Authorization value, off by default.
    rate_limit: bool = False
    # The testing API (/__mock__/): open (the default), guarded by this token in the X-NPQ-Mock-Admin header,
    # or off. The token is a secret: never shown (repr, banner, pages) nor recorded.
    testing_api_token: str | None = dataclasses.field(default=None, repr=False)
    testing_api: bool = True
    # Seconds a client has to send a request body, else 408 (mockserver/resilience/body.py); 0: no deadline.
    body_timeout: int = 30
    # Lists answered from each record's rendered JSON kept in the world file (mockserver/store/rendered.py);
    # off: every page rendered from its rows (the same bytes, slower).
    stored_bodies: bool = True

    def with_overrides(self, **changes: object) -> Settings:
        """A copy with the given fields changed; None values leave a field as it is."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def to_env(self) -> dict[str, str]:
        """NPQ_MOCK_* variables that rebuild these settings in another process (from_env's inverse)."""
        values = {field.name: getattr(self, field.name) for field in fields(self)}
        for name in _BOOLEANS:
            values[name] = "true" if values[name] else "false"
        return {ENV_PREFIX + k.upper(): str(v) for k, v in values.items() if v is not None}

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from NPQ_MOCK_HOST, NPQ_MOCK_PORT, NPQ_MOCK_SEED, NPQ_MOCK_DB_PATH, ..."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for field in fields(cls):
            raw = environ.get(ENV_PREFIX + field.name.upper())
            if raw is None or raw == "":
                continue
            values[field.name] = _convert(field.name, raw)
        return cls(**values)  # type: ignore[arg-type]


_BOOLEANS = ("delivery_partner_rule", "rate_limit", "testing_api", "stored_bodies")


def _convert(name: str, raw: str) -> object:
    if name in {"port", "seed", "applications", "workers", "max_body_bytes", "journal_size", "threads",
                "body_timeout", "max_worlds", "max_worlds_bytes"}:
        try:
            return int(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a whole number") from None
    if name in {"db_path", "fixtures_dir"}:
        return Path(raw)
    if name in _BOOLEANS:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    return raw
