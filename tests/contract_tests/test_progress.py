"""The suite's layer lines: on a terminal only, one per layer change."""

from __future__ import annotations

import pytest

from contract_tests import progress


def test_layers_are_named_from_the_test_module() -> None:
    assert progress.layer_of("test_conformance") == "conformance of every operation (generated data)"
    assert progress.layer_of("test_auth") == "authentication and provider scoping"
    assert progress.layer_of("test_rules_accept") == progress.layer_of("test_v3_lists")


def test_a_line_when_the_layer_changes(capsys: pytest.CaptureFixture[str]) -> None:
    plugin = progress.LayerProgress()
    for module in ("test_conformance", "test_conformance", "test_auth", "test_rules_accept", "test_csv"):
        plugin.pytest_runtest_logstart(f"{module}.py::x", (f"contract_tests/{module}.py", 1, "x"))
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    assert lines == [
        "[npq-contract] conformance of every operation (generated data)",
        "[npq-contract] authentication and provider scoping",
        "[npq-contract] business rules, views, lists, filters and exports",
    ]


def test_nothing_extra_when_not_a_terminal(pytestconfig: pytest.Config, monkeypatch) -> None:
    monkeypatch.setattr(progress.sys.stderr, "isatty", lambda: False)
    progress.register(pytestconfig)
    assert not pytestconfig.pluginmanager.has_plugin("npq-layer-progress")
