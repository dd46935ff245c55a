"""Rules of the day that need no database: when choosing closes, which items clash, fill states."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from kiosk.domain.dayclock import DayClock

# Items one can be at alongside something else: lunch in the theatre, a break, the closing drinks.
COMPATIBLE_KINDS = frozenset({"lunch", "break", "walk-in", "closing"})


def choosing_closed(now: dt.datetime, closes_at: str | None, event_date: dt.date | None,
                    clock: DayClock | None = None) -> bool:
    """True once the moment to choose this session has passed.

    `closes_at` is `HH:MM` on the event's conference day (today's when the date is unset), or the
    calendar moment `YYYY-MM-DD HH:MM` (a session of an event of several days, or one in the night).
    `clock`: the programme's DayClock, so that `00:20` on a day that changes at 04:00 is that night.
    """
    if not closes_at:
        return False
    if len(closes_at) > 5:
        closing = dt.datetime.fromisoformat(closes_at)
    else:
        clock = clock or DayClock()
        closing = clock.moment(event_date or clock.day_of(now), dt.time.fromisoformat(closes_at))
    return now.replace(tzinfo=None, second=0, microsecond=0) >= closing


def clashes(kind_a: str, start_a: str, end_a: str | None, kind_b: str, start_b: str, end_b: str | None) -> bool:
    """True when one person cannot attend both items (an open end is a point).

    The times are `HH:MM` on one day with no night, or calendar moments `YYYY-MM-DD HH:MM`
    (kiosk.store.signups gives those, so that night items compare right).
    """
    if kind_a in COMPATIBLE_KINDS or kind_b in COMPATIBLE_KINDS:
        return False
    return start_a < (end_b or start_b) and start_b < (end_a or start_a)


class Fill(StrEnum):
    """How full a session is: free, filling (over 60%), almost full (over 85%), full, over."""

    FREE = "free"
    FILLING = "filling"
    ALMOST = "almost"
    FULL = "full"
    OVER = "over"


def fill_state(taken: int, capacity: int | None) -> Fill:
    """The fill state of `taken` seats out of `capacity` (None: no limit, always free)."""
    if capacity is None:
        return Fill.FREE
    if capacity == 0 or taken >= capacity:
        return Fill.OVER if taken > capacity else Fill.FULL
    share = taken / capacity
    if share > 0.85:
        return Fill.ALMOST
    if share > 0.60:
        return Fill.FILLING
    return Fill.FREE
