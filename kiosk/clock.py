"""The one clock every screen and rule reads, so a rehearsal can run the day at any hour.

`KIOSK_NOW` takes `HH:MM` (on the event's date, or today when it has none) or an ISO date-time.
By default the clock starts at that moment and runs on (a shifted clock, so scanner-bounce
windows and countdowns behave as on the day); `KIOSK_NOW_FROZEN=1` stops it there (for tests).

A running rehearsal clock is shared by every process on one database (`Rehearsal`): the first
process with a KIOSK_NOW value stores when it began (kiosk.store.rehearsal), and the others with
that value, restarted ones too, continue from there instead of starting the day again.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
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
    def fixed(cls, value: str, *, event_date: dt.date | None = None, tz: str = DEFAULT_TZ) -> Clock:
        """A frozen clock at `value` (`HH:MM` or ISO date-time); handy in tests."""
        return cls(parse_now(value, event_date=event_date, tz=tz), frozen=True, tz=tz)

    @classmethod
    def from_env(
        cls, value: str | None, frozen: bool = False, *, event_date: dt.date | None = None, tz: str = DEFAULT_TZ
    ) -> Clock:
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


@dataclass(frozen=True)
class Rehearsal:
    """One rehearsal clock as its database keeps it: the KIOSK_NOW moment and the real time it began."""

    start: dt.datetime
    began: dt.datetime

    def at(self, real: dt.datetime) -> dt.datetime:
        """The rehearsal's time at the real moment `real`: its start plus the real time since it began.

        Never before its start: a real clock set back (or a host whose clock lags) must not make
        a process log times from before the rehearsal began.
        """
        return self.start + max(real - self.began, dt.timedelta(0))

    def is_over(self, real: dt.datetime) -> bool:
        """True once its clock has run past the rehearsed day: that KIOSK_NOW then begins afresh.

        Without this, yesterday's rehearsal with KIOSK_NOW=09:20 (on a dated programme) would go on
        today at 09:20 plus a day.
        """
        return self.at(real).date() > self.start.date()


def choose_rehearsal(stored: Iterable[Rehearsal], start: dt.datetime, real: dt.datetime) -> Rehearsal | None:
    """The stored rehearsal a process with KIOSK_NOW=`start` continues; None when it begins a new one.

    One clock per KIOSK_NOW value, not one per database: a desk restarted with the value it had
    keeps its own times in order even after an organiser started another value elsewhere (the
    one-latest-wins rule would put that desk back at its start, the very bug this fixes).
    """
    return next((r for r in stored if r.start == start and not r.is_over(real)), None)


def rehearsal_notes(value: str, chosen: Rehearsal, began_now: bool, stored: Iterable[Rehearsal],
                    real: dt.datetime) -> list[str]:
    """What a process says on stderr at its start about the rehearsal clocks of its database.

    Quiet for the usual cases (the first process of a rehearsal, and every one that follows it).
    It speaks when another value's clock is still running beside this one (their times will not
    agree) and when this value's earlier rehearsal has run past its day and begins again.
    """
    notes: list[str] = []
    others = [r for r in stored if r.start != chosen.start and not r.is_over(real)]
    if began_now:
        old = next((r for r in stored if r.start == chosen.start), None)
        if old is not None:
            notes.append(f"KIOSK_NOW={value}: the rehearsal clock begun with it at {_real(old.began, chosen)} has run "
                         f"past its day; a new one starts at {_moment(chosen.start, chosen)}.")
        if others:
            running = ", ".join(f"KIOSK_NOW={_moment(r.start, chosen)} (now {_moment(r.at(real), chosen, True)})"
                                for r in others)
            notes.append(f"KIOSK_NOW={value} starts a new rehearsal clock on this database; processes still running "
                         f"on {running} keep their clock until restarted with KIOSK_NOW={value}.")
        return notes
    later = [r for r in others if r.began > chosen.began]
    if later:
        newest = max(later, key=lambda r: r.began)
        notes.append(f"KIOSK_NOW={value} continues its rehearsal clock (now {_moment(chosen.at(real), chosen, True)}), "
                     f"but KIOSK_NOW={_moment(newest.start, chosen)} was started on this database later "
                     f"(now {_moment(newest.at(real), chosen, True)}): start every process with the same KIOSK_NOW "
                     "so their times agree.")
    return notes


def _moment(moment: dt.datetime, beside: Rehearsal, seconds: bool = False) -> str:
    """`09:20` (with seconds when asked or when it has them; with its date when not on `beside`'s day)."""
    moment = moment.astimezone(beside.start.tzinfo)
    text = moment.strftime("%H:%M:%S" if seconds or moment.second else "%H:%M")
    return text if moment.date() == beside.start.date() else f"{moment.date().isoformat()}T{text}"


def _real(moment: dt.datetime, beside: Rehearsal) -> str:
    """A real moment in the event's zone, `2026-11-28 15:02`."""
    return moment.astimezone(beside.start.tzinfo).strftime("%Y-%m-%d %H:%M")
