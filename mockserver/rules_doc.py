"""The rule catalogue as a Markdown table in README.md between markers: `python -m mockserver.rules_doc`."""

from __future__ import annotations

import sys
from pathlib import Path

from mockserver.errors import RULES

START, END = "<!-- rule-catalogue:start -->", "<!-- rule-catalogue:end -->"


def markdown_table() -> str:
    """One row per rule: code, status, error title, message, behaviour-reference rule."""
    lines = ["| code | status | title | message | reference |", "|---|---|---|---|---|"]
    for rule in RULES.values():
        title = rule.title if rule.title is not None else "(`error`)"
        message = rule.detail.replace("|", "\\|")
        lines.append(f"| `{rule.code}` | {rule.status} | {title} | {message} | {rule.ref} |")
    return "\n".join(lines)


def with_table(readme: str) -> str:
    """README text with the block between the markers replaced by the current table."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the catalogue block of the README given (default: ./README.md)."""
    path = Path((argv or sys.argv[1:] or ["README.md"])[0])
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
