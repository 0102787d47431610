"""The world plan: a showcase of every state for each provider, then weighted random stories up to N."""

from __future__ import annotations

from bisect import bisect
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import Protocol

from mockserver.seeding import stories
from mockserver.seeding.builder import Rows, WorldBuilder

DEFAULT_APPLICATIONS = 400  # 50 a provider: every list, filter and state, small enough to read

# Per provider, in this order, while its share of applications lasts.
SHOWCASE: tuple[str, ...] = (
    "pending:2025", "pending:2024", "pending:2023", "rejected:2025", "rejected:2022",
    "fresh", "in_progress", "paid", "unfunded", "no_funded_place", "voided", "awaiting_clawback",
    "clawed_back", "passed", "failed", "outcome_voided", "deferred", "withdrawn", "resumed", "overseas",
    "elsewhere_uk", "two_providers", "shared_trn", "previously_funded",
)
# Weighted single-application stories for the rest of the world.
FILLER: dict[str, int] = {
    "pending": 22, "rejected": 8, "fresh": 8, "in_progress": 20, "paid": 18, "unfunded": 4,
    "no_funded_place": 3, "voided": 3, "awaiting_clawback": 1, "clawed_back": 1, "passed": 5, "failed": 1,
    "outcome_voided": 1, "deferred": 2, "withdrawn": 3, "resumed": 1, "overseas": 1,
    "elsewhere_uk": 1,
}
APPLICATIONS_PHASE = "applications"


class Progress(Protocol):
    """Told how a world's build goes: `done` of `total` in each phase (the applications written, then
    the steps of the later phases, each named), `detail` what the step in hand is."""

    def __call__(self, done: int, total: int, phase: str = APPLICATIONS_PHASE, detail: str = "") -> None: ...


def shares(total: int, providers: list[str]) -> dict[str, int]:
    """Split `total` applications between providers as evenly as possible."""
    base, extra = divmod(total, len(providers))
    return {p: base + (1 if i < extra else 0) for i, p in enumerate(providers)}


def run(b: WorldBuilder, name: str, provider_id: str, other_id: str) -> Counter[str]:
    """Play one story by name ('pending:2025' fixes the cohort)."""
    story, _, arg = name.partition(":")
    if story in ("pending", "rejected"):
        getattr(stories, story)(b, provider_id, int(arg) if arg else None)
        return Counter({provider_id: 1})
    if story == "two_providers":
        return stories.two_providers(b, provider_id, other_id)
    if story in ("shared_trn", "previously_funded"):
        return getattr(stories, story)(b, provider_id)
    stories.accepted(b, provider_id, story)
    return Counter({provider_id: 1})


def _filler_story(name: str) -> Callable[[WorldBuilder, str], None]:
    """One FILLER story as a function of (builder, provider): each makes one application of the provider."""
    if name == "pending":
        return lambda b, provider_id: stories.pending(b, provider_id)
    if name == "rejected":
        return lambda b, provider_id: stories.rejected(b, provider_id)
    return lambda b, provider_id: stories.accepted(b, provider_id, name)


SIZES = {"two_providers": 2, "shared_trn": 2, "previously_funded": 2}


def build(b: WorldBuilder, total: int, batch: int = 5000) -> Iterator[tuple[Rows, int]]:
    """Yield (rows, applications made so far) in batches of about `batch` applications, so writing streams."""
    providers = [p.id for p in b.ref.lead_providers]
    left = shares(total, providers)
    done = 0
    # rng.choices(names, weights)[0] is names[bisect(cumulative weights, random() * total, 0, last)]: the same
    # draw, with the cumulative weights summed once rather than for each of a million stories
    plays = [_filler_story(name) for name in FILLER]
    cumulative = list(accumulate(FILLER.values()))
    total, last, draw = cumulative[-1] + 0.0, len(plays) - 1, b.rng.random
    for index, provider_id in enumerate(providers):
        other_id = providers[(index + 1) % len(providers)]
        for name in SHOWCASE:
            size = SIZES.get(name, 1)
            if left[provider_id] < size or (name == "two_providers" and left[other_id] < size):
                continue
            made = run(b, name, provider_id, other_id)
            _subtract(left, made)
            done += sum(made.values())
    for provider_id in providers:
        for _ in range(left[provider_id]):  # each filler story makes one application of the provider
            plays[bisect(cumulative, draw() * total, 0, last)](b, provider_id)
            done += 1
            if len(b.rows.applications) >= batch:
                yield b.rows.drain(), done
    if b.rows.applications:
        yield b.rows.drain(), done


def _subtract(left: dict[str, int], made: Counter[str]) -> None:
    for provider_id, count in made.items():
        left[provider_id] -= count
