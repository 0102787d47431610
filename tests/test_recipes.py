"""The container and CI recipes: valid YAML, and every npq-mock / npq-contract command in them parses."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import fields
from pathlib import Path

import pytest
import yaml

from contract_tests.cli import build_parser as contract_parser
from mockserver.cli import parser as mock_parser
from mockserver.config import ENV_PREFIX, Settings

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ["examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml", "examples/compose.yaml"]


def _shell_lines(node: object) -> list[str]:
    """Every line of every `run:` / `script:` / `before_script:` value."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("run", "script", "before_script") and isinstance(value, str):
                found += value.splitlines()
            elif key in ("script", "before_script") and isinstance(value, list):
                found += [line for line in value if isinstance(line, str)]
            else:
                found += _shell_lines(value)
    elif isinstance(node, list):
        for value in node:
            found += _shell_lines(value)
    return found


def _commands(lines: list[str]) -> list[list[str]]:
    commands = []
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line.startswith(("npq-mock", "npq-contract")):
            words = shlex.split(re.sub(r"\s*(>|2>&1|&)\s*.*$", "", line) if ">" in line else line)
            commands.append([w for w in words if w not in ("&",)])
    return commands


def _check(command: list[str]) -> None:
    program, args = command[0], command[1:]
    if program == "npq-mock":
        mock_parser().parse_args(args)  # SystemExit on an unknown option
    else:
        namespace, extra = contract_parser().parse_known_args(args)
        assert extra == [], f"npq-contract has no option {extra}"
        assert namespace is not None


@pytest.mark.parametrize("name", EXAMPLES)
def test_examples_are_yaml(name: str) -> None:
    assert isinstance(yaml.safe_load((ROOT / name).read_text(encoding="utf-8")), dict)


@pytest.mark.parametrize("name", ["examples/ci/github-actions.yml", "examples/ci/gitlab-ci.yml"])
def test_ci_examples_start_the_mock_wait_on_healthz_and_run_the_suite(name: str) -> None:
    lines = _shell_lines(yaml.safe_load((ROOT / name).read_text(encoding="utf-8")))
    commands = _commands(lines)
    programs = {c[0] for c in commands}
    assert programs == {"npq-mock", "npq-contract"}
    for command in commands:
        _check(command)
    assert any("/healthz" in line for line in lines)
    contract = next(c for c in commands if c[0] == "npq-contract")
    assert "--junit-xml" in contract and "--html" in contract


def test_github_example_has_two_jobs_and_uploads_reports() -> None:
    workflow = yaml.safe_load((ROOT / "examples/ci/github-actions.yml").read_text(encoding="utf-8"))
    assert set(workflow["jobs"]) == {"provider-tests", "sandbox-contract"}
    text = json.dumps(workflow["jobs"]["sandbox-contract"])
    assert "secrets.NPQ_SANDBOX_URL" in text and "contract.html" in text and "contract.xml" in text


def test_dockerfile_runs_as_non_root_with_a_healthcheck_and_the_serve_command() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.\d+-slim$", text, re.M)
    assert re.search(r"^USER npq$", text, re.M)
    assert "HEALTHCHECK" in text and "/healthz" in text
    command = json.loads(re.search(r"^CMD (\[.*\])$", text, re.M).group(1))
    assert command[:2] == ["npq-mock", "serve"] and "--host" in command
    _check(command)
    for directory in re.findall(r"^COPY (\S+) ", text, re.M):
        assert (ROOT / directory).exists(), directory


def test_environment_variables_in_the_recipes_are_settings() -> None:
    known = {ENV_PREFIX + f.name.upper() for f in fields(Settings)}
    for name in ["Dockerfile", *EXAMPLES]:
        used = set(re.findall(r"NPQ_MOCK_[A-Z_]+", (ROOT / name).read_text(encoding="utf-8")))
        assert used <= known, (name, used - known)
