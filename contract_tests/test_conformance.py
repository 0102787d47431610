"""Every operation of the document, with generated data: statuses, content types, schemas, no 5xx."""

from __future__ import annotations

import pytest

from contract_tests.checks import RULE_CHECKS  # noqa: F401  (registers the rule checks)
from contract_tests.conformance import call_and_validate, per_operation


@pytest.mark.quick
@pytest.mark.rule("CONFORMANCE", "operation conforms to the OpenAPI document", per_case=True)
@per_operation
def test_operation_conforms(case, schemathesis_session) -> None:  # type: ignore[no-untyped-def]
    call_and_validate(case, schemathesis_session)
