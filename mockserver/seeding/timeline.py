"""Fixed time base for seeded worlds: every timestamp derives from the seed and WORLD_NOW, never the clock."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

# The seeded world's "present": records are dated before it, so two seeds built on different days match.
WORLD_NOW = datetime(2026, 4, 1, tzinfo=UTC)


def iso(moment: datetime) -> str:
    """RFC 3339 UTC with a Z and no fraction, the store's timestamp text (R-23)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parse a store timestamp ('...Z') or any RFC 3339 string into an aware UTC datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time zone is required")
    return moment.astimezone(UTC)


def midnight(day: date) -> datetime:
    """Midnight UTC at the start of a day."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A whole-second instant in [start, end]; start when the window is empty."""
    span = int((end - start).total_seconds())
    return start if span <= 0 else start + timedelta(seconds=rng.randint(0, span))


def after(rng: random.Random, start: datetime, min_days: float, max_days: float) -> datetime:
    """A whole-second instant between min_days and max_days after start (callers compare it to WORLD_NOW)."""
    return start + timedelta(seconds=rng.randint(int(min_days * 86400), int(max_days * 86400)))
