"""The journal's token mask: the same answer as replacing every token, longest first, in few passes."""

from __future__ import annotations

from random import Random

from hypothesis import given, seed, settings
from hypothesis import strategies as st

from mockserver.pages.masking import MASK_BYTES, TokenMask, anchors

SEEDED = ["ambition-token", "best-practice-token", "coe-token", "llse-token", "niot-token",
          "school-led-token", "teach-first-token", "ucl-token"]


def _naive(tokens: list[str], body: bytes) -> bytes:
    for token in sorted({t.encode() for t in tokens if t}, key=lambda t: (-len(t), t)):
        body = body.replace(token, MASK_BYTES)
    return body


def test_the_seeded_tokens_share_one_anchor() -> None:
    found = anchors(t.encode() for t in SEEDED)
    assert found == [b"-token"]


def test_created_worlds_tokens_are_covered_by_their_providers_names() -> None:
    # As mockserver/worlds.py makes them: the provider's name as a slug, then 24 random hex digits.
    names = ["ambition-institute", "best-practice-network", "church-of-england", "llse", "niot",
             "school-led-network", "teach-first", "ucl-centre-for-educatio"]
    random = Random(7)
    worlds = [f"{name}-{random.getrandbits(96):024x}" for _ in range(6) for name in names]
    found = anchors(t.encode() for t in SEEDED + worlds)
    assert found is not None and len(found) <= len(SEEDED) + 1
    assert all(any(anchor in t.encode() for anchor in found) for t in SEEDED + worlds)


def test_a_body_with_a_token_hidden_in_text_is_masked() -> None:
    mask = TokenMask(SEEDED)
    body = b'{"full_name":"x coe-token y","email":"ucl-token@example.com","n":"ambition-tok"}'
    assert mask(body) == b'{"full_name":"x [token] y","email":"[token]@example.com","n":"ambition-tok"}'
    assert mask(b'{"data":[]}') == b'{"data":[]}'


def test_too_many_unrelated_tokens_fall_back_to_one_pattern() -> None:
    tokens = [f"{n:x}" * 7 for n in range(40)]  # nothing in common between most of them
    assert anchors(t.encode() for t in tokens) is None
    body = f"a {tokens[3]} b {tokens[39]}".encode()
    assert TokenMask(tokens)(body) == _naive(tokens, body)


_PIECES = st.sampled_from(["-token", "ucl", "ambition", "[", "]", "token", "abc", "-", "x", "é", "0f"])
_TEXT = st.lists(_PIECES, max_size=8).map("".join)


@seed(20261130)
@settings(max_examples=400, database=None, deadline=None)
@given(tokens=st.lists(_TEXT, max_size=20), parts=st.lists(_TEXT, max_size=12))
def test_mask_equals_replacing_every_token_longest_first(tokens: list[str], parts: list[str]) -> None:
    body = " ".join(parts + tokens[: len(tokens) // 2]).encode()
    assert TokenMask(tokens)(body) == _naive(tokens, body)
