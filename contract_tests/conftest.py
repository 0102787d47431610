"""pytest plugin of the contract suite: options, fixtures, --read-only, and the closing summary."""

from __future__ import annotations

import inspect
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from contract_tests import own_world, progress, report
from contract_tests.capabilities import World
from contract_tests.client import Client, RateLimit
from contract_tests.conformance import copy_function, load_schema
from contract_tests.conformance import session as schemathesis_session_for
from contract_tests.operation_items import OperationCases, build_if_deferred
from contract_tests.preflight import probe
from contract_tests.settings import (
    API_VERSIONS,
    DEFAULT_API_VERSION,
    RUN_STATE,
    RunSettings,
    RunState,
    run_state,
)
from contract_tests.summary import Collector, Outcome, describe_failure, skip_reason


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("npq-contract", "NPQ lead provider API contract suite (v1, v2, v3)")
    report.add_options(group)
    group.addoption(
        "--base-url", default=os.environ.get("NPQ_BASE_URL"), help="server root (env NPQ_BASE_URL)"
    )
    group.addoption("--token", default=os.environ.get("NPQ_TOKEN"), help="a provider's token (env NPQ_TOKEN)")
    group.addoption(
        "--other-token",
        default=os.environ.get("NPQ_OTHER_TOKEN"),
        help="another provider's token for the scoping checks (env NPQ_OTHER_TOKEN)",
    )
    group.addoption(
        "--api-version",
        choices=API_VERSIONS,
        default=os.environ.get("NPQ_API_VERSION") or DEFAULT_API_VERSION,
        help="API version under test: its path prefix (/api/v1 ...) and OpenAPI document "
        "(env NPQ_API_VERSION, default v1)",
    )
    group.addoption(
        "--spec",
        default=None,
        help="OpenAPI document to check against (default: the kit's, per --api-version)",
    )
    group.addoption("--read-only", action="store_true", help="run only checks that change nothing")
    group.addoption("--quick", action="store_true", help="few generated examples, no stateful runs")
    group.addoption("--max-examples", type=int, default=None, help="generated examples per operation")
    group.addoption("--seed", type=int, default=None, help="seed for generated data (fixed by default)")
    group.addoption(
        "--rate-limit-pause",
        type=float,
        default=5.0,
        help="R-17: seconds to pause before re-sending a request answered 429 (doubles, up to 60)",
    )
    group.addoption(
        "--rate-limit-max-wait",
        type=float,
        default=330.0,
        help="R-17: most seconds one request waits for the rate limit before its check is skipped",
    )
    group.addoption(
        "--list-budget",
        type=float,
        default=120.0,
        help="seconds a check may spend reading every page of one list before it is skipped",
    )
    group.addoption(
        "--shared-world",
        action="store_true",
        default=os.environ.get("NPQ_SHARED_WORLD", "").lower() in {"1", "true", "yes"},
        help="against our mock, run in its default world instead of a world of the run's own "
        "(env NPQ_SHARED_WORLD)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule(id, title): the business rule or check a test guards")
    config.addinivalue_line("markers", "writes: the test changes records on the server")
    config.addinivalue_line("markers", "quick: also runs under --quick")
    config.addinivalue_line("markers", "every_operation: parametrized by (method, path) of the document")
    config.addinivalue_line(
        "markers",
        "versions(*names, reason=...): the check holds only for these API versions (others skip it, "
        "saying why: the rule differs there, e.g. V-55)",
    )
    base_url = config.getoption("base_url")
    token = config.getoption("token")
    if not base_url or not token:
        raise pytest.UsageError(
            "the contract suite needs --base-url and --token (or NPQ_BASE_URL / NPQ_TOKEN)"
        )
    cur = RunSettings(
        base_url=base_url.rstrip("/"),
        token=token,
        other_token=config.getoption("other_token") or None,
        spec=Path(config.getoption("spec")).resolve() if config.getoption("spec") else None,
        api_version=config.getoption("api_version"),
        read_only=config.getoption("read_only"),
        quick=config.getoption("quick"),
        max_examples=config.getoption("max_examples"),
        rate_limit_pause=config.getoption("rate_limit_pause"),
        rate_limit_max_wait=config.getoption("rate_limit_max_wait"),
        list_budget=config.getoption("list_budget"),
        shared_world=config.getoption("shared_world"),
    )
    if config.getoption("seed") is not None:
        cur.seed = config.getoption("seed")
    limit = RateLimit(first_pause=cur.rate_limit_pause, max_wait=cur.rate_limit_max_wait)
    # The run's whole state lives on its config: a second run in the same process starts from nothing.
    progress.register(config)  # which layer is running, on a terminal only
    config.stash[RUN_STATE] = RunState(
        settings=cur, rate_limit=limit, collector=Collector(), schema_loader=load_schema
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    state = run_state(session.config)
    cur = state.settings
    problem, note = probe(cur.base_url, cur.token, cur.api_prefix)
    if problem:
        pytest.exit(problem, returncode=2)
    if note:
        state.notes.append(note)
    if not cur.shared_world:
        entered = own_world.enter(cur)
        if entered:
            state.notes.append(entered)


@pytest.hookimpl(tryfirst=True)
def pytest_pycollect_makeitem(collector: pytest.Collector, name: str, obj: object) -> Any:
    if not getattr(obj, "npq_per_operation", False) or not inspect.isfunction(obj):
        return None
    state = run_state(collector.config)
    schema = state.schema()
    if schema is None:
        reason = state.schema_error or "no OpenAPI document"

        def skipped() -> None:
            pytest.skip(reason)

        skipped.pytestmark = list(getattr(obj, "pytestmark", []))  # type: ignore[attr-defined]
        return pytest.Function.from_parent(collector, name=name, callobj=skipped)
    test = schema.parametrize()(copy_function(obj))
    return OperationCases.from_parent(collector, test_function=test, name=name, schema=schema)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    build_if_deferred(item)  # outermost, so every other hook sees the operation's built test
    return (yield)


def _label(item: pytest.Item) -> str:
    marker = item.get_closest_marker("rule")
    if marker is None:
        return item.name
    rule_id, title = marker.args[0], marker.args[1]
    label = f"{rule_id} {title}"
    if marker.kwargs.get("per_case") and "[" in item.name:
        label += " [" + item.name.split("[", 1)[1]
    return label


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    cur = run_state(config).settings
    keep, drop = [], []
    for item in items:
        only = item.get_closest_marker("versions")
        if only is not None and cur.api_version not in only.args:
            why = only.kwargs.get("reason", "the rule differs in this version")
            item.add_marker(
                pytest.mark.skip(
                    reason=f"not a rule of API {cur.api_version} ({why}); runs for {', '.join(only.args)}"
                )
            )
        if (
            cur.read_only
            and item.get_closest_marker("writes")
            or cur.quick
            and item.get_closest_marker("slow")
        ):
            drop.append(item)
        else:
            keep.append(item)
        item.user_properties.append(("rule", _label(item)))
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    report = yield
    if report.when == "call" or report.outcome != "passed":
        nodeid = (
            item.nodeid
            if item.nodeid.endswith("]") or "[" not in item.name
            else f"{item.nodeid}[{item.name.split('[', 1)[1]}"
        )
        outcome = Outcome(nodeid, report.outcome)
        if report.failed and call.excinfo is not None:
            outcome.expected, outcome.got, outcome.curl = describe_failure(call.excinfo.value)
            if report.when != "call":
                outcome.got = f"(during {report.when}) " + outcome.got
        elif report.skipped:
            outcome.reason = skip_reason(report.longrepr)
        run_state(item.config).collector.add(_label(item), outcome)
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    state = session.config.stash.get(RUN_STATE, None)
    if state is not None:
        own_world.leave(state.settings)  # after the session's fixtures have put the clock back


def pytest_unconfigure(config: pytest.Config) -> None:
    # Printed last, after pytest's own short summary, so the verdict is the final thing a person reads.
    terminalreporter = config.pluginmanager.get_plugin("terminalreporter")
    state = config.stash.get(RUN_STATE, None)
    if terminalreporter is None or state is None or not state.collector.rules:
        return
    cur, world, limit = state.settings, state.world, state.rate_limit
    header = (
        f"NPQ lead provider API {cur.api_version} contract: {cur.base_url}  "
        f"(testing API: {'not probed' if world is None else 'yes' if world.testing_api else 'no'}; "
        f"second provider: {'not probed' if world is None else 'yes' if world.other_token else 'no'}; "
        f"{'read-only' if cur.read_only else 'read-write'}; {'quick' if cur.quick else 'full'})"
    )
    header += (
        f"\nrequests sent: {limit.requests}; R-17 rate-limit (429) pauses: {limit.pauses}"
        f" ({limit.waited:.0f}s)"
    )
    header += "".join("\n" + note for note in state.notes)
    for line in state.collector.render(header):
        terminalreporter.write_line(line)
    report.publish(config, state.collector, header)  # --html-report FILE, $GITHUB_STEP_SUMMARY


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def run(request: pytest.FixtureRequest) -> RunState:
    """This run's state: settings, rate-limit counters, results."""
    return run_state(request.config)


@pytest.fixture(scope="session")
def version(run: RunState) -> str:
    """The API version under test (--api-version): v1, v2 or v3."""
    return run.settings.api_version


@pytest.fixture(scope="session")
def api(run: RunState) -> Client:
    cur = run.settings
    return Client(
        cur.base_url,
        cur.token,
        rate_limit=run.rate_limit,
        api_prefix=cur.api_prefix,
        list_budget=cur.list_budget,
        extra_headers=cur.extra_headers,
    )


@pytest.fixture(scope="session")
def contract_schema(run: RunState) -> Any:
    """The run's Schemathesis schema of the document under test (skips when there is none yet)."""
    schema = run.schema()
    if schema is None:
        pytest.skip(run.schema_error or "no OpenAPI document")
    return schema


@pytest.fixture(scope="session")
def schemathesis_session(run: RunState) -> requests.Session:
    """The session Schemathesis sends through: a 429 is re-sent after a pause, never judged (R-17)."""
    return schemathesis_session_for(run.rate_limit)


@pytest.fixture(scope="session")
def world(run: RunState, api: Client) -> Iterator[World]:
    """Capabilities, discovered once; with the testing API the server's clock is ours for the run."""
    found = World.discover(api, run.settings.other_token, read_only=run.settings.read_only)
    run.world = found
    if not run.settings.read_only:
        found.freeze_clock()
    yield found
    found.restore_clock()


@pytest.fixture(scope="session")
def other(world: World) -> Client:
    if world.other is None:
        pytest.skip("no second provider: pass --other-token (or run against a server with the testing API)")
    return world.other


@pytest.fixture(scope="session")
def other_or_none(world: World) -> Client | None:
    """The second provider when there is one (checks that merely use it when available)."""
    return world.other
