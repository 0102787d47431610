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
_LOOSE_DATETIME = re.compile(
    r"\A\s*(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?"
    r"(Z|[+-]\d{2}(?::?\d{2})?)?)?\s*\Z",
    re.I | re.A,
)
_BAD_PERCENT = re.compile(r"%(?![0-9a-fA-F]{2})")
_DATE_IN_TEXT = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.A)
MAX_STAMP = "9999-99"  # sorts after every stored timestamp
MIN_STAMP = "0"  # sorts before every stored timestamp


def stamp(moment: datetime) -> str:
    """A UTC timestamp as stored and shown: 'YYYY-MM-DDTHH:MM:SSZ' (R-23)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_stamp(value: str) -> datetime:
    """The datetime of a stored timestamp."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


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


def _offset(zone: str | None) -> timedelta:
    if not zone or zone.upper() == "Z":
        return timedelta(0)
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("utc_offset out of range")
    return sign * timedelta(hours=hours, minutes=minutes)


def _compose(
    year: int, month: int, day: int, hour: int, minute: int, second: int, zone: str | None
) -> datetime:
    """Ruby Time.utc arithmetic: ranges checked, day overflow rolls into the next month."""
    if not (
        1 <= month <= 12 and 1 <= day <= 31 and 0 <= hour <= 24 and 0 <= minute <= 59 and 0 <= second <= 60
    ):
        raise ValueError("argument out of range")
    if hour == 24 and (minute or second):
        raise ValueError("argument out of range")
    base = datetime(year, month, 1, tzinfo=UTC)
    return base + timedelta(days=day - 1, hours=hour, minutes=minute, seconds=second) - _offset(zone)


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
    match = _LOOSE_DATETIME.match(raw)
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()[:6]]
    try:
        return _compose(*parts, match.group(7))
    except (ValueError, OverflowError):
        return None


def declaration_date_checks(raw: object) -> tuple[bool, datetime | None]:
    """R-84/R-85: (passes the RFC 3339 format check, the time Rails would cast it to or None)."""
    if not isinstance(raw, str):
        return (raw is None, None)
    if not raw.strip():
        return (True, None)  # blank: the format check is skipped, presence fails
    cast = _loose_time(raw)
    return (_RFC3339_DECLARATION.match(raw) is not None and cast is not None, cast)


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
    match = _LOOSE_DATETIME.match(raw)
    if not match:
        return None
    parts = [int(p) if p else 0 for p in match.groups()[:6]]
    try:
        return _compose(*parts, match.group(7)).replace(microsecond=0)
    except (ValueError, OverflowError):
        return None
