"""Stored sessions on the calendar: the programme's DayClock read back from the database file.

The `sessions` table keeps what a person reads: `starts_at`/`ends_at` are wall-clock `HH:MM`,
`day` is a session's conference day (NULL: the event's date, itself unset for a one-day programme
without a date). What such a time means (00:30 on a day that changes over at 04:00 is that night,
after its 23:00 item) is kiosk.domain.dayclock's rule; this module reads the two facts that rule
needs from `meta` (`day_change`, `event_date`) and asks it, so the dashboard, the door, the report
and the privacy rules read a night item the same way the sign-up rules do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kiosk.domain.dayclock import MIDNIGHT, DayClock, parse_change
from kiosk.store.db import Database

# Stands in for the unset date of a one-day programme where no `now` says which day it is (a
# report after the day): its times, and the log's times folded onto it, compare on one day.
UNDATED = dt.date(2000, 1, 1)


def wall(moment: dt.datetime) -> dt.datetime:
    """A moment as the programme's naive wall clock (the clock's moments are in the event's zone)."""
    return moment.replace(tzinfo=None)


@dataclass(frozen=True)
class StoredDays:
    """The programme's day change and date, as synced; turns a stored session's times into moments."""

    clock: DayClock = field(default_factory=DayClock)
    event_date: dt.date | None = None

    def today(self, now: dt.datetime) -> dt.date:
        """The conference day `now` is on (00:30 in the night after 20 August is still the 20th)."""
        return self.clock.day_of(wall(now))

    def day(self, day: str | None, now: dt.datetime | None = None) -> dt.date:
        """A stored session's conference day: its own, else the event's, else `now`'s (no date: today).

        Without a date and without `now`: UNDATED, the one day such a programme's times compare on.
        """
        if day:
            return dt.date.fromisoformat(day)
        if self.event_date:
            return self.event_date
        return self.today(now) if now is not None else UNDATED

    def start(self, day: str | None, starts_at: str, now: dt.datetime | None = None) -> dt.datetime:
        """When a stored session starts (naive wall clock; a night item on the date after its day)."""
        return self.clock.moment(self.day(day, now), dt.time.fromisoformat(starts_at))

    def end(self, day: str | None, ends_at: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
        """When a stored session ends; None for an open end (each caller says what that means)."""
        if ends_at is None:
            return None
        return self.clock.moment(self.day(day, now), dt.time.fromisoformat(ends_at), end=True)

    def day_end(self, day: dt.date) -> dt.datetime:
        """Where conference day `day` stops: its next change over (midnight, or 04:00 the next morning)."""
        return dt.datetime.combine(day, MIDNIGHT) + self.clock.end_of_day

    def logged(self, at: str, *, dated: bool = True) -> dt.datetime:
        """A scan log time (ISO, its wall clock as logged) as wall clock; not `dated`: folded onto UNDATED's day.

        Folded, 00:10 in the night lands after that evening's 23:50, as the sessions of a programme
        without a date do (`start`, `end` without `now`).
        """
        moment = wall(dt.datetime.fromisoformat(at))
        if dated:
            return moment
        return dt.datetime.combine(UNDATED, MIDNIGHT) + self.clock.time_of(moment)

    def minute(self, time: dt.time | str) -> int:
        """A time's minute on its conference day: 00:30 is minute 1470 when the day changes at 04:00."""
        if isinstance(time, str):
            time = dt.time.fromisoformat(time)
        return int(self.clock.offset(time).total_seconds()) // 60


def stored_days(conn: Database) -> StoredDays:
    """The day change and event date the file holds (`meta.day_change`, `meta.event_date`)."""
    meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('day_change', 'event_date')").fetchall())
    date = meta.get("event_date") or None
    return StoredDays(parse_change(meta.get("day_change")), dt.date.fromisoformat(date) if date else None)
