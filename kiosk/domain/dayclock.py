"""Conference days that run past midnight: which day a moment belongs to, and times in day order.

A festival day often ends where its schedule says (04:00 the next morning): the 00:30 talk is
part of that evening, not the first item of the next day. A programme says so once, with the
time its days change over (`event.day_change`, frab's "day change"; 00:00 by default). Every
other rule asks this module: a time of day before the change is in the night after the
conference day, later than every time of the evening before it.

The programme keeps what a person reads: a session's `day` is its conference day and its
`start`/`end` are the clock times on the wall. `DayClock.offset` turns such a time into its
place on the conference day (00:30 -> 24:30 with a change at 04:00), so sorting, overlaps and
"what runs now" compare like with like; `DayClock.moment` gives the calendar date and time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MIDNIGHT = dt.time(0, 0)
DAY = dt.timedelta(days=1)


def _since_midnight(time: dt.time) -> dt.timedelta:
    """A time of day as the time since its midnight."""
    return dt.timedelta(hours=time.hour, minutes=time.minute, seconds=time.second)


@dataclass(frozen=True)
class DayClock:
    """The clock of a conference day that changes over at `change` (00:00: at midnight, as usual)."""

    change: dt.time = MIDNIGHT

    def is_night(self, time: dt.time) -> bool:
        """True for a start in the night after its conference day (before the change, 00:30 at 04:00)."""
        return time < self.change

    def offset(self, time: dt.time) -> dt.timedelta:
        """Where a start lies on its conference day: the time since that day's midnight (24:30 for 00:30)."""
        return _since_midnight(time) + (DAY if self.is_night(time) else dt.timedelta(0))

    def end_offset(self, end: dt.time) -> dt.timedelta:
        """Where an end lies on its conference day; an end at the change (04:00) is the night's last minute.

        So 22:00-04:00 ends at 28:00 and 23:00-00:00 at 24:00 (midnight closes the day it ends).
        """
        since = _since_midnight(end)
        return since + DAY if since <= _since_midnight(self.change) else since

    @property
    def end_of_day(self) -> dt.timedelta:
        """Where the conference day stops: the next change over (24:00 when the days change at midnight)."""
        return DAY + _since_midnight(self.change)

    def span(self, start: dt.time, end: dt.time | None) -> tuple[dt.timedelta, dt.timedelta]:
        """An item's start and end on its conference day; an open end is a point in time."""
        begin = self.offset(start)
        return begin, (self.end_offset(end) if end is not None else begin)

    def ends_after_start(self, start: dt.time, end: dt.time) -> bool:
        """True when `end` comes after `start` on one conference day (23:00-01:00 with a change at 04:00)."""
        return self.end_offset(end) > self.offset(start)

    def day_of(self, moment: dt.datetime) -> dt.date:
        """The conference day a calendar moment belongs to (00:30 on the 28th -> the 27th)."""
        return moment.date() - DAY if self.is_night(moment.time()) else moment.date()

    def time_of(self, moment: dt.datetime) -> dt.timedelta:
        """Where a calendar moment lies on its conference day (see `offset`)."""
        return self.offset(moment.time())

    def moment(self, day: dt.date, time: dt.time, *, end: bool = False) -> dt.datetime:
        """The calendar date and time (naive, wall clock) of a time on conference day `day`.

        `end`: read `time` as an end, so the change itself (04:00) is still that night.
        """
        offset = self.end_offset(time) if end else self.offset(time)
        return dt.datetime.combine(day, MIDNIGHT) + offset


def parse_change(value: str | None) -> DayClock:
    """The clock for a stored `HH:MM` day change (the database's `meta.day_change`); midnight when empty."""
    return DayClock(dt.time.fromisoformat(value) if value else MIDNIGHT)
