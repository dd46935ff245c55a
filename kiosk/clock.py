"""The one clock every screen and rule reads, so a rehearsal can run the day at any hour.

`KIOSK_NOW` takes `HH:MM` (on the event's date, or today when it has none) or an ISO date-time.
By default the clock starts at that moment and runs on (a shifted clock, so scanner-bounce
windows and countdowns behave as on the day); `KIOSK_NOW_FROZEN=1` stops it there (for tests).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

DEFAULT_TZ = "Europe/Amsterdam"


class ClockError(ValueError):
    """KIOSK_NOW could not be read."""


class Clock:
    """Wall-clock time in the event's time zone, optionally shifted or frozen."""

    def __init__(
        self,
        start: dt.datetime | None = None,
        *,
        frozen: bool = False,
        tz: str = DEFAULT_TZ,
    ) -> None:
        self.tz = ZoneInfo(tz)
        self.frozen = frozen
        self._start = start.astimezone(self.tz) if start and start.tzinfo else (
            start.replace(tzinfo=self.tz) if start else None
        )
        # Shift is measured against the monotonic clock so a system clock jump cannot move it.
        self._anchor = time.monotonic()

    def now(self) -> dt.datetime:
        """The current moment as an aware datetime in the event's time zone."""
        if self._start is None:
            return dt.datetime.now(self.tz)
        if self.frozen:
            return self._start
        return self._start + dt.timedelta(seconds=time.monotonic() - self._anchor)

    def today(self) -> dt.date:
        """The clock's current date."""
        return self.now().date()

    @classmethod
    def fixed(cls, value: str, *, event_date: dt.date | None = None, tz: str = DEFAULT_TZ) -> "Clock":
        """A frozen clock at `value` (`HH:MM` or ISO date-time); handy in tests."""
        return cls(parse_now(value, event_date=event_date, tz=tz), frozen=True, tz=tz)

    @classmethod
    def from_env(
        cls, value: str | None, frozen: bool = False, *, event_date: dt.date | None = None, tz: str = DEFAULT_TZ
    ) -> "Clock":
        """The clock that `KIOSK_NOW` and `KIOSK_NOW_FROZEN` describe; the real clock when unset."""
        if not value:
            return cls(tz=tz)
        return cls(parse_now(value, event_date=event_date, tz=tz), frozen=frozen, tz=tz)


_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)(?::([0-5]\d))?$")


def parse_now(value: str, *, event_date: dt.date | None = None, tz: str = DEFAULT_TZ) -> dt.datetime:
    """Read `HH:MM[:SS]` or an ISO date-time into an aware datetime."""
    zone = ZoneInfo(tz)
    value = value.strip()
    match = _HHMM.match(value)
    if match:
        day = event_date or dt.datetime.now(zone).date()
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=zone)
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ClockError(f"KIOSK_NOW {value!r} is not a time (HH:MM) or an ISO date-time") from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)
