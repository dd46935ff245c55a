"""Check-in codes: short, upper-case, without characters that look alike (0/O, 1/I/L)."""

from __future__ import annotations

import random
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6


def new_code(rng: random.Random | None = None, length: int = CODE_LENGTH) -> str:
    """A fresh code; pass a seeded `rng` for deterministic demo data."""
    choose = rng.choice if rng else secrets.choice
    return "".join(choose(ALPHABET) for _ in range(length))


def normalise_code(raw: str) -> str:
    """What a scanner or a person typed, as the code to look up: trimmed, upper-case."""
    return "".join(raw.split()).upper()
