"""Precomputed Faker pools: Faker is slow per call, so a seeded Faker fills pools once and rng picks."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from mockserver.seeding.draws import pick

if TYPE_CHECKING:  # Faker is imported only when pools are filled: it is big, and a worker rarely needs it
    from faker import Faker

# Stored catchment -> (teacher_catchment_country, ISO 3166-1 alpha-3), as registration records them.
UK = ("United Kingdom of Great Britain and Northern Ireland", "GBR")
CATCHMENT_COUNTRIES: dict[str, tuple[str, str]] = {
    "england": UK,
    "scotland": UK,
    "wales": UK,
    "northern_ireland": UK,
    "jersey_guernsey_isle_of_man": ("Jersey", "JEY"),
}
ABROAD = [("France", "FRA"), ("Spain", "ESP"), ("United Arab Emirates", "ARE"), ("Ireland", "IRL"),
          ("Hong Kong", "HKG"), ("Germany", "DEU")]

ROLES = ["Headteacher", "Deputy headteacher", "Assistant headteacher", "Head of department", "Class teacher",
         "SENCO", "Trust leader", "Early years lead"]


# uuid.UUID(int=n, version=4) clears these bits of n and sets the version and variant ones; new_uuid does
# the same on the int and formats it itself, a third of the cost of building a UUID object.
_KEEP = ~((0xF000 << 64) | (0xC000 << 48))
_SET = (4 << 76) | (0x8000 << 48)


def new_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from rng (uuid4() would read the OS and break determinism); the text of
    str(uuid.UUID(int=rng.getrandbits(128), version=4))."""
    # The 16 bytes' hex, the middle three groups by bytes.hex's separator: a world makes millions of ids,
    # and this is about half the instructions of formatting the int with "%032x" and slicing it five ways.
    raw = (rng.getrandbits(128) & _KEEP | _SET).to_bytes(16)
    return f"{raw[:4].hex()}-{raw[4:10].hex('-', 2)}-{raw[10:].hex()}"


@dataclass
class Pools:
    """Name parts and employer names drawn once from a seeded Faker."""

    first_names: list[str]
    last_names: list[str]
    companies: list[str]
    domains: list[str]
    # full name -> its email's local part: a pool of 300 first and last names makes at most 90,000
    _locals: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def build(cls, faker: Faker, size: int = 300) -> Pools:
        """Fill the pools from faker (about 40 ms at the default size)."""
        return cls(
            first_names=[faker.first_name() for _ in range(size)],
            last_names=[faker.last_name() for _ in range(size)],
            companies=[faker.company() for _ in range(size // 3)],
            domains=sorted({faker.free_email_domain() for _ in range(20)}),
        )

    def full_name(self, rng: random.Random) -> str:
        """A plausible British full name."""
        return f"{pick(rng, self.first_names)} {pick(rng, self.last_names)}"

    def email(self, rng: random.Random, full_name: str, serial: int) -> str:
        """An email derived from the name; the serial keeps it unique in big worlds."""
        local = self._locals.get(full_name)
        if local is None:
            local = self._locals[full_name] = ".".join(
                part.lower() for part in full_name.replace("'", "").split())
        return f"{local}{serial}@{pick(rng, self.domains)}"

    def employer(self, rng: random.Random) -> tuple[str | None, str | None]:
        """(employer_name, employment_role): set for people outside schools, else both null."""
        return (pick(rng, self.companies), pick(rng, ROLES)) if rng.random() < 0.2 else (None, None)


_BUILDING = threading.Lock()


def pools_for(seed: int) -> Pools:
    """Faker pools for a seed (Faker("en_GB") seeded; cached because importing Faker and building them
    takes ~0.2 s). Built once: a request that needs them while a worker's start-up thread builds them
    waits for that build rather than starting another."""
    with _BUILDING:
        return _pools_for(seed)


@lru_cache(maxsize=4)
def _pools_for(seed: int) -> Pools:
    from faker import Faker

    faker = Faker("en_GB")
    faker.seed_instance(seed)
    return Pools.build(faker)


FIRST_TRN, TRNS = 1_000_000, 9_000_000  # teacher reference numbers have seven digits


# The numbers below are timeline.between(rng, low, high), itself rng.randint's draw: low +
# rng._randbelow(high - low + 1), written out (a million-application world makes three million of them).
def trn(rng: random.Random) -> int:
    """A seven-digit teacher reference number (as a number: seeding/builder.py keeps them unique)."""
    return FIRST_TRN + rng._randbelow(TRNS)


def urn(rng: random.Random) -> str:
    """A six-digit school URN."""
    return str(100_000 + rng._randbelow(50_000))


def ukprn(rng: random.Random) -> str:
    """An eight-digit UK provider reference number."""
    return str(10_000_000 + rng._randbelow(100_000))


def catchment_place(rng: random.Random, catchment: str) -> tuple[str, str]:
    """(country, ISO code) for a stored catchment value; `another` picks a country abroad."""
    return CATCHMENT_COUNTRIES.get(catchment) or pick(rng, ABROAD)
