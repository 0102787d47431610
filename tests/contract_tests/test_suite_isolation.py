"""The contract suite is black-box: it never imports the mock, and it passes against the clean mock.

The runs are in this process (several in a row, as independent as separate processes); the CLI's own exit
code for an unreachable server is checked through the real `npq-contract`.
"""

from __future__ import annotations

import ast
import re
import socket
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.contract_tests.harness import (
    REPO,
    SuiteRun,
    mock_app,
    run_cli,
    run_once_per_session,
    run_suite,
    serve,
    without_testing_api,
)


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


@pytest.fixture(scope="module")
def sandbox_run(tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    """A run of every layer against the mock as a real sandbox looks: no /__mock__/ endpoints. What it pins
    is sandbox mode (records found through the API, skips with reasons); generated cases are the clean-mock
    runs' business, so a few per operation do here. Its two tests may run on two workers: one run serves
    both."""

    def run() -> SuiteRun:
        with serve(without_testing_api(mock_app())) as base_url:
            return run_suite(base_url, "--other-token", "ucl-token", "--max-examples", "5")

    return run_once_per_session("sandbox_run", tmp_path_factory, run)


def test_suite_passes_against_a_server_without_the_testing_api(sandbox_run: SuiteRun) -> None:
    """Sandbox mode: records are found through v1, what cannot be set up is skipped, nothing fails."""
    run = sandbox_run
    assert run.returncode == 0, run.summary()
    assert "testing API: no" in run.output
    assert "SKIP" in run.output and "no testing API" in run.output


def test_sandbox_mode_declares_for_a_found_participant(sandbox_run: SuiteRun) -> None:
    """The found-participant declaration journey ran (not skipped) and passed every step."""
    lines = sandbox_run.summary().splitlines()
    for rule in ("R-104", "R-108", "R-39", "R-31", "R-102", "R-109", "R-110"):
        assert any(line.startswith(f"PASS  {rule} sandbox:") for line in lines), (
            f"{rule} of the found-participant journey did not pass\n{sandbox_run.summary()}"
        )


def _rate_limited(app: Callable, every: int, seen: list[int]) -> Callable:
    """R-17 as the real service answers it: now and then 429 `Retry later` (text/plain, no Retry-After)."""
    lock = threading.Lock()

    def limited(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith("/api/"):
            with lock:
                seen[0] += 1
                refuse = seen[0] % every == 0
            if refuse:
                start_response("429 Too Many Requests", [("Content-Type", "text/plain")])
                return [b"Retry later\n"]
        return app(environ, start_response)

    return limited


def test_rate_limiting_is_waited_out_and_quick_run_stays_within_budget() -> None:
    """A 429 is never a contract finding: the request is re-sent after a pause. A --quick run also stays
    well inside the real service's 1000 requests per 5 minutes (R-17), so it never has to wait."""
    seen = [0]
    with serve(_rate_limited(mock_app(), 15, seen)) as base_url:
        run = run_suite(base_url, "--quick", "--rate-limit-pause", "0.01")
    assert run.returncode == 0, run.summary()
    assert "NOT COMPLIANT" not in run.output
    pauses = re.search(r"rate-limit \(429\) pauses: (\d+)", run.output)
    assert pauses and int(pauses.group(1)) > 0, run.summary()
    api_requests = seen[0] - seen[0] // 15  # those answered 429 were sent again
    assert api_requests < 900, f"a --quick run sent {api_requests} API requests"


def test_an_unreachable_server_is_one_clear_usage_error_not_a_hundred_findings() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = run_cli("--base-url", f"http://127.0.0.1:{port}", "--token", "ambition-token")
    assert run.returncode == 2
    assert f"cannot reach http://127.0.0.1:{port}" in run.output
    assert "FAIL " not in run.output


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_full_suite_passes_against_the_clean_mock_for(version: str) -> None:
    """--api-version v2/v3: every layer (conformance, auth and scoping on every operation, stateful, the
    version's journeys) passes against the clean mock; checks of another version's rule skip saying so."""
    # v3 gets the full run (its own rules, stateful links); v2 is v1's rules (V-01) with other views, so
    # --quick keeps the self-tests' time in bounds.
    with serve(mock_app()) as base_url:
        run = run_suite(base_url, "--api-version", version, *(["--quick"] if version == "v2" else []))
    assert run.returncode == 0, run.summary()
    assert f"NPQ lead provider API {version} contract:" in run.output and "FAIL " not in run.output
    assert "not yet version-aware" not in run.output
    assert f"not a rule of API {version}" in run.output  # e.g. R-61 (v1/v2) or V-55 (v3)


@pytest.mark.parametrize("version", ["v2", "v3"])
def test_version_suite_passes_without_the_testing_api(version: str) -> None:
    """Sandbox mode for v2/v3 (DfE's v3 sandbox has no testing API): found records, skips with reasons."""
    with serve(without_testing_api(mock_app())) as base_url:
        run = run_suite(base_url, "--quick", "--api-version", version, "--other-token", "ucl-token")
    assert run.returncode == 0, run.summary()
    assert "testing API: no" in run.output and "no testing API" in run.output
    if version == "v3":
        for rule in ("V-72", "V-74", "V-35", "V-34", "V-31", "V-64", "§2"):
            assert f"PASS  {rule} " in run.output, f"{rule} did not run in sandbox mode\n{run.summary()}"


def test_a_v1_run_after_a_v3_run_in_one_process_is_unaffected() -> None:
    with serve(mock_app()) as base_url:
        v3 = run_suite(base_url, "--quick", "--api-version", "v3", "-k", "test_v05 or test_r51")
        v1 = run_suite(base_url, "--quick", "-k", "test_r51 or test_v05")
    assert v3.returncode == 0 and "PASS  V-05" in v3.output, v3.summary()
    assert v1.returncode == 0 and "PASS  R-51" in v1.output, v1.summary()
    assert "not a rule of API v1" in v1.output  # V-05 is v3's


def test_a_run_against_the_mock_works_in_a_world_of_its_own_and_deletes_it() -> None:
    """Issue 12: the suite makes its own world, so the default world (and anyone using it) is untouched."""
    app = mock_app()
    inspect = app.test_client()  # type: ignore[attr-defined]
    before = inspect.get("/__mock__/world").get_json()
    with serve(app) as base_url:
        run = run_suite(base_url, "--quick", "-k", "test_r51 or test_r57 or conforms")
    assert run.returncode == 0, run.summary()
    assert "world: " in run.output and "a world of this run's own" in run.output
    assert inspect.get("/__mock__/world").get_json() == before
    assert inspect.get("/__mock__/clock").get_json() == {"now": None}
    assert inspect.get("/__mock__/worlds").get_json()["data"] == []


def test_shared_world_runs_in_the_default_world() -> None:
    app = mock_app()
    inspect = app.test_client()  # type: ignore[attr-defined]
    before = inspect.get("/__mock__/world").get_json()
    with serve(app) as base_url:
        run = run_suite(base_url, "--quick", "--shared-world", "-k", "test_r51")
    assert run.returncode == 0, run.summary()
    assert "a world of this run's own" not in run.output
    assert inspect.get("/__mock__/world").get_json() != before  # its records landed in the default world


def test_runs_at_once_against_one_mock_each_pass_in_their_own_world() -> None:
    """Two suites at the same time against one mock (each freezes and restores the clock, makes records,
    reads whole lists): each in its own world, neither disturbs the other. benchmarks/parallel_suites.py
    shows the same runs in one shared world failing."""
    with serve(mock_app()) as base_url, ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(
            lambda token: run_cli("--base-url", base_url, "--token", token, "--api-version", "v3", "--quick",
                                  "-k", "test_r5 or test_r14 or test_v3"),
            ["ambition-token", "best-practice-token"],
        ))
    for run in runs:
        assert run.returncode == 0, run.summary()
        assert "a world of this run's own" in run.output
