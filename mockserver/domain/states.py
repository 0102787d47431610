"""State machines as data (section 7): one transition table per resource, one error for illegal moves."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType


class IllegalTransition(Exception):
    """A move the state machine does not allow."""

    def __init__(self, machine: str, state: str | None, event: str) -> None:
        super().__init__(f"{machine}: cannot {event} from {state}")
        self.machine, self.state, self.event = machine, state, event


Table = Mapping[tuple[str | None, str], str]

# 7.1 Application status (lead provider approval).
APPLICATION_STATUS: Table = MappingProxyType(
    {
        ("pending", "accept"): "accepted",
        ("pending", "reject"): "rejected",
        ("accepted", "reject"): "rejected",  # only reachable at HEAD (V-55)
        ("pending", "other_application_accepted"): "rejected",
        ("rejected", "other_application_accepted"): "rejected",
        ("accepted", "other_application_accepted"): "rejected",  # only reachable with drift D2
    }
)

# 7.2 Participant training status, per accepted application.
TRAINING_STATUS: Table = MappingProxyType(
    {
        (None, "accept"): "active",
        ("active", "defer"): "deferred",
        ("active", "withdraw"): "withdrawn",
        ("deferred", "withdraw"): "withdrawn",
        ("deferred", "resume"): "active",
        ("withdrawn", "resume"): "active",
    }
)

# 7.3 Declaration state (stored with underscores).
DECLARATION_STATE: Table = MappingProxyType(
    {
        ("submitted", "mark_eligible"): "eligible",
        ("submitted", "mark_ineligible"): "ineligible",
        ("eligible", "mark_payable"): "payable",
        ("payable", "mark_paid"): "paid",
        ("payable", "revert_to_eligible"): "eligible",
        ("submitted", "void"): "voided",
        ("eligible", "void"): "voided",
        ("payable", "void"): "voided",
        ("ineligible", "void"): "voided",
        ("paid", "void"): "awaiting_clawback",
        ("awaiting_clawback", "mark_clawed_back"): "clawed_back",
    }
)

MACHINES: Mapping[str, Table] = MappingProxyType(
    {
        "application_status": APPLICATION_STATUS,
        "training_status": TRAINING_STATUS,
        "declaration_state": DECLARATION_STATE,
    }
)


def transition(machine: str, state: str | None, event: str) -> str:
    """The state after event, or IllegalTransition."""
    try:
        return MACHINES[machine][(state, event)]
    except KeyError:
        raise IllegalTransition(machine, state, event) from None


def can(machine: str, state: str | None, event: str) -> bool:
    """Whether event is allowed from state."""
    return (state, event) in MACHINES[machine]
