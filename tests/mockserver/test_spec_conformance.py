"""The mock answers every operation of every version's document as that document says (Schemathesis)."""

from __future__ import annotations

import schemathesis
import yaml
from flask import Flask

from mockserver.app import create_app
from mockserver.config import Settings
from npq_lead_provider_kit.resources import openapi_path

TOKEN = "ambition-token"
OPERATIONS = {"v1": 20, "v2": 21, "v3": 23}


def _app() -> Flask:
    return create_app(Settings(seed=1))


APP = _app()


def _schema(version: str) -> schemathesis.schemas.BaseSchema:
    schema = schemathesis.openapi.from_path(openapi_path(version=version))
    schema.app = APP
    schema.config.update(headers={"Authorization": f"Bearer {TOKEN}"})
    schema.config.seed = 20241201
    schema.config.generation.update(max_examples=15, database="none", allow_extra_parameters=False)
    # The coverage phase's cases are built while tests are collected, in every pytest-xdist worker (~1 s
    # per document each); the contract suite's full v1 and v3 runs (tests/contract_tests) send them to this
    # mock over HTTP and validate every answer, so here the generated phases suffice.
    schema.config.phases.coverage.enabled = False
    schema.config.checks.update(
        # a method the API does not have is a routing miss (404), exactly as in the real service.
        excluded_check_names=["unsupported_method"],
    )
    schema.config.checks.positive_data_acceptance.expected_statuses = ["2xx", "400", "404", "422"]
    return schema


V1, V2, V3 = _schema("v1"), _schema("v2"), _schema("v3")


@V1.parametrize()
def test_v1_operation_conforms(case: schemathesis.Case) -> None:
    """No 5xx, statuses/content types/bodies as documented, bad data refused, good data accepted."""
    case.call_and_validate()


@V2.parametrize()
def test_v2_operation_conforms(case: schemathesis.Case) -> None:
    """The same for v2."""
    case.call_and_validate()


@V3.parametrize()
def test_v3_operation_conforms(case: schemathesis.Case) -> None:
    """The same for v3 (403/410 are documented statuses of their operations)."""
    case.call_and_validate()


def test_every_documented_operation_has_a_route() -> None:
    """Each (method, path) of every version's document reaches a view, not a routing miss."""
    adapter = APP.url_map.bind("localhost")
    missing = []
    for version, expected in OPERATIONS.items():
        document = yaml.safe_load(openapi_path(version=version).read_text(encoding="utf-8"))
        count = 0
        for path, operations in document["paths"].items():
            for method in operations:
                if method not in {"get", "post", "put", "patch", "delete"}:
                    continue
                count += 1
                concrete = path.replace("{id}", "00000000-0000-4000-8000-000000000000")
                try:
                    adapter.match(concrete, method=method.upper())
                except Exception:  # noqa: BLE001 - werkzeug routing exceptions
                    missing.append(f"{method.upper()} {path}")
        assert count == expected, version
    assert missing == []
