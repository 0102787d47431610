"""The v3 `sort` parameter (V-33): comma-separated columns, `-` descending, `+` or nothing ascending.

An item is kept only when it names a column of the underlying table; others are dropped silently. A literal
`+` arrives URL-decoded as a space, so `sort=+created_at` is the item " created_at" and is dropped.
"""

from __future__ import annotations

from collections.abc import Collection

Order = tuple[tuple[str, bool], ...]  # (column, descending) in priority order


def parse_sort(raw: str | None, columns: Collection[str]) -> Order | None:
    """None: no `sort` given, the endpoint's default order applies. An empty tuple: `sort` was given but
    nothing survived, so the real service applies no ORDER BY at all (any stable order will do)."""
    if raw is None:
        return None
    kept: list[tuple[str, bool]] = []
    for item in raw.split(","):
        descending = item.startswith("-")
        name = item[1:] if item[:1] in ("-", "+") else item
        if name in columns:
            kept.append((name, descending))
    return tuple(kept)
