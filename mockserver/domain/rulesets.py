"""The rule sets of the API versions: what v1/v2 (the Aug 2025 baseline) and v3 (today) decide differently.

One world, one set of use cases: each use case reads the flags of the request's rule set instead of
branching on a version name (behaviour reference V-02, V-90, VD1..VD20).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Protocol


@dataclass(frozen=True)
class RuleSet:
    """One version's business rules, as flags; names say what the flag turns on."""

    name: str
    reject_requires_reason: bool = False  # D1 (a v1/v2 drift switch)
    accept_ignores_withdrawn: bool = False  # D2 / VD2
    outcome_invalid_date_400: bool = False  # D3 / VD13
    delivery_partner_required: bool = True  # D4 (a setting for v1/v2) / VD6 (always for v3)
    reject_accepted: bool = False  # VD1, V-55: accepted applications can be rejected, reason stored
    rejection_reasons: bool = False  # VD3: sibling auto-rejection stores its reason
    schedule_on_accept: bool = False  # V-54: accept reads schedule_identifier
    funding_levels: bool = False  # VD17: zero-funded cohorts have rules of their own (V-54, V-56, V-59)
    delivery_partner_input: bool = False  # V-63: declarations take delivery partners (checks 13, 14, 15b-h)
    overseas_apostrophe: bool = False  # VD7: the Aug 2025 "outside of England'" messages
    declaration_owner_scope: bool = False  # VD8, V-51/V-52: the application's provider sees, 403 on writes
    delivery_partner_errors_first: bool = False  # VD9: HEAD order of change-delivery-partner checks
    declaration_cohort_filter: bool = False  # V-38: v3 declarations take filter[cohort]
    declaration_duplicate_guard: bool = False  # VD19: the model's own duplicate check (V-64 15i)
    extra_withdrawal_reasons: bool = False  # VD11: 21 reasons instead of 17
    filter_must_be_object: bool = False  # VD12, V-31: 400 before authentication
    passed_outcome_kept: bool = False  # VD14
    outcomes_on_transferred: bool = False  # VD15
    retired_id_gone: bool = False  # V-53: 410 for a retired participant id
    suffixed_schedules: bool = False  # VD18: change-schedule finds the latest-suffix cohort holding it
    autumn_2025_schedule: bool = False  # VD20, V-03
    sort: bool = False  # V-33
    enrolment_details: bool = False  # v2/v3 show schedule and training status (V-13, V-14)
    declaration_billing: bool = False  # V-18: v3 declarations show partners, statements, uplift, provider
    v3_filters: bool = False  # V-34..V-36: applications participant_id, participants training_status and
    # from_participant_id (both v3 epochs; v1/v2 ignore these keys)


class RuleSource(Protocol):
    """Anything that gives the rule set in force under a world's settings (an API version)."""

    def rules(self, settings: Mapping[str, Any]) -> RuleSet: ...


def baseline(name: str, settings: Mapping[str, Any]) -> RuleSet:
    """v1 and v2: the Aug 2025 code, with the drift switches D1-D4 read from the world's settings."""
    return RuleSet(
        name=name,
        reject_requires_reason=bool(settings.get("drift_reject_requires_reason")),
        accept_ignores_withdrawn=bool(settings.get("drift_accept_ignores_withdrawn")),
        outcome_invalid_date_400=bool(settings.get("drift_outcome_invalid_date_400")),
        delivery_partner_required=bool(settings.get("delivery_partner_rule", True)),
        enrolment_details=name != "v1",
    )


V3_HEAD = RuleSet(
    name="v3",
    accept_ignores_withdrawn=True,
    outcome_invalid_date_400=True,
    reject_accepted=True,
    rejection_reasons=True,
    schedule_on_accept=True,
    funding_levels=True,
    delivery_partner_input=True,
    declaration_cohort_filter=True,
    declaration_owner_scope=True,
    delivery_partner_errors_first=True,
    declaration_duplicate_guard=True,
    extra_withdrawal_reasons=True,
    filter_must_be_object=True,
    passed_outcome_kept=True,
    outcomes_on_transferred=True,
    retired_id_gone=True,
    suffixed_schedules=True,
    autumn_2025_schedule=True,
    sort=True,
    enrolment_details=True,
    declaration_billing=True,
    v3_filters=True,
)
# v3 while v1/v2 were live (the v3_epoch setting "2025-08"): the baseline rules with v3's own inputs.
V3_AUG_2025 = RuleSet(
    name="v3",
    schedule_on_accept=True,
    delivery_partner_input=True,
    declaration_cohort_filter=True,
    overseas_apostrophe=True,
    retired_id_gone=True,
    sort=True,
    enrolment_details=True,
    declaration_billing=True,
    v3_filters=True,
)


def v3(settings: Mapping[str, Any]) -> RuleSet:
    """v3 at HEAD (default) or at the Aug 2025 epoch, by the v3_epoch setting. At the Aug 2025 epoch the
    delivery partner requirement was the same feature flag as v1's (VD6 = D4), so it follows that setting."""
    if settings.get("v3_epoch") == "2025-08":
        if settings.get("delivery_partner_rule", True):
            return V3_AUG_2025
        return replace(V3_AUG_2025, delivery_partner_required=False)
    return V3_HEAD
