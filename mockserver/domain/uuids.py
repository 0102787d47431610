"""UUID shapes as the real service checks them (R-15, R-39)."""

from __future__ import annotations

import re

_UUID = re.compile(r"\A[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z", re.I)


def is_uuid(value: object) -> bool:
    """An 8-4-4-4-12 hexadecimal string."""
    return isinstance(value, str) and _UUID.match(value) is not None
