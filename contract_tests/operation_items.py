"""One test item per operation of the document, as Schemathesis makes them, each operation's Hypothesis
test built only when its item runs.

Schemathesis builds every operation's test at collection, and building one generates the cases of the
document's examples (most of a run's fixed cost: ~0.5 s for v1's 20 operations). A run that selects other
checks (`-k`, `--read-only` runs that skip writes, the self-tests' single-rule runs) never runs those
items, so here an item carries a stand-in with the test's name, marks and fixtures until it is called.
The built test is the one Schemathesis would have built: same config, operation, seed and feedback.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Generator
from typing import Any

import pytest
from schemathesis.core.errors import InvalidSchema
from schemathesis.core.result import Ok

# Schemathesis' pytest integration (pinned to one minor in pyproject: these names are internal).
from schemathesis.pytest._test_builder import build_operation_test
from schemathesis.pytest.plugin import SchemathesisCase

from contract_tests.conformance import copy_function

BUILD = pytest.StashKey[Callable[[], Callable[..., Any]]]()


def _stand_in(test: Callable[..., Any], generated: set[str]) -> Callable[..., Any]:
    """The test as pytest sees it before it is built: Hypothesis' wrapper takes the generated arguments
    (`case`) away from its signature, so the item asks for the same fixtures."""
    stand_in = copy_function(test)
    parameters = [p for name, p in inspect.signature(test).parameters.items() if name not in generated]
    stand_in.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    stand_in.is_hypothesis_test = True  # type: ignore[attr-defined]  # Hypothesis marks the item `hypothesis`
    return stand_in


class OperationCases(SchemathesisCase):
    """Schemathesis' collector of one item per operation, building each operation's test on first call."""

    def _gen_items(self, result: Any, feedback: Any) -> Generator[pytest.Function, None, None]:
        if self.is_invalid_test or not isinstance(result, Ok):
            yield from super()._gen_items(result, feedback)  # errors are reported as Schemathesis does
            return
        operation = result.ok()

        def build() -> Callable[..., Any]:
            from schemathesis.checks import load_all_checks

            load_all_checks()
            try:
                return build_operation_test(
                    config=self.schema.config,
                    operation=operation,
                    test_func=self.test_function,
                    given_kwargs=self.given_kwargs,
                    feedback=feedback,
                )
            except InvalidSchema as exc:  # a malformed definition fails its item, as at collection
                return exc.as_failing_test_function()

        stand_in = _stand_in(self.test_function, {"case", *self.given_kwargs})
        name = self._get_test_name(operation)
        for item in self._make_items(stand_in, name, operation.label, operation.tags):
            item.stash[BUILD] = build
            yield item


def build_if_deferred(item: pytest.Item) -> None:
    """Put the operation's built test in place of its stand-in, before Hypothesis' and Schemathesis' own
    hooks look at the item's function."""
    build = item.stash.get(BUILD, None)
    if build is not None:
        del item.stash[BUILD]
        item.obj = build()  # type: ignore[attr-defined]
