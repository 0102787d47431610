"""PUT change-funded-place (R-65..R-69) as a table: order, and R-68's "only if no error so far"."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mockserver.domain.applications import validate_change_funded_place
from mockserver.domain.models import MISSING
from tests.mockserver.domain.facts import ACCEPTED_APPLICATION

ACCEPTED = replace(ACCEPTED_APPLICATION, funded_place=False, funding_eligibility_status_code="funded")


def change_funded_place(
    *,
    status: str = "accepted",
    eligible: bool = True,
    capped: bool = True,
    funded_place: object = True,
    billable: bool = False,
) -> list[str]:
    """A valid request on an accepted, eligible application in a capped cohort, unless overridden."""
    app = replace(ACCEPTED, status=status, eligible_for_funding=eligible)
    found = validate_change_funded_place(
        app, capped=capped, funded_place=funded_place, has_billable_declarations=billable
    )
    return [v.code for v in found]


ROWS = [
    ("valid: true", {}, []),
    ("valid: false", {"funded_place": False}, []),
    ("valid: false, not eligible", {"funded_place": False, "eligible": False}, []),
    ("R-65 absent", {"funded_place": MISSING}, ["application.funded_place_required"]),
    ("R-65 null", {"funded_place": None}, ["application.funded_place_required"]),
    ("R-65 string 'true'", {"funded_place": "true"}, ["application.funded_place_required"]),
    ("R-65 number 1", {"funded_place": 1}, ["application.funded_place_required"]),
    ("R-66 pending", {"status": "pending"}, ["funded_place.not_accepted"]),
    ("R-66 rejected", {"status": "rejected"}, ["funded_place.not_accepted"]),
    ("R-67 not eligible", {"eligible": False}, ["funded_place.not_eligible"]),
    # R-67 reads Ruby truthiness: a non-boolean truthy value fails
    (
        "R-67 truthy string",
        {"funded_place": "yes", "eligible": False},
        ["application.funded_place_required", "funded_place.not_eligible"],
    ),
    (
        "R-67 null is not truthy",
        {"funded_place": None, "eligible": False},
        ["application.funded_place_required"],
    ),
    ("R-68 cohort not capped", {"capped": False}, ["funded_place.cohort_not_capped"]),
    (
        "R-68 skipped after R-65",
        {"capped": False, "funded_place": None},
        ["application.funded_place_required"],
    ),
    ("R-68 skipped after R-66", {"capped": False, "status": "pending"}, ["funded_place.not_accepted"]),
    ("R-68 skipped after R-67", {"capped": False, "eligible": False}, ["funded_place.not_eligible"]),
    ("R-69 billable declarations", {"billable": True}, ["funded_place.declarations_exist"]),
    # R-69 is not skipped: it follows R-68 and whatever came before
    (
        "R-69 after R-68",
        {"capped": False, "billable": True},
        ["funded_place.cohort_not_capped", "funded_place.declarations_exist"],
    ),
    (
        "R-65..R-69 all in order",
        {"funded_place": "yes", "status": "pending", "eligible": False, "capped": False, "billable": True},
        [
            "application.funded_place_required",
            "funded_place.not_accepted",
            "funded_place.not_eligible",
            "funded_place.declarations_exist",
        ],
    ),
]


@pytest.mark.parametrize(("rule", "overrides", "expected"), ROWS, ids=[row[0] for row in ROWS])
def test_change_funded_place(rule: str, overrides: dict, expected: list[str]) -> None:
    assert change_funded_place(**overrides) == expected, rule
