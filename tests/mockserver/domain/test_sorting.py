"""V-33: the v3 sort grammar."""

from __future__ import annotations

import pytest

from mockserver.domain.sorting import parse_sort

COLUMNS = {"created_at", "updated_at", "full_name"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("created_at", (("created_at", False),)),
        ("-created_at", (("created_at", True),)),
        ("+updated_at,-created_at", (("updated_at", False), ("created_at", True))),
        (" created_at", ()),  # an unencoded + arrives as a space: dropped
        ("foo", ()),
        ("", ()),
        ("foo,-full_name", (("full_name", True),)),
    ],
)
def test_sort_items_are_kept_only_for_known_columns(raw: str | None, expected: object) -> None:
    assert parse_sort(raw, COLUMNS) == expected
