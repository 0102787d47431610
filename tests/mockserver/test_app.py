"""The app factory's own promises."""

from __future__ import annotations

import inspect
from itertools import chain

from flask import Flask


def test_no_view_or_hook_is_a_coroutine_function(ops_app: Flask) -> None:
    """The app skips Flask's per-request coroutine check (ensure_sync), which is only safe while every
    view, hook and error handler is a plain function."""
    hooks = chain(
        *ops_app.before_request_funcs.values(),
        *ops_app.after_request_funcs.values(),
        *ops_app.teardown_request_funcs.values(),
    )
    handlers = [handler for codes in ops_app.error_handler_spec.values() for by_class in codes.values()
                for handler in by_class.values()]
    callables = [*ops_app.view_functions.values(), *hooks, *handlers]
    assert len(callables) > 150  # every version's routes, the testing API, pages and hooks
    coroutines = [f for f in callables if inspect.iscoroutinefunction(inspect.unwrap(f))]
    assert coroutines == []
