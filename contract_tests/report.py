"""The run's reports beyond the terminal: one self-contained HTML file, and a GitHub step summary.

Fed by the summary collector (contract_tests/summary.py): the verdict, every rule or check (passed, failed,
skipped with the reason), and each failure with what was expected, what came back and the curl. No CDN,
no script: the HTML file opens anywhere and can be attached to a CI run. JUnit XML is unchanged.
"""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from contract_tests.summary import ORDER, Collector

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:2rem;color:#0b0c0c}
h1{margin:0 0 .3rem}.verdict{font-size:1.4rem;font-weight:700;padding:.4rem .8rem;display:inline-block}
.COMPLIANT{background:#cce2d8;color:#005a30}.NOT{background:#f6d7d2;color:#942514}
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{text-align:left;padding:.3rem .6rem;
border-bottom:1px solid #d8dde0;vertical-align:top}.passed{color:#00703c}
.failed{color:#d4351c;font-weight:700}
.skipped{color:#505a5f}pre{background:#f3f2f1;padding:.6rem;white-space:pre-wrap;word-break:break-all;
font:13px ui-monospace,Menlo,Consolas,monospace}.failure{border-left:4px solid #d4351c;padding-left:1rem;
margin:1rem 0}.muted{color:#505a5f}
"""


def add_options(group: pytest.OptionGroup) -> None:
    """The report options (called from the suite's pytest_addoption)."""
    group.addoption(
        "--html-report", default=None, metavar="FILE", help="write one self-contained HTML report here"
    )


def verdict(collector: Collector) -> str:
    return "NOT COMPLIANT" if collector.counts()["failed"] else "COMPLIANT"


def _rules(collector: Collector) -> list:
    return sorted(collector.rules.values(), key=lambda r: ORDER[r.verdict])


def render_html(collector: Collector, header: str) -> str:
    """The whole report as one HTML document."""
    e = html.escape
    counts = collector.counts()
    title, _, notes = header.partition("\n")
    rows, failures = [], []
    for rule in _rules(collector):
        reasons = "; ".join(sorted({o.reason for o in rule.outcomes if o.reason}))
        detail = e(reasons) if rule.verdict == "skipped" else f"{len(rule.outcomes)} test(s)"
        rows.append(
            f'<tr><td class="{rule.verdict}">{rule.verdict}</td><td>{e(rule.label)}</td>'
            f"<td>{detail}</td></tr>"
        )
        for outcome in (o for o in rule.outcomes if o.outcome == "failed"):
            failures.append(
                f'<div class="failure"><h3>{e(rule.label)}</h3><p class="muted">{e(outcome.nodeid)}</p>'
                f"<h4>Expected</h4><pre>{e(outcome.expected or '(see the test)')}</pre>"
                f"<h4>Got</h4><pre>{e(outcome.got or '(nothing recorded)')}</pre>"
                + (f"<h4>Request</h4><pre>{e(outcome.curl)}</pre>" if outcome.curl else "")
                + "</div>"
            )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    word = verdict(collector)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>NPQ contract report: {word}</title>
<style>{_CSS}</style></head><body>
<h1>NPQ lead provider API contract report</h1>
<p class="muted">{e(title)}<br>{e(notes).replace(chr(10), "<br>")}<br>generated {stamp}</p>
<p><span class="verdict {word.split()[0]}">{word}</span>
 {counts["passed"]} passed, {counts["failed"]} failed, {counts["skipped"]} skipped</p>
<h2>Every rule and check</h2>
<table><thead><tr><th>result</th><th>rule or check</th><th>detail</th></tr></thead>
<tbody>{"".join(rows)}</tbody></table>
<h2>Failures</h2>{"".join(failures) or "<p>None.</p>"}
</body></html>
"""


def render_markdown(collector: Collector, header: str) -> str:
    """A short Markdown summary for $GITHUB_STEP_SUMMARY."""
    counts = collector.counts()
    title = header.partition("\n")[0]
    icon = ":x:" if counts["failed"] else ":white_check_mark:"
    lines = [
        f"## {icon} NPQ contract: {verdict(collector)}",
        "",
        title,
        "",
        f"**{counts['passed']}** passed, **{counts['failed']}** failed, **{counts['skipped']}** skipped",
        "",
    ]
    failed = [r for r in _rules(collector) if r.verdict == "failed"]
    if failed:
        lines += ["| failed rule or check | expected | got |", "|---|---|---|"]
        for rule in failed:
            first = next(o for o in rule.outcomes if o.outcome == "failed")
            got = first.got.splitlines()[0] if first.got else ""
            lines.append(f"| {_cell(rule.label)} | {_cell(first.expected)} | {_cell(got)} |")
        lines.append("")
    skipped = [r for r in _rules(collector) if r.verdict == "skipped"]
    if skipped:
        lines += ["<details><summary>skipped</summary>", ""]
        for rule in skipped:
            reasons = "; ".join(sorted({o.reason for o in rule.outcomes if o.reason}))
            lines.append(f"- {_cell(rule.label)}: {_cell(reasons)}")
        lines += ["", "</details>", ""]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def publish(config: pytest.Config, collector: Collector, header: str) -> None:
    """Write the HTML report when asked, and append to $GITHUB_STEP_SUMMARY when it is set."""
    target = config.getoption("html_report", default=None)
    if target:
        Path(target).write_text(render_html(collector, header), encoding="utf-8")
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(collector, header))
