"""README.md stays true: the rule catalogue matches the code, and CI runs README's test command."""

from __future__ import annotations

from pathlib import Path

from mockserver.rules_doc import with_table

REPO = Path(__file__).resolve().parents[1]


def test_readme_lists_the_current_rule_catalogue() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert with_table(readme) == readme, "run: python -m mockserver.rules_doc README.md"


def test_ci_runs_the_test_command_readme_gives() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme and "make mock" in readme
    assert ci.strip().splitlines()[-1] == "make test"
