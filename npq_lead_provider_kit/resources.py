"""Locate the OpenAPI documents and fixtures, installed (inside the wheel) or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent

V1_SPEC = "npq-lead-provider-v1.yaml"
V2_SPEC = "npq-lead-provider-v2.yaml"
V3_SPEC = "npq-lead-provider-v3.yaml"
TESTING_API_SPEC = "npq-mock-testing-api.yaml"
# The lead provider API document of each version (v2 and v3 are built from openapi/src, see build_openapi).
API_SPECS = {"v1": V1_SPEC, "v2": V2_SPEC, "v3": V3_SPEC}


def _data_dir(name: str) -> Path:
    # A wheel carries the folder inside the package; a checkout keeps it at the repository root.
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the kit's {name!r} folder is missing from {_PACKAGE_DIR}")


def openapi_dir() -> Path:
    """The folder holding the OpenAPI documents."""
    return _data_dir("openapi")


def openapi_path(name: str = V1_SPEC, *, version: str | None = None) -> Path:
    """Path of one OpenAPI document: by file name, or the API document of `version` ("v1", "v2", "v3").

    Without arguments, the v1 contract.
    """
    if version is not None:
        try:
            name = API_SPECS[version]
        except KeyError:
            known = ", ".join(API_SPECS)
            raise ValueError(f"no OpenAPI document for API version {version!r} (known: {known})") from None
    return openapi_dir() / name


def fixtures_dir() -> Path:
    """The folder holding the default reference data (YAML)."""
    return _data_dir("fixtures")
