"""pytest plugin of the contract suite: options, fixtures, --read-only, and the closing summary."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from contract_tests import report
from contract_tests import settings as run_settings
from contract_tests.capabilities import World
from contract_tests.client import RATE_LIMIT, Client
from contract_tests.preflight import probe
from contract_tests.summary import Collector, Outcome, describe_failure, skip_reason

COLLECTOR = Collector()
_WORLD: World | None = None


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("npq-contract", "NPQ lead provider API v1 contract suite")
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
    group.addoption("--spec", default=None, help="OpenAPI document to check against (default: the kit's v1)")
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


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rule(id, title): the business rule or check a test guards")
    config.addinivalue_line("markers", "writes: the test changes records on the server")
    config.addinivalue_line("markers", "quick: also runs under --quick")
    base_url = config.getoption("base_url")
    token = config.getoption("token")
    if not base_url or not token:
        raise pytest.UsageError(
            "the contract suite needs --base-url and --token (or NPQ_BASE_URL / NPQ_TOKEN)"
        )
    cur = run_settings.CURRENT
    cur.base_url = base_url.rstrip("/")
    cur.token = token
    cur.other_token = config.getoption("other_token") or None
    cur.spec = Path(config.getoption("spec")).resolve() if config.getoption("spec") else None
    cur.read_only = config.getoption("read_only")
    cur.quick = config.getoption("quick")
    cur.max_examples = config.getoption("max_examples")
    if config.getoption("seed") is not None:
        cur.seed = config.getoption("seed")
    cur.rate_limit_pause = config.getoption("rate_limit_pause")
    cur.rate_limit_max_wait = config.getoption("rate_limit_max_wait")
    cur.list_budget = config.getoption("list_budget")
    RATE_LIMIT.first_pause = cur.rate_limit_pause
    RATE_LIMIT.max_wait = cur.rate_limit_max_wait


_NOTES: list[str] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    problem, note = probe(run_settings.CURRENT.base_url, run_settings.CURRENT.token)
    if problem:
        pytest.exit(problem, returncode=2)
    if note:
        _NOTES.append(note)


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
    cur = run_settings.CURRENT
    keep, drop = [], []
    for item in items:
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
        COLLECTOR.add(_label(item), outcome)
    return report


def pytest_unconfigure(config: pytest.Config) -> None:
    # Printed last, after pytest's own short summary, so the verdict is the final thing a person reads.
    terminalreporter = config.pluginmanager.get_plugin("terminalreporter")
    cur = run_settings.CURRENT
    if terminalreporter is None or not COLLECTOR.rules:
        return
    world = _WORLD
    header = (
        f"NPQ lead provider API v1 contract: {cur.base_url}  "
        f"(testing API: {'not probed' if world is None else 'yes' if world.testing_api else 'no'}; "
        f"second provider: {'not probed' if world is None else 'yes' if world.other_token else 'no'}; "
        f"{'read-only' if cur.read_only else 'read-write'}; {'quick' if cur.quick else 'full'})"
    )
    header += (
        f"\nrequests sent: {RATE_LIMIT.requests}; R-17 rate-limit (429) pauses: {RATE_LIMIT.pauses}"
        f" ({RATE_LIMIT.waited:.0f}s)"
    )
    header += "".join("\n" + note for note in _NOTES)
    for line in COLLECTOR.render(header):
        terminalreporter.write_line(line)
    report.publish(config, COLLECTOR, header)  # --html-report FILE, $GITHUB_STEP_SUMMARY


# --- fixtures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def api() -> Client:
    cur = run_settings.CURRENT
    return Client(cur.base_url, cur.token)


@pytest.fixture(scope="session")
def world(api: Client) -> Iterator[World]:
    """Capabilities, discovered once; with the testing API the server's clock is ours for the run."""
    global _WORLD
    found = World.discover(api, run_settings.CURRENT.other_token)
    _WORLD = found
    if not run_settings.CURRENT.read_only:
        found.freeze_clock()
    yield found
    found.restore_clock()


@pytest.fixture(scope="session")
def other(world: World) -> Client:
    if world.other is None:
        pytest.skip("no second provider: pass --other-token (or run against a server with the testing API)")
    return world.other
