"""npq-contract's HTML report and GitHub step summary, rendered from the summary collector."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from contract_tests import report
from contract_tests.cli import build_parser, pytest_args
from contract_tests.summary import Collector, Outcome

HEADER = "NPQ lead provider API v1 contract: http://127.0.0.1:8000  (testing API: yes)\nrequests sent: 12"


def _collector() -> Collector:
    collector = Collector()
    collector.add("R-10 auth: a bad token is refused", Outcome("test_auth.py::test_bad", "passed"))
    collector.add(
        "R-51 accept <twice> & more",
        Outcome(
            "test_rules_accept.py::test_twice",
            "failed",
            expected="422 application.already_accepted",
            got='200 OK\n{"data": ...}',
            curl="curl -X POST http://x/api/v1/npq-applications/1/accept",
        ),
    )
    collector.add("R-17 rate limit", Outcome("test_x.py::test_rate", "skipped", reason="no 429 <seen>"))
    return collector


def test_html_report_is_self_contained_with_verdict_table_and_failures(tmp_path: Path) -> None:
    page = report.render_html(_collector(), HEADER)
    assert "NOT COMPLIANT" in page and "1 passed, 1 failed, 1 skipped" in page
    assert "R-51 accept &lt;twice&gt; &amp; more" in page and "no 429 &lt;seen&gt;" in page
    assert "422 application.already_accepted" in page and "curl -X POST http://x/api/v1/" in page
    assert "http://127.0.0.1:8000" in page
    assert "<script" not in page and "https://" not in page and "<link" not in page  # no CDN, nothing fetched
    assert page.index("failed</td>") < page.index("passed</td>") < page.index("skipped</td>")


def test_markdown_summary_names_the_verdict_and_each_failure() -> None:
    text = report.render_markdown(_collector(), HEADER)
    assert text.startswith("## :x: NPQ contract: NOT COMPLIANT")
    assert "| R-51 accept <twice> & more | 422 application.already_accepted | 200 OK |" in text
    assert "- R-17 rate limit: no 429 <seen>" in text
    compliant = Collector()
    compliant.add("R-10", Outcome("a", "passed"))
    text = report.render_markdown(compliant, HEADER)
    assert text.startswith("## :white_check_mark: NPQ contract: COMPLIANT")


def test_publish_writes_the_html_file_and_appends_the_step_summary(tmp_path: Path, monkeypatch) -> None:
    target, summary = tmp_path / "report.html", tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    options = {"html_report": str(target)}
    config = SimpleNamespace(getoption=lambda name, default=None: options.get(name, default))
    report.publish(config, _collector(), HEADER)  # type: ignore[arg-type]
    assert "NOT COMPLIANT" in target.read_text()
    assert summary.read_text().startswith("earlier step\n## :x: NPQ contract")


def test_cli_html_option_reaches_the_suite(tmp_path: Path) -> None:
    ns, extra = build_parser().parse_known_args(
        ["--base-url", "http://x", "--token", "t", "--html", "out.html", "--junit-xml", "j.xml"]
    )
    args = pytest_args(ns, extra)
    assert args[args.index("--html-report") + 1].endswith("out.html")
    assert "--junit-xml" in args


def test_cli_api_version_is_an_option_of_its_own() -> None:
    assert "--api-version {v1,v2,v3}" in build_parser().format_help()
    ns, extra = build_parser().parse_known_args(
        ["--base-url", "http://x", "--token", "t", "--api-version", "v3"]
    )
    args = pytest_args(ns, extra)
    assert args[args.index("--api-version") + 1] == "v3"
    ns, extra = build_parser().parse_known_args(["--base-url", "http://x", "--token", "t"])
    assert pytest_args(ns, extra)[pytest_args(ns, extra).index("--api-version") + 1] == "v1"
