"""The suite's rule table (contract_tests/rules.py) is the one place its refusals are spelled."""

from __future__ import annotations

import ast

from contract_tests.rules import RULES
from tests.contract_tests.harness import SUITE


def _refused_codes() -> dict[str, list[str]]:
    """Every code named by `expect.refused(reply, "<code>", ...)`, with where."""
    used: dict[str, list[str]] = {}
    for source in sorted(SUITE.glob("*.py")):
        tree = ast.parse(source.read_text(), str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in RULES:
                used.setdefault(node.value, []).append(f"{source.name}:{node.lineno}")
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "refused"
                and len(node.args) > 1
                and isinstance(node.args[1], ast.Constant)
            ):
                where = f"{source.name}:{node.lineno}"
                assert node.args[1].value in RULES, f"{where}: no row {node.args[1].value!r}"
    return used


def test_every_row_is_checked_and_every_named_row_exists() -> None:
    used = _refused_codes()
    unused = sorted(set(RULES) - set(used))
    assert not unused, f"rows no check names (remove them, or add their test): {unused}"


def test_no_check_spells_a_refusal_the_table_holds() -> None:
    """A rule's detail written out again outside rules.py is a second copy that will drift."""
    details = {row.detail: code for code, row in RULES.items() if "{" not in row.detail}
    copies = []
    for source in sorted(SUITE.glob("*.py")):
        if source.name == "rules.py":
            continue
        for node in ast.walk(ast.parse(source.read_text(), str(source))):
            if isinstance(node, ast.Constant) and node.value in details:
                copies.append(f"{source.name}:{node.lineno} spells {details[node.value]}")
    assert not copies, copies
