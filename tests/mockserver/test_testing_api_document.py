"""The testing-API document and the mock's /__mock__/ routes describe the same endpoints."""

from __future__ import annotations

import re

import yaml

from mockserver.app import create_app
from mockserver.config import Settings
from npq_lead_provider_kit.resources import TESTING_API_SPEC, openapi_path


def test_every_mock_route_is_documented_and_every_documented_route_exists() -> None:
    app = create_app(Settings(applications=5))
    served = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", "{}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/__mock__/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    document = yaml.safe_load(openapi_path(TESTING_API_SPEC).read_text(encoding="utf-8"))
    documented = {
        (method.upper(), re.sub(r"\{\w+\}", "{}", path))
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }
    assert served == documented
