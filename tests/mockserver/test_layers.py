"""SQL stays in the store (import layers: the import-linter contracts in pyproject.toml, make lint)."""

from __future__ import annotations

import ast
from pathlib import Path

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


def test_sql_lives_only_in_the_store() -> None:
    offenders = []
    for source in sorted(PACKAGE.rglob("*.py")):
        if "store" in source.relative_to(PACKAGE).parts:
            continue
        text = source.read_text(encoding="utf-8")
        if any(keyword in text for keyword in ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM")):
            offenders.append(str(source.relative_to(PACKAGE)))
    assert not offenders, f"SQL outside mockserver/store: {offenders}"
