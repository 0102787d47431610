"""Every known token replaced by [token] in a journalled body, in as few passes over the body as possible.

A page's journal entry keeps 16 KiB of its response; looking for each of the eight seeded tokens in turn
(`bytes in`, a fast C search) took ~45 us per page, a tenth of the page's cost. Tokens share pieces (the
seeded ones all end in `-token`; a created world's tokens begin with their provider's name), so the mask
first looks for a few *anchors*: short substrings such that every token contains at least one. A body
with none of the anchors has none of the tokens (the common case: one pass for the seeded world); a body
with an anchor is then searched for every token, as before. The answer is exactly that of replacing
every token, longest first, in a body.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

MASK = "[token]"
MASK_BYTES = MASK.encode()
ANCHOR_LENGTHS = (6, 5, 4)  # long enough to be rare in JSON, short enough for tokens to share one
# Past this many anchors (many worlds whose tokens share nothing) one alternation regex pass is cheaper.
_MOST_ANCHORS = 16


def anchors(tokens: Iterable[bytes], most: int = _MOST_ANCHORS) -> list[bytes] | None:
    """Pieces such that every token contains one of them (a greedy set cover over the tokens' substrings of
    ANCHOR_LENGTHS; a shorter token is its own piece); None when that takes more than `most` pieces."""
    left = set(tokens)
    chosen: list[bytes] = []
    while left:
        if len(chosen) == most:
            return None
        holders: defaultdict[bytes, set[bytes]] = defaultdict(set)
        for token in left:
            if len(token) < ANCHOR_LENGTHS[0]:
                holders[token].add(token)
            for length in ANCHOR_LENGTHS:
                for start in range(len(token) - length + 1):
                    holders[token[start:start + length]].add(token)
        # The piece most tokens share, the longest of those (rarer in a body); the rest of the key makes the
        # choice independent of set order.
        best = min(holders, key=lambda piece: (-len(holders[piece]), -len(piece), piece))
        chosen.append(best)
        left -= holders[best]
    return chosen


class TokenMask:
    """The tokens of a world (and its created worlds) and how to find them quickly in a body."""

    def __init__(self, tokens: Iterable[str]) -> None:
        encoded = {t.encode() for t in tokens if t}
        # Longest first, so no token hides inside another.
        self.tokens: tuple[bytes, ...] = tuple(sorted(encoded, key=lambda t: (-len(t), t)))
        found = anchors(self.tokens)
        self._anchors = tuple(found) if found is not None else ()
        self._pattern = re.compile(b"|".join(map(re.escape, self.tokens))) if found is None else None

    def __call__(self, body: bytes) -> bytes:
        """The body with every token replaced by [token]."""
        if not body:
            return body
        if self._pattern is not None:
            return self._pattern.sub(MASK_BYTES, body) if self._pattern.search(body) else body
        if not any(anchor in body for anchor in self._anchors):
            return body  # no token can be there
        for token in self.tokens:  # rare: a body that holds a token, or a piece of one
            if token in body:
                body = body.replace(token, MASK_BYTES)
        return body
