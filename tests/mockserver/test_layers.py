"""The layering ARCHITECTURE.md promises: imports point inward, SQL stays in the store."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "mockserver"


def _imports(folder: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for source in sorted((PACKAGE / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        found[source.name] = names
    return found


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("domain", ("flask", "werkzeug", "sqlite3", "mockserver.store", "mockserver.services",
                    "mockserver.routes")),
        ("routes", ("sqlite3", "mockserver.store")),
        ("services", ("flask", "werkzeug", "mockserver.routes")),
        ("store", ("flask", "werkzeug", "mockserver.services", "mockserver.routes")),
    ],
)
def test_layer_imports_point_inward(folder: str, forbidden: tuple[str, ...]) -> None:
    offenders = [
        f"{module}: {name}"
        for module, names in _imports(folder).items()
        for name in names
        if any(name == bad or name.startswith(bad + ".") for bad in forbidden)
    ]
    assert not offenders, f"mockserver/{folder} imports what its layer must not: {offenders}"


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if "store" in source.relative_to(PACKAGE).parts:
            continue
        text = source.read_text(encoding="utf-8")
        if any(keyword in text for keyword in ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM")):
            offenders.append(str(source.relative_to(PACKAGE)))
    assert not offenders, f"SQL outside mockserver/store: {offenders}"
