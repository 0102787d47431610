"""Ruby/Rails parsing quirks: to_i (R-33), Time.iso8601 after a second decode (R-37), dates (R-84/85)."""

from __future__ import annotations

import pytest

from mockserver.domain.timeparse import (
    completion_date_parts,
    declaration_date_checks,
    parse_filter_time,
    ruby_to_i,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("10abc", 10), ("abc", 0), (" 7", 7), ("-3", -3), ("1_000", 1000), ("", 0), (5, 5), (None, 0)],
)
def test_ruby_to_i(raw: object, expected: int) -> None:
    assert ruby_to_i(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
        ("2024-01-01T10:00:00-02:00", "2024-01-01T12:00:00Z"),
        ("2024-01-01T10:00:00%2B02:00", "2024-01-01T08:00:00Z"),
        ("2024-01-01T00:00:00.5Z", "2024-01-01T00:00:01Z"),
        ("2024-02-30T00:00:00Z", "2024-03-01T00:00:00Z"),
        ("99999-01-01T00:00:00Z", "9999-99"),
    ],
)
def test_filter_time_accepts(raw: str, expected: str) -> None:
    assert parse_filter_time(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["2024-01-01", "2024-01-01T00:00:00+02:00", "2024-13-01T00:00:00Z", "%", "x", "2024-01-01T25:00:00Z"],
)
def test_filter_time_rejects(raw: str) -> None:
    with pytest.raises(ValueError):
        parse_filter_time(raw)


@pytest.mark.parametrize(
    ("raw", "format_ok", "castable"),
    [
        ("2024-10-01T10:00:00Z", True, True),
        ("2024-10-01T10:00:00.123+01:00", True, True),
        ("2024-10-01T10:00:00", True, True),
        ("2024-10-01", False, True),
        ("2024-19-01T10:00:00Z", False, False),
        ("2024-10-01T29:00:00Z", False, False),
        ("2023-02-30T10:00:00Z", True, True),
        (None, True, False),
        ("", True, False),
        (12, False, False),
    ],
)
def test_declaration_date_checks(raw: object, format_ok: bool, castable: bool) -> None:
    ok, cast = declaration_date_checks(raw)
    assert (ok, cast is not None) == (format_ok, castable)


def test_completion_date_is_an_unanchored_pattern() -> None:
    assert completion_date_parts("2021-05-31T00:00:00+00:00")[1].isoformat() == "2021-05-31"
    assert completion_date_parts("2021-13-01") == (True, None)
    assert completion_date_parts("31/05/2021") == (False, None)
