"""The pages in a real browser: headless Debian chromium driven by Playwright, against `npq-mock serve`.

Home page → docs authorised as a provider → "try it out" on the applications list → the journal page shows
that request (status, provider, no rule codes) and a refused one (401, `auth.access_denied`), live.
Screenshots go to artifacts/screenshots/ (kept by CI). Every request not to the mock is blocked.

Needs `playwright` (dev extra) and /usr/bin/chromium (`apt-get install chromium`; .ci/run does it). Without
them the test is skipped on a laptop, and fails when CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("NPQ_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _need_browser() -> None:
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright package (pip install -e '.[dev]')")
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if missing:
        message = "browser test needs " + " and ".join(missing)
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def mock_url(tmp_path_factory: pytest.TempPathFactory, pages_world_template: Path) -> Iterator[str]:
    """`npq-mock serve` (granian, two workers) over a copy of the default world."""
    _need_browser()
    world = tmp_path_factory.mktemp("browser") / "world.sqlite3"
    shutil.copyfile(pages_world_template, world)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "mockserver.cli", "serve", "--port", str(port),
                               "--db", str(world)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"npq-mock did not start: {server.stderr.read()!r}") from None
                time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.fixture(scope="module")
def browser_page(mock_url: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        blocked: list[str] = []

        def only_the_mock(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if url.startswith(mock_url + "/"):
                route.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(url)
                route.abort()  # type: ignore[attr-defined]

        context.route("**/*", only_the_mock)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()
        assert not blocked, f"the pages asked for something outside the mock: {blocked}"


def test_home_docs_try_it_out_and_the_journal(browser_page, mock_url: str) -> None:
    page = browser_page
    page.goto(mock_url + "/")
    page.wait_for_selector("#providers button.token")
    assert "NPQ lead provider API mock" in page.title() or page.locator("h1").inner_text()
    assert page.locator("#versions").inner_text().count("/api/v1") == 1
    page.screenshot(path=str(SCREENSHOTS / "home.png"), full_page=True)
    first = page.locator("#providers button.token").first
    first.click()
    page.wait_for_function("() => document.querySelector('#providers button.token').textContent === 'copied'")

    # Open the v1 docs authorised as Ambition Institute, then "try it out" on the applications list.
    row = page.locator("#providers tr", has_text="Ambition Institute")
    row.locator("a.try", has_text="try v1").click()
    page.wait_for_selector("#operations-NPQ_Applications-listApplications")
    assert page.locator("#provider option:checked").inner_text() == "Ambition Institute"
    operation = page.locator("#operations-NPQ_Applications-listApplications")
    operation.locator(".opblock-summary").first.click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip().startswith("200")
    body = operation.locator(".live-responses-table .response-col_description pre").first.inner_text()
    assert "npq_application" in body
    page.screenshot(path=str(SCREENSHOTS / "docs-try-it-out.png"))

    # A refused request, sent by the page with a token that names no provider.
    refused = page.evaluate(
        "fetch('/api/v1/npq-applications', {headers: {Authorization: 'Bearer not-a-token'}})"
        ".then(r => r.status)")
    assert refused == 401

    # The journal page lists both, with status, provider and rule codes.
    page.goto(mock_url + "/journal")
    ok_row = page.locator("#journal tbody tr", has_text="/api/v1/npq-applications").filter(has_text="200")
    ok_row.filter(has_text="Ambition Institute").first.wait_for()
    refused_row = page.locator("#journal tbody tr[data-status='401']", has_text="/api/v1/npq-applications")
    refused_row.first.wait_for()
    assert "auth.access_denied" in refused_row.first.locator(".rules").inner_text()
    refused_row.first.click()
    page.wait_for_selector("#entry .entry-rules")
    assert page.locator("#entry .entry-rules").inner_text().strip() == "auth.access_denied"
    curl = page.locator("#entry .entry-curl").inner_text()
    assert "$NPQ_TOKEN" in curl and "not-a-token" not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "journal.png"), full_page=True)

    # New requests appear without reloading (whichever worker process answers them).
    request = urllib.request.Request(mock_url + "/api/v1/participants/npq?page[per_page]=1",
                                     headers={"Authorization": "Bearer ucl-token"})
    with urllib.request.urlopen(request) as answer:
        assert json.load(answer)["data"]
    page.locator("#journal tbody tr", has_text="/api/v1/participants/npq").first.wait_for()
    assert "ucl-token" not in page.content()
