"""PUT /npq-applications/{id}/change-funded-place (R-65..R-69)."""

from __future__ import annotations

from typing import Any

import pytest

from contract_tests import expect
from contract_tests.capabilities import CAPPED_COHORT, World, declaration_body
from contract_tests.client import Client, Reply

pytestmark = [pytest.mark.writes, pytest.mark.quick]
APPS = "/api/v1/npq-applications"
# The 2024 autumn schedule starts on 2024-10-01, after the suite's clock: declare "as of" 2025.
LATER = {"X-With-Server-Date": "2025-01-15T12:00:00Z"}


def _body(value: object) -> dict:
    return {"data": {"type": "npq-application-change-funded-place", "attributes": {"funded_place": value}}}


def _change(api: Client, app_id: str, value: object, **kw: Any) -> Reply:
    return api.put(f"{APPS}/{app_id}/change-funded-place", _body(value), **kw)


def _capped(world: World, **attrs: object) -> tuple[str, str]:
    attrs.setdefault("funded_place", True)
    return world.accepted(cohort=CAPPED_COHORT, teacher_catchment="scotland", **attrs)


@pytest.mark.rule("R-65", "change-funded-place: funded_place must be JSON true/false")
def test_r65_boolean_only(world: World, api: Client) -> None:
    _, app = _capped(world)
    for value in ("true", None, 1):
        expect.refused(
            _change(api, app, value), "application.funded_place_required", f"R-65 funded_place {value!r}"
        )
    reply = _change(api, app, False)
    data = expect.ok(reply, "R-65 change-funded-place to false")
    expect.equal(data["attributes"]["funded_place"], False, "R-65 funded_place stored", "funded_place", reply)
    expect.ok(_change(api, app, False), "R-65 the same value again is allowed")


@pytest.mark.rule("R-67", "change-funded-place: true refused when not eligible for funding")
def test_r67_not_eligible(world: World, api: Client) -> None:
    _, app = _capped(world, eligible_for_funding=False, funded_place=False)
    expect.refused(_change(api, app, True), "funded_place.not_eligible", "R-67 not eligible")
    expect.ok(_change(api, app, False), "R-67 false is allowed when not eligible")


@pytest.mark.rule("R-68", "change-funded-place: refused in a cohort without a funding cap")
def test_r68_uncapped_cohort(world: World, api: Client) -> None:
    _, app = world.accepted()
    for value in (True, False):
        expect.refused(_change(api, app, value), "funded_place.cohort_not_capped", "R-68 uncapped cohort")


@pytest.mark.rule(
    "R-69", "change-funded-place: blocked by a submitted declaration, allowed once it is voided"
)
def test_r69_declarations_block(world: World, api: Client) -> None:
    person, app = _capped(world)
    body = declaration_body(person, declaration_date="2024-11-01T10:00:00Z")
    decl = expect.ok(api.post("/api/v1/participant-declarations", body, headers=LATER), "R-104 declaration")
    expect.refused(
        _change(api, app, False, headers=LATER), "funded_place.declarations_exist", "R-69 declared"
    )
    expect.ok(api.put(f"/api/v1/participant-declarations/{decl['id']}/void", headers=LATER), "R-109 void")
    reply = _change(api, app, False, headers=LATER)
    expect.ok(reply, "R-69 a voided declaration does not block")
