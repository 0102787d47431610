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
