"""The suite must fail on every deliberately broken server, naming the broken rule or check.

Every fault is mounted on one shared server (its own fresh mock behind its own path prefix) and the suite
runs in this process; one fault also goes through the real `npq-contract` to pin its exit code.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract_tests.catalogue import Fault
from tests.contract_tests.fault_list import FAULTS
from tests.contract_tests.harness import (
    TOKEN,
    FaultServer,
    SuiteRun,
    fault_server,
    mock_app,
    run_cli,
    run_suite,
    without_testing_api,
)


def test_catalogue_has_twenty_distinct_faults() -> None:
    names = [f.name for f in FAULTS]
    assert len(names) >= 20 and len(set(names)) == len(names)


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with fault_server() as server:
        yield server


def _mount(server: FaultServer, fault: Fault) -> str:
    app = fault.wrap(mock_app())
    return server.mount(fault.name, without_testing_api(app) if fault.sandbox else app)


def _assert_caught(fault: Fault, run: SuiteRun) -> None:
    summary = run.summary()
    assert run.returncode != 0, f"{fault.name}: the suite passed a broken server\n{summary}"
    fail_lines = [line for line in summary.splitlines() if line.startswith("FAIL")]
    assert any(fault.fails in line for line in fail_lines), (
        f"{fault.name}: expected a FAIL line naming {fault.fails!r}\n{summary}"
    )


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_suite_catches_fault(fault: Fault, faults: FaultServer) -> None:
    base_url = _mount(faults, fault)
    quick = ["--quick"] if fault.quick else []
    run = run_suite(base_url, *quick, "--api-version", fault.version, "-k", fault.select)
    _assert_caught(fault, run)


def test_npq_contract_exits_1_on_a_broken_server(faults: FaultServer) -> None:
    """The CLI's verdict is its exit code: 1 when a check failed (here a business rule, R-51)."""
    fault = next(f for f in FAULTS if f.name == "accept_twice_allowed")
    base_url = _mount(faults, fault)
    run = run_cli("--base-url", base_url, "--token", TOKEN, "--quick", "-k", fault.select)
    assert run.returncode == 1, run.summary()
    _assert_caught(fault, run)
    assert '"Authorization: Bearer $NPQ_TOKEN"' in run.output  # the failure's curl names the variable
