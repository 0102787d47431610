"""The contract suite is black-box: it never imports the mock, and it passes against the clean mock."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

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


def _without_testing_api(app: Callable) -> Callable:
    """The mock as a real sandbox looks: no /__mock__/ endpoints."""

    def hidden(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/__mock__"):
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"error":"Resource not found"}']
        return app(environ, start_response)

    return hidden


def test_suite_passes_against_a_server_without_the_testing_api() -> None:
    """Sandbox mode: records are found through v1, what cannot be set up is skipped, nothing fails."""
    with serve(_without_testing_api(mock_app())) as base_url:
        run = run_suite(base_url, "--other-token", "ucl-token")
    assert run.returncode == 0, run.summary()
    assert "testing API: no" in run.output
    assert "SKIP" in run.output and "no testing API" in run.output
