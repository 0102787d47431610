"""The built wheel carries the OpenAPI documents and fixtures, and finds them from any directory."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "--wheel-dir", str(out), str(REPO)],
        check=True,
    )
    return next(out.glob("*.whl"))


def test_wheel_ships_documents_fixtures_and_packages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "npq_lead_provider_kit/openapi/npq-lead-provider-v1.yaml",
        "npq_lead_provider_kit/openapi/npq-lead-provider-v2.yaml",
        "npq_lead_provider_kit/openapi/npq-lead-provider-v3.yaml",
        "npq_lead_provider_kit/openapi/npq-mock-testing-api.yaml",
        "npq_lead_provider_kit/fixtures/lead_providers.yaml",
        "npq_lead_provider_kit/fixtures/schedules.yaml",
        "mockserver/store/schema.sql",
        "mockserver/cli.py",
        "contract_tests/cli.py",
    ):
        assert required in names, f"{required} missing from {wheel.name}"
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "npq-mock = mockserver.cli:main" in text
    assert "npq-contract = contract_tests.cli:main" in text


def test_installed_package_finds_its_documents_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    probe = (
        "from npq_lead_provider_kit import resources as r;"
        "import yaml;"
        "spec = yaml.safe_load(r.openapi_path().read_text());"
        "assert all(yaml.safe_load(r.openapi_path(version=v).read_text())['info']['version'] == v"
        " for v in ('v1', 'v2', 'v3'));"
        "print(r.openapi_path()); print(r.fixtures_dir()); print(spec['openapi'])"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=elsewhere, env=env, capture_output=True, text=True, check=True
    )
    spec_path, fixtures, version = result.stdout.split()
    assert Path(spec_path).is_relative_to(site)
    assert Path(fixtures).is_relative_to(site) and (Path(fixtures) / "cohorts.yaml").is_file()
    assert version.startswith("3.")
