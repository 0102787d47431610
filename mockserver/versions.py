"""The API versions one mock serves over one world: each is a path prefix, a representation and a rule set.

Adding a version adds a representation module, a rule set and (for new endpoints) route modules; the use
cases are shared and read the rule set's flags.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from mockserver.domain import rulesets
from mockserver.domain.rulesets import RuleSet
from mockserver.representations.v1 import V1
from mockserver.representations.v2 import V2
from mockserver.representations.v3 import V3

_V3_HEAD, _V3_AUG_2025 = V3(head=True), V3(head=False)


@dataclass(frozen=True)
class ApiVersion:
    """One version of the API as the mock serves it."""

    name: str
    csv: bool  # v1/v2 answer CSV lists; a v3 `.csv` URL answers JSON (V-05)
    _rules: Callable[[Mapping[str, Any]], RuleSet]
    _views: Callable[[Callable[[], Mapping[str, Any]]], Any]

    @property
    def prefix(self) -> str:
        """The URL prefix, e.g. /api/v3."""
        return f"/api/{self.name}"

    def rules(self, settings: Mapping[str, Any]) -> RuleSet:
        """The rule set in force for this version under the world's settings."""
        return self._rules(settings)

    def views(self, settings: Callable[[], Mapping[str, Any]]) -> Any:
        """The representation in force (v3's depends on the v3_epoch setting, read only then)."""
        return self._views(settings)


def _v3_views(settings: Callable[[], Mapping[str, Any]]) -> V3:
    return _V3_AUG_2025 if settings().get("v3_epoch") == "2025-08" else _V3_HEAD


# The view number each shape's bodies are stored under (store/rendered.py: 1-15, one per shape): a
# representation's JSON records, and a CSV row function's lines (v2's applications CSV is v1's function).
VIEW_NUMBERS: dict[object, int] = {
    V1: 1,
    V2: 2,
    _V3_HEAD: 3,
    _V3_AUG_2025: 4,
    V1.application_csv_row: 5,
    V2.enrolment_csv_row: 6,
    V1.declaration_csv_row: 7,
    V2.declaration_csv_row: 8,
}


def view_number(shape: object) -> int:
    """The view number of a representation in force or of a CSV row function (a KeyError for one without:
    never a shared number)."""
    return VIEW_NUMBERS[shape]


@lru_cache(maxsize=4)
def rendering_stamp(course_pairs: tuple[tuple[str, str], ...]) -> str:
    """What rendered bodies depend on besides the world's rows: this build's code (any change to the
    package's source) and the reference data's interchangeable courses (R-40 reads them). Bodies stored
    under another stamp are cleared when a connection opens the file (store/rendered.py)."""
    digest = hashlib.sha256(repr(course_pairs).encode())
    package = resources.files("mockserver")
    for path in sorted(_sources(package), key=str):
        digest.update(str(path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _sources(folder: Any) -> list[Any]:
    found = []
    for entry in folder.iterdir():
        if entry.is_dir() and entry.name != "__pycache__":
            found.extend(_sources(entry))
        elif entry.name.endswith((".py", ".sql")):
            found.append(entry)
    return found


V1_API = ApiVersion("v1", True, lambda s: rulesets.baseline("v1", s), lambda _s: V1)
V2_API = ApiVersion("v2", True, lambda s: rulesets.baseline("v2", s), lambda _s: V2)
V3_API = ApiVersion("v3", False, rulesets.v3, _v3_views)
VERSIONS: tuple[ApiVersion, ...] = (V1_API, V2_API, V3_API)
