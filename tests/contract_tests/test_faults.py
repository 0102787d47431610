"""The suite must fail on every deliberately broken server, naming the broken rule or check."""

from __future__ import annotations

import pytest

from tests.contract_tests.fault_list import FAULTS
from tests.contract_tests.harness import mock_app, run_suite, serve, without_testing_api


def test_catalogue_has_twenty_distinct_faults() -> None:
    names = [f.name for f in FAULTS]
    assert len(names) >= 20 and len(set(names)) == len(names)


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_suite_catches_fault(fault) -> None:  # type: ignore[no-untyped-def]
    app = fault.wrap(mock_app())
    with serve(without_testing_api(app) if fault.sandbox else app) as base_url:
        run = run_suite(base_url, *(["--quick"] if fault.quick else []), "-k", fault.select)
    summary = run.summary()
    assert run.returncode != 0, f"{fault.name}: the suite passed a broken server\n{summary}"
    fail_lines = [line for line in summary.splitlines() if line.startswith("FAIL")]
    assert any(fault.fails in line for line in fail_lines), (
        f"{fault.name}: expected a FAIL line naming {fault.fails!r}\n{summary}"
    )
