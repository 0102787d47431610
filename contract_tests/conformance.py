"""Builds the Schemathesis schema for the document under test, tuned so a correct server never fails."""

from __future__ import annotations

from typing import Any

import schemathesis

from contract_tests.settings import CURRENT, spec_path

LIST_OPERATIONS = [
    "GET /api/v1/npq-applications",
    "GET /api/v1/npq-applications.csv",
    "GET /api/v1/participants/npq",
    "GET /api/v1/participant-declarations",
    "GET /api/v1/participant-declarations.csv",
    "GET /api/v1/participants/npq/outcomes",
    "GET /api/v1/participants/npq/{id}/outcomes",
]
# Page numbers beyond this make real databases overflow their OFFSET arithmetic; no client sends them.
PAGE_LIMIT = 1_000_000


def _config() -> dict[str, Any]:
    examples = CURRENT.examples
    operations: list[dict[str, Any]] = [
        # Lists only get schema-valid data. Their negative side is full of documented quirks a correct
        # server has (leading-integer pages "10abc" -> 10, whitespace and lower-case t/z tolerated in
        # dates, unknown filter members ignored), so are checked by hand in test_filters.
        {"include-name": name, "generation": {"mode": "positive"}}
        for name in LIST_OPERATIONS
    ]
    # Writes with schema-valid bodies still meet the business rules on random ids: 404 (unknown id),
    # 422 (rule refused) and 400 (attributes present but empty) are correct answers, never 401/403.
    operations.append(
        {
            "include-method-regex": "^(POST|PUT)$",
            "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "404", "422"]}},
        }
    )
    return {
        "seed": CURRENT.seed,
        "generation": {
            "max-examples": examples,
            "database": "none",
            "allow-extra-parameters": False,  # deepObject + extras sends `?=null`, which a server ignores
        },
        "phases": {
            # v1 answers unknown verbs with 404, not 405: the method probes would be false alarms.
            "coverage": {"enabled": not CURRENT.quick, "unexpected-methods": []},
        },
        "checks": {
            # A wrong or missing token must not pass silently (notes §0): 401/403 are not "accepted".
            "positive_data_acceptance": {"expected-statuses": ["2xx", "404"]},
            "unsupported_method": {"enabled": False},
            "ignored_auth": {"enabled": False},  # test_auth probes every operation precisely instead
        },
        "operations": operations,
    }


def load_schema() -> Any:
    """The document under test, bound to the server and token; None if it cannot be read."""
    config = schemathesis.Config.from_dict(_config())
    schema = schemathesis.openapi.from_path(str(spec_path()), config=config)
    schema.config.update(base_url=CURRENT.base_url, headers={"Authorization": f"Bearer {CURRENT.token}"})
    if CURRENT.read_only:
        schema = schema.include(method="GET")

    @schema.hook
    def map_query(ctx: Any, query: dict[str, Any] | None) -> dict[str, Any] | None:
        for key in ("page[page]", "page[per_page]"):
            value = (query or {}).get(key)
            if isinstance(value, int) and not isinstance(value, bool) and value > PAGE_LIMIT:
                query[key] = PAGE_LIMIT  # type: ignore[index]
        return query

    return schema
