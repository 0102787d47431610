"""On a terminal, say which layer of the suite is running; in CI logs (not a terminal) say nothing extra."""

from __future__ import annotations

import sys

import pytest

_LAYERS = (
    ("test_conformance", "conformance of every operation (generated data)"),
    ("test_auth", "authentication and provider scoping"),
    ("test_stateful", "stateful journeys along the document's links"),
    ("test_page_cap", "pagination cap"),
)
_DEFAULT = "business rules, views, lists, filters and exports"


def layer_of(module: str) -> str:
    """The layer a test module belongs to."""
    return next((title for prefix, title in _LAYERS if module.startswith(prefix)), _DEFAULT)


class LayerProgress:
    """A pytest plugin: one line on stderr whenever the run moves to another layer (terminals only)."""

    def __init__(self) -> None:
        self.current: str | None = None

    @pytest.hookimpl
    def pytest_runtest_logstart(self, nodeid: str, location: tuple[str, int | None, str]) -> None:
        module = location[0].rsplit("/", 1)[-1].removesuffix(".py")
        layer = layer_of(module)
        if layer != self.current:
            self.current = layer
            sys.stderr.write(f"\n[npq-contract] {layer}\n")
            sys.stderr.flush()


def register(config: pytest.Config) -> None:
    """Turn the layer lines on when the run writes to a terminal."""
    if sys.stderr.isatty() and not config.pluginmanager.has_plugin("npq-layer-progress"):
        config.pluginmanager.register(LayerProgress(), "npq-layer-progress")
