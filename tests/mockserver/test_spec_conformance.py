"""The mock answers every operation of the v1 document as the document says (Schemathesis, in-process)."""

from __future__ import annotations

import schemathesis
import yaml
from flask import Flask

from mockserver.app import create_app
from mockserver.config import Settings
from npq_lead_provider_kit.resources import openapi_path

TOKEN = "ambition-token"


def _app() -> Flask:
    return create_app(Settings(seed=1))


APP = _app()
schema = schemathesis.openapi.from_path(openapi_path())
schema.app = APP
schema.config.update(headers={"Authorization": f"Bearer {TOKEN}"})
schema.config.seed = 20241201
schema.config.generation.update(max_examples=15, database="none", allow_extra_parameters=False)
schema.config.checks.update(
    # a method the API does not have is a routing miss (404), exactly as in the real service.
    excluded_check_names=["unsupported_method"],
)
schema.config.checks.positive_data_acceptance.expected_statuses = ["2xx", "400", "404", "422"]


@schema.parametrize()
def test_operation_conforms(case: schemathesis.Case) -> None:
    """No 5xx, statuses/content types/bodies as documented, bad data refused, good data accepted."""
    case.call_and_validate()


def test_every_documented_operation_has_a_route() -> None:
    """Each (method, path) of the document reaches a view, not a routing miss."""
    document = yaml.safe_load(openapi_path().read_text(encoding="utf-8"))
    adapter = APP.url_map.bind("localhost")
    missing = []
    for path, operations in document["paths"].items():
        for method in operations:
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            concrete = path.replace("{id}", "00000000-0000-4000-8000-000000000000")
            try:
                adapter.match(concrete, method=method.upper())
            except Exception:  # noqa: BLE001 - werkzeug routing exceptions
                missing.append(f"{method.upper()} {path}")
    assert missing == []
    assert sum(1 for ops in document["paths"].values() for m in ops if m in {"get", "post", "put"}) == 20
