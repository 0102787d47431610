"""One conformance item per operation of the document, named as Schemathesis names them; an operation's
Hypothesis test (which generates the document's examples) is built only for the items that run."""

from __future__ import annotations

import pytest
from hypothesis import is_hypothesis_test

from contract_tests.operation_items import BUILD
from tests.contract_tests.harness import mock_app, run_suite, serve

V1_OPERATIONS = 20


class _Items:
    """Watches a run: every item collected, and the items left to run after `-k`."""

    def __init__(self) -> None:
        self.collected: list[pytest.Item] = []
        self.run: list[pytest.Item] = []
        self.stand_ins_before_running: list[str] = []

    def pytest_itemcollected(self, item: pytest.Item) -> None:
        self.collected.append(item)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.run = list(session.items)
        self.stand_ins_before_running = [item.name for item in self.collected if BUILD in item.stash]


def test_operation_tests_are_built_only_for_the_items_that_run() -> None:
    items = _Items()
    with serve(mock_app()) as base_url:
        run = run_suite(base_url, "--quick", "-k", "test_operation_conforms and declarations",
                        plugins=[items])
    assert run.returncode == 0, run.summary()
    conformance = [item for item in items.collected if item.name.startswith("test_operation_conforms[")]
    assert len(conformance) == V1_OPERATIONS
    assert "test_operation_conforms[GET /api/v1/npq-applications]" in [item.name for item in conformance]
    assert all(item.get_closest_marker("hypothesis") for item in conformance)  # as Hypothesis marks its own
    assert items.stand_ins_before_running == [item.name for item in conformance]  # none built at collection

    ran = [item.name for item in items.run]
    assert ran and all("declarations" in name for name in ran)
    for item in conformance:
        if item.name in ran:  # built when it ran: the Hypothesis test Schemathesis makes
            assert BUILD not in item.stash
            assert is_hypothesis_test(item.obj) and hasattr(item.obj, "hypothesis")
        else:
            assert BUILD in item.stash, f"{item.name} was built but never ran"
