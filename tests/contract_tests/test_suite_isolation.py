"""The contract suite is black-box: it never imports the mock, and it passes against the clean mock."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.contract_tests.harness import REPO, mock_app, run_suite, serve


def test_contract_suite_never_imports_mockserver() -> None:
    offenders = []
    for source in sorted((REPO / "contract_tests").rglob("*.py")):
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [
                f"{source.relative_to(REPO)}: {n}" for n in names if n.split(".")[0] == "mockserver"
            ]
        assert '__import__("mockserver' not in source.read_text()
    assert not offenders, offenders


def test_full_suite_passes_against_the_clean_mock(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    with serve(mock_app()) as base_url:
        run = run_suite(base_url, "--junit-xml", str(junit))
    assert run.returncode == 0, run.summary()
    assert "COMPLIANT:" in run.output and "NOT COMPLIANT" not in run.output
    assert junit.read_text().count("<testcase") > 20


def test_read_only_run_passes_against_the_clean_mock() -> None:
    with serve(mock_app()) as base_url:
        run = run_suite(base_url, "--read-only", "--quick")
    assert run.returncode == 0, run.summary()
