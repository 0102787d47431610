"""Run settings and run state: one `RunState` per pytest session, kept on the pytest config.

Nothing here is a module global, so the suite can run twice in one process (`pytest.main` in-process, as
the self-tests do) without one run seeing another's server, token, counters or results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from contract_tests.capabilities import World
    from contract_tests.client import RateLimit
    from contract_tests.summary import Collector

API_VERSIONS = ("v1", "v2", "v3")
DEFAULT_API_VERSION = "v1"


@dataclass
class RunSettings:
    base_url: str = ""
    token: str = ""
    other_token: str | None = None
    spec: Path | None = None
    api_version: str = DEFAULT_API_VERSION
    read_only: bool = False
    quick: bool = False
    max_examples: int | None = None
    seed: int = 20240601
    # pause before re-sending after a 429, and the most a single request may wait in all.
    rate_limit_pause: float = 5.0
    rate_limit_max_wait: float = 330.0
    # Reading a whole collection (all pages) may take at most this long; beyond it the check is skipped.
    list_budget: float = 120.0
    # Against a mock with worlds: the run's own world, and the header that names it on every request.
    shared_world: bool = False
    world: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    @property
    def examples(self) -> int:
        """Fuzzing examples per operation (the coverage phase adds a fixed set on top)."""
        if self.max_examples is not None:
            return self.max_examples
        return 3 if self.quick else 25

    @property
    def api_prefix(self) -> str:
        """The path prefix of the API version under test: /api/v1, /api/v2 or /api/v3."""
        return f"/api/{self.api_version}"

    @property
    def is_v1(self) -> bool:
        return self.api_version == "v1"


def spec_for_version(version: str) -> Path:
    """The kit's OpenAPI document of one API version (it may not exist yet: v2/v3 are being written)."""
    from npq_lead_provider_kit.resources import openapi_path

    if version not in API_VERSIONS:
        raise ValueError(f"unknown API version {version!r}; expected one of {', '.join(API_VERSIONS)}")
    return openapi_path(f"npq-lead-provider-{version}.yaml")


def spec_path(settings: RunSettings) -> Path:
    """The document under test: --spec, else the kit's document for --api-version."""
    if settings.spec is not None:
        return settings.spec
    return spec_for_version(settings.api_version)


@dataclass
class RunState:
    """Everything one run of the suite holds: its settings, counters, discoveries and results."""

    settings: RunSettings
    rate_limit: RateLimit
    collector: Collector
    world: World | None = None
    notes: list[str] = field(default_factory=list)
    # Builds the Schemathesis schema (conformance.load_schema, given by the plugin: settings stays a leaf).
    schema_loader: Callable[[RunSettings, RateLimit], Any] | None = None
    _schema: Any = None
    _schema_error: str | None = None
    _operations: list[tuple[str, str]] | None = None

    def spec_missing(self) -> str | None:
        """Why the document under test cannot be used (None when it exists)."""
        path = spec_path(self.settings)
        if path.is_file():
            return None
        return (
            f"no OpenAPI document for API {self.settings.api_version} yet ({path.name} is not in this kit); "
            "pass --spec to check against another document"
        )

    def schema(self) -> Any:
        """The Schemathesis schema of this run, built once (None, with `schema_error`, when impossible)."""
        if self._schema is None and self._schema_error is None:
            self._schema_error = self.spec_missing()
            if self._schema_error is None and self.schema_loader is not None:
                self._schema = self.schema_loader(self.settings, self.rate_limit)
        return self._schema

    def operations(self) -> list[tuple[str, str]]:
        """(METHOD, path) of every operation of the document under test (none if it cannot be read)."""
        if self._operations is None:
            from schemathesis.errors import LoaderError

            from contract_tests.documents import parsed_document  # the parse the schema is built from

            try:
                doc = parsed_document(spec_path(self.settings))
            except (OSError, LoaderError):
                doc = {}
            self._operations = [
                (method.upper(), path)
                for path, item in ((doc or {}).get("paths") or {}).items()
                for method in item
                if method in {"get", "put", "post", "patch", "delete"}
            ]
        return self._operations

    @property
    def schema_error(self) -> str | None:
        self.schema()
        return self._schema_error


RUN_STATE = pytest.StashKey[RunState]()


def run_state(config: pytest.Config) -> RunState:
    """The run state of the session `config` belongs to."""
    return config.stash[RUN_STATE]
