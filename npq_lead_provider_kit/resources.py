"""Locate the OpenAPI documents and fixtures, installed (inside the wheel) or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent

V1_SPEC = "npq-lead-provider-v1.yaml"
TESTING_API_SPEC = "npq-mock-testing-api.yaml"


def _data_dir(name: str) -> Path:
    # A wheel carries the folder inside the package; a checkout keeps it at the repository root.
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the kit's {name!r} folder is missing from {_PACKAGE_DIR}")


def openapi_dir() -> Path:
    """The folder holding the OpenAPI documents."""
    return _data_dir("openapi")


def openapi_path(name: str = V1_SPEC) -> Path:
    """Path of one OpenAPI document (the v1 contract by default)."""
    return openapi_dir() / name


def fixtures_dir() -> Path:
    """The folder holding the default reference data (YAML)."""
    return _data_dir("fixtures")
