"""Session-wide hooks: the OpenAPI response net's figures, gathered from every pytest-xdist worker."""

from __future__ import annotations

import sys
from typing import Any

import pytest

_KEY = "spec_validation"


def pytest_sessionfinish(session: pytest.Session) -> None:
    worker_output = getattr(session.config, "workeroutput", None)
    net = sys.modules.get("tests.mockserver.spec_validation")  # loaded only if this worker used it
    if worker_output is not None and net is not None:  # an xdist worker: send its counts to the controller
        worker_output[_KEY] = net.VALIDATOR.export()


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: only called when the run is distributed
def pytest_testnodedown(node: Any, error: object) -> None:
    exported = getattr(node, "workeroutput", {}).get(_KEY)
    if exported:
        from tests.mockserver.spec_validation import VALIDATOR

        VALIDATOR.merge(exported)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many responses the OpenAPI response net checked (scenario, route and ops_app tests)."""
    net = sys.modules.get("tests.mockserver.spec_validation")
    if net is not None and net.VALIDATOR.validated:
        terminalreporter.write_line(net.VALIDATOR.summary())
