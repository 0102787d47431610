"""The suite never hangs and never cries wolf: against misbehaving servers it ends with findings that say
what happened (a repeated page, a huge answer, no answer, a cut connection, HTML, a redirect); against a
correct but slow or rate-limited mock it passes.

The suite runs in this process on a subset of its checks (lists and formats, which page through every
list), with a 2 s request timeout and a 1 MB response cap so the hung and huge cases stay short; its
bound is structural: after `MAX_DEAD_REQUESTS` unanswered requests nothing more is sent (asserted on
what the hung server saw). The times are printed by benchmarks/suite_vs_pathological.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from contract_tests import client as suite_client
from tests.contract_tests import pathological
from tests.contract_tests.harness import FaultServer, fault_server, mock_app, run_suite
from tests.contract_tests.pathological import PATHOLOGIES, Pathology

SUBSET = ("--quick", "-k", "test_lists or test_format")


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    pathological.RELEASE.clear()
    with fault_server() as running:
        yield running
        pathological.RELEASE.set()


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(suite_client, "TIMEOUT", 2.0)
    monkeypatch.setattr(suite_client, "MAX_RESPONSE_BYTES", 1024 * 1024)


@pytest.mark.parametrize("pathology", PATHOLOGIES, ids=[p.name for p in PATHOLOGIES])
def test_the_suite_names_what_a_misbehaving_server_does(
    pathology: Pathology, server: FaultServer, short_waits: None
) -> None:
    pathological.HUNG.clear()
    base_url = server.mount(pathology.name, pathology.wrap(mock_app()))
    run = run_suite(base_url, *SUBSET)
    summary = run.output
    if not pathology.fails:
        assert run.returncode == 0, run.summary()
        return
    assert run.returncode != 0, f"{pathology.name}: the suite passed\n{run.summary()}"
    assert any(text in summary for text in pathology.says), f"{pathology.name}: {pathology.says}\n{summary}"
    assert "Traceback" not in run.summary()
    if pathology.name == "hangs":
        # Bounded by construction: a few requests hung, then nothing more was sent.
        assert len(pathological.HUNG) <= suite_client.MAX_DEAD_REQUESTS, pathological.HUNG


def test_the_suite_passes_against_a_slow_rate_limited_mock(server: FaultServer) -> None:
    """The mock's own R-17 limit and fault latency switched on: 429s are waited out, never findings."""
    app = mock_app()
    base_url = server.mount("limited", app)
    test_client = app.test_client()
    test_client.put("/__mock__/settings", json={"rate_limit": True, "rate_limit_requests": 20,
                                               "rate_limit_period": 2})
    test_client.put("/__mock__/faults", json={"seed": 1, "rules": [{"path": "/api/*", "latency_ms": 20}]})
    # --shared-world: the switches above are the default world's (each world has its own limit and faults).
    run = run_suite(base_url, *SUBSET, "--rate-limit-pause", "0.5", "--shared-world")
    assert run.returncode == 0, run.summary()
    pauses = re.search(r"R-17 rate-limit \(429\) pauses: (\d+)", run.output)
    assert pauses and int(pauses[1]) > 0, "the limit was never met: the test proves nothing"
    assert "429" not in "\n".join(line for line in run.summary().splitlines() if line.startswith("FAIL"))
