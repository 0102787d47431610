"""Bearer token -> lead provider (R-10..R-12): Rails' token parsing, 401 before anything else."""

from __future__ import annotations

import re
import sqlite3

from mockserver.errors import ApiError
from mockserver.store import tokens

_SCHEME = re.compile(r"^(Token|Bearer)\s+")
_DELIMITERS = re.compile(r"(?:,|;|\t)")
_QUOTES = re.compile(r'^"|"$')  # compiled once: this runs on every request


def token_from_header(value: str | None) -> str | None:
    """The token of `Bearer <t>`, `Token <t>` or `Token token="<t>"` (scheme word case-sensitive)."""
    if not value or not _SCHEME.match(value):
        return None
    params = _DELIMITERS.split(_SCHEME.sub("", value, count=1))
    first = params[0] if params else ""
    if not first.startswith("token="):
        first = "token=" + first
    _, _, token = first.partition("=")
    token = _QUOTES.sub("", token)
    return token or None


def provider_for_token(conn: sqlite3.Connection, token: str | None) -> str | None:
    """The lead provider id a token belongs to, or None."""
    return tokens.provider_for_token(conn, token) if token else None


def authenticate(conn: sqlite3.Connection, header: str | None) -> str:
    """The current provider for an Authorization header, or a 401 ApiError."""
    provider = provider_for_token(conn, token_from_header(header))
    if provider is None:
        raise ApiError.of("auth.access_denied")
    return provider
