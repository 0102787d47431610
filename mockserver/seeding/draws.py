"""random.Random's choice without its two Python frames: the same pick from the same draws.

A million-application world makes some fifteen million choices; rng.choice(seq) is seq[rng._randbelow(n)],
and _randbelow draws getrandbits(n.bit_length()) until the number is below n (3.11 to 3.13 alike;
tests/mockserver/test_seed_build.py checks it). timeline.between and timeline.after do the same for randint.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def pick(rng: random.Random, seq: Sequence[T]) -> T:
    """rng.choice(seq): the same element, the same draws."""
    n = len(seq)
    if not n:
        raise IndexError("Cannot choose from an empty sequence")
    bits = n.bit_length()
    r = rng.getrandbits(bits)
    while r >= n:
        r = rng.getrandbits(bits)
    return seq[r]
