"""Run settings, filled from the command line by the plugin before test modules are imported."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class RunSettings:
    base_url: str = ""
    token: str = ""
    other_token: str | None = None
    spec: Path | None = None
    read_only: bool = False
    quick: bool = False
    max_examples: int | None = None
    seed: int = 20240601
    # pause before re-sending after a 429, and the most a single request may wait in all.
    rate_limit_pause: float = 5.0
    rate_limit_max_wait: float = 330.0
    # Reading a whole collection (all pages) may take at most this long; beyond it the check is skipped.
    list_budget: float = 120.0

    @property
    def examples(self) -> int:
        """Fuzzing examples per operation (the coverage phase adds a fixed set on top)."""
        if self.max_examples is not None:
            return self.max_examples
        return 3 if self.quick else 25


CURRENT = RunSettings()


def spec_path() -> Path:
    """Our v1 contract unless --spec names another document."""
    if CURRENT.spec is not None:
        return CURRENT.spec
    from npq_lead_provider_kit.resources import openapi_path

    return openapi_path()
