"""Time and number parsing with Ruby/Rails leniencies: R-23, R-33, R-37, R-84, R-85, R-118."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from urllib.parse import unquote_plus

_LEADING_INT = re.compile(r"\s*([+-]?\d+(?:_\d+)*)", re.A)
_RUBY_ISO8601 = re.compile(
    r"\A\s*(-?\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d(?::?\d\d)?)?\s*\Z", re.I | re.A
)
_RFC3339_DECLARATION = re.compile(
    r"\A(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([.,]\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?\Z", re.I | re.A
)
# The shapes Ruby's Date._parse reads that a declaration_date may plausibly take (not all of them): the
# date as yyyy-mm-dd or yyyy/mm/dd, dd/mm/yyyy (Ruby reads a/b/yyyy day first), or ISO 8601 basic
# yyyymmdd; then an optional time (hh:mm[:ss] or basic hhmm[ss]) with a fraction, and a zone that may follow
# a space. Offsets are not range-checked: Rails subtracts whatever offset it read.
_TIME = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?"
_BASIC_TIME = r"(?P<hour>\d{2})(?P<minute>\d{2})(?P<second>\d{2})?"
_TAIL = r"(?P<fraction>[.,]\d+)?(?:\s*(?P<zone>Z|[+-]\d{2}(?::?\d{2})?))?"
_LOOSE_DATETIMES = tuple(
    re.compile(rf"\A\s*{day}(?:{sep}{time}{_TAIL})?\s*\Z", re.I | re.A)
    for day, sep, time in (
        (r"(?P<year>\d{4})[-/](?P<month>\d{1,2})[-/](?P<day>\d{1,2})", r"(?:T|\s+)", _TIME),
        (r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})", r"(?:T|\s+)", _TIME),
        (r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})", r"T", _BASIC_TIME),
    )
)
_BAD_PERCENT = re.compile(r"%(?![0-9a-fA-F]{2})")
_DATE_IN_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.A)
MAX_STAMP = "9999-99"  # sorts after every stored timestamp
MIN_STAMP = "0"  # sorts before every stored timestamp
SERVER_DATE_YEARS = (1900, 2999)  # the testing API's window for stored moments (seeding/factory.py)


def stamp(moment: datetime) -> str:
    """A UTC timestamp as stored and shown: 'YYYY-MM-DDTHH:MM:SSZ' (R-23); any fraction is dropped."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def precise(whole: str, usec: int = 0) -> str:
    """A stored whole-second stamp with its microseconds, fixed width so such strings sort as times
    ('...T00:00:00.500000Z' > '...T00:00:00.000000Z'); for comparisons only, never shown (R-23)."""
    return f"{whole[:-1]}.{usec:06d}Z"


def ruby_to_i(value: object) -> int:
    """Ruby's String#to_i: the leading integer, 0 when there is none (R-33)."""
    if isinstance(value, bool) or value is None:
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) != float("inf") else 0
    match = _LEADING_INT.match(str(value))
    return int(match.group(1).replace("_", "")) if match else 0


def _offset(zone: str | None, *, checked: bool = True) -> timedelta:
    """A zone's offset; checked (Time.iso8601, DateTime.rfc3339) refuses hours > 23 or minutes > 59."""
    if not zone or zone.upper() == "Z":
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if checked and (hours > 23 or minutes > 59):
        raise ValueError("utc_offset out of range")
    return sign * timedelta(hours=hours, minutes=minutes)


def _compose(
    year: int, month: int, day: int, hour: int, minute: int, second: int, zone: str | None, usec: int = 0,
    *, checked_zone: bool = True,
) -> datetime:
    """Ruby Time.utc arithmetic: ranges checked, day overflow rolls into the next month."""
    if not (
        1 <= month <= 12 and 1 <= day <= 31 and 0 <= hour <= 24 and 0 <= minute <= 59 and 0 <= second <= 60
    ):
        raise ValueError("argument out of range")
    if hour == 24 and (minute or second):
        raise ValueError("argument out of range")
    base = datetime(year, month, 1, tzinfo=UTC)
    moved = timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second, microseconds=usec)
    return base + moved - _offset(zone, checked=checked_zone)


def parse_filter_time(raw: str) -> str:
    """R-37: decode again, parse as Ruby Time.iso8601, return a comparable stamp (ValueError if bad)."""
    if _BAD_PERCENT.search(raw):
        raise ValueError("invalid %-encoding")
    match = _RUBY_ISO8601.match(unquote_plus(raw))
    if not match:
        raise ValueError("not ISO 8601")
    year = int(match.group(1))
    if year > 9998:
        return MAX_STAMP
    if year < 2:
        return MIN_STAMP
    moment = _compose(year, *(int(match.group(i)) for i in range(2, 7)), match.group(8))
    fraction = match.group(7)
    if fraction and int(fraction[1:] or 0):
        moment += timedelta(seconds=1)  # stored times are whole seconds: ">= 12:00:00.5" means ">= 12:00:01"
    return stamp(moment)


def _loose_time(raw: str) -> datetime | None:
    """The time Rails casts a declaration_date to, fraction kept to the microsecond (Postgres' precision:
    "00:00:00.5" is after midnight for R-93 and differs from "00:00:00" for the R-100 twin)."""
    match = next((m for m in (p.match(raw) for p in _LOOSE_DATETIMES) if m), None)
    if match is None:
        return None
    parts = [int(match[name] or 0) for name in ("year", "month", "day", "hour", "minute", "second")]
    fraction = match["fraction"]
    usec = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        return _compose(*parts, match["zone"], usec, checked_zone=False)
    except (ValueError, OverflowError):
        return None


def declaration_date_checks(raw: object) -> tuple[bool, datetime | None]:
    """R-84/R-85: (passes the RFC 3339 format check, the time Rails would cast it to or None)."""
    if not isinstance(raw, str):
        return (raw is None, None)
    if not raw.strip():
        return (True, None)  # blank: the format check is skipped, presence fails
    cast = _loose_time(raw)
    rfc = _RFC3339_DECLARATION.match(raw)
    return (rfc is not None and cast is not None and _zone_in_range(rfc.group(8)), cast)


def _zone_in_range(zone: str | None) -> bool:
    """The RFC 3339 check parses the value strictly: an offset such as +25:00 fails it (R-84)."""
    try:
        _offset(zone)
    except ValueError:
        return False
    return True


def completion_date_parts(raw: object) -> tuple[bool, date | None]:
    """R-118: (contains yyyy-mm-dd anywhere, the real date it names or None)."""
    if not isinstance(raw, str):
        return (False, None)
    match = _DATE_IN_TEXT.search(raw)
    if not match:
        return (False, None)
    try:
        return (True, date(*(int(g) for g in match.groups())))
    except ValueError:
        return (True, None)


def parse_server_date(raw: str | None) -> datetime | None:
    """R-18: the X-With-Server-Date header (or a frozen clock value) as a UTC datetime, None if unusable."""
    if not raw or not isinstance(raw, str):
        return None
    moment = _loose_time(raw)
    # A moment that could not be stored and shown with a four-digit year is as unusable as garbage.
    if moment is None or not SERVER_DATE_YEARS[0] <= moment.year <= SERVER_DATE_YEARS[1]:
        return None
    return moment.replace(microsecond=0)
