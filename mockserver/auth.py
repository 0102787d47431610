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


class TokenIndex:
    """Token -> lead provider id, read once per process instead of once per request.

    Tokens are reference data: only seeding and `POST /__mock__/reset` write them, both from the world's own
    fixtures, so the rows a process first reads stay the rows there are. A reset in this process forgets
    the copy anyway; an unknown token is always looked up again, so nothing valid is ever refused.
    """

    def __init__(self) -> None:
        self._known: dict[str, str] | None = None

    def provider(self, conn: sqlite3.Connection, token: str | None) -> str | None:
        """The lead provider id a token belongs to, or None."""
        if not token:
            return None
        if self._known is None:
            self._known = tokens.all_tokens(conn)
        found = self._known.get(token)
        return found if found is not None else tokens.provider_for_token(conn, token)

    def forget(self) -> None:
        """Drop the copy (after this process rewrote the reference data)."""
        self._known = None


def authenticate(conn: sqlite3.Connection, header: str | None, index: TokenIndex) -> str:
    """The current provider for an Authorization header, or a 401 ApiError."""
    provider = index.provider(conn, token_from_header(header))
    if provider is None:
        raise ApiError.of("auth.access_denied")
    return provider
