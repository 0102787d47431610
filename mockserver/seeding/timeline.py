"""Fixed time base for seeded worlds: every timestamp derives from the seed and WORLD_NOW, never the clock.

The generator counts time in whole seconds since the Unix epoch (plain ints): a million applications take
some fourteen million timestamps, and int arithmetic with a cached text form is several times cheaper than
datetime arithmetic and strftime. `iso` and `parse_iso` remain for datetimes (testing API, factory).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

# The seeded world's "present": records are dated before it, so two seeds built on different days match.
WORLD_NOW = datetime(2026, 4, 1, tzinfo=UTC)
DAY = 86_400
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_SECOND = timedelta(seconds=1)


def iso(moment: datetime) -> str:
    """RFC 3339 UTC with a Z and no fraction, the store's timestamp text (R-23)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(text: str) -> datetime:
    """Parse a store timestamp ('...Z') or any RFC 3339 string into an aware UTC datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("a time zone is required")
    return moment.astimezone(UTC)


def seconds(moment: datetime) -> int:
    """Whole seconds since the epoch of an aware datetime (the fraction dropped, as `iso` drops it)."""
    return (moment.replace(microsecond=0) - _EPOCH) // _ONE_SECOND


WORLD_NOW_SECONDS = seconds(WORLD_NOW)

# Text of each day seen (day number -> 'YYYY-MM-DD'), and of each minute and second of a day.
_DAY_TEXT: dict[int, str] = {}
_DAY_NUMBER: dict[str, int] = {}
_MINUTE_TEXT = [f"T{m // 60:02d}:{m % 60:02d}:" for m in range(24 * 60)]
_SECOND_TEXT = [f"{s:02d}Z" for s in range(60)]


def _day_text(day: int) -> str:
    text = (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d")
    _DAY_TEXT[day], _DAY_NUMBER[text] = text, day
    return text


def stamp(at: int) -> str:
    """`iso` of a moment given in epoch seconds: the same text, from two cached pieces."""
    day = at // DAY  # operators rather than divmod: no call, no tuple (a world makes millions of stamps)
    clock = at - day * DAY
    return (_DAY_TEXT.get(day) or _day_text(day)) + _MINUTE_TEXT[clock // 60] + _SECOND_TEXT[clock % 60]


def stamp_seconds(text: str) -> int:
    """Epoch seconds of a store timestamp ('YYYY-MM-DDTHH:MM:SSZ'), the inverse of `stamp`."""
    day = _DAY_NUMBER.get(text[:10])
    if day is None:
        day = seconds(datetime.fromisoformat(text[:10]).replace(tzinfo=UTC)) // DAY
        _day_text(day)
    return day * DAY + int(text[11:13]) * 3600 + int(text[14:16]) * 60 + int(text[17:19])


_MIDNIGHTS: dict[date, int] = {}


def midnight(day: date) -> int:
    """Midnight UTC at the start of a day, in epoch seconds."""
    found = _MIDNIGHTS.get(day)
    if found is None:
        found = _MIDNIGHTS[day] = seconds(datetime(day.year, day.month, day.day, tzinfo=UTC))
    return found


def between(rng: random.Random, start: int, end: int) -> int:
    """A whole-second instant in [start, end]; start when the window is empty."""
    span = end - start
    return start if span <= 0 else start + rng._randbelow(span + 1)  # rng.randint(0, span), see after


def after(rng: random.Random, start: int, min_days: float, max_days: float) -> int:
    """A whole-second instant between min_days and max_days after start (callers compare it to WORLD_NOW)."""
    low = int(min_days * DAY)
    # rng.randint(low, high) is low + rng._randbelow(high - low + 1) (random.randrange's fast path, the same
    # draw in 3.11 to 3.13; tests/mockserver/test_seed_build.py checks it): two Python calls fewer, and
    # this runs a few million times for a big world.
    return start + low + rng._randbelow(int(max_days * DAY) - low + 1)
