"""The staff PIN: kept only as a salted scrypt hash, checked in constant time, locked after 5 misses.

The clear PIN is read once at start-up (KIOSK_STAFF_PIN, else config.DEFAULT_STAFF_PIN), hashed,
and dropped: `StaffPin` never stores, returns or logs it. After `MAX_ATTEMPTS` wrong PINs in a row
the prompt is locked for `LOCK_SECONDS`, measured on the clock it is given (the app's clock).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

MAX_ATTEMPTS = 5
LOCK_SECONDS = 60
# scrypt at n=2**14 costs ~35 ms a check: cheap for staff, slow for a script guessing 4-digit PINs.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
# What replaces the clear PIN in Settings once it is hashed (not a PIN; keeps "was one set?" true).
REDACTED = "<hashed>"


class PinOutcome(StrEnum):
    """What a PIN attempt came to."""

    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class PinCheck:
    """The answer to one attempt: the outcome, attempts left before the lock, seconds still locked."""

    outcome: PinOutcome
    attempts_left: int = MAX_ATTEMPTS
    locked_seconds: int = 0

    @property
    def ok(self) -> bool:
        """True when the PIN was right."""
        return self.outcome is PinOutcome.OK


def _digest(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.strip().encode("utf-8"), salt=salt, **_SCRYPT)


class StaffPin:
    """The staff PIN as a salted hash, with a lock-out after too many wrong attempts."""

    def __init__(self, pin: str, *, is_default: bool, now: Callable[[], dt.datetime]) -> None:
        self._salt = os.urandom(16)
        self._hash = _digest(pin, self._salt)
        self._now = now
        self._misses = 0
        self._locked_until: dt.datetime | None = None
        self.is_default = is_default

    def __repr__(self) -> str:
        # Never show the hash or salt either: nothing about the PIN belongs in a log or traceback.
        return f"StaffPin(default={self.is_default})"

    def locked_seconds(self) -> int:
        """Seconds until the prompt opens again (0: not locked)."""
        if self._locked_until is None:
            return 0
        left = (self._locked_until - self._now()).total_seconds()
        if left <= 0:
            self._locked_until = None
            self._misses = 0
            return 0
        return int(left + 0.999)

    def check(self, attempt: str) -> PinCheck:
        """Try a PIN; wrong ones count towards the lock-out, a right one resets the count."""
        locked = self.locked_seconds()
        if locked:
            # While locked even the right PIN is refused, so guessing gains nothing.
            return PinCheck(PinOutcome.LOCKED, 0, locked)
        if hmac.compare_digest(_digest(attempt, self._salt), self._hash):
            self._misses = 0
            return PinCheck(PinOutcome.OK)
        self._misses += 1
        if self._misses >= MAX_ATTEMPTS:
            self._locked_until = self._now() + dt.timedelta(seconds=LOCK_SECONDS)
            return PinCheck(PinOutcome.LOCKED, 0, LOCK_SECONDS)
        return PinCheck(PinOutcome.WRONG, MAX_ATTEMPTS - self._misses)
