"""Rules of the day that need no database: when choosing closes, which items clash, fill states."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

# Items one can be at alongside something else: lunch in the theatre, a break, the closing drinks.
COMPATIBLE_KINDS = frozenset({"lunch", "break", "walk-in", "closing"})


def choosing_closed(now: dt.datetime, closes_at: str | None, event_date: dt.date | None) -> bool:
    """True once the moment to choose this session has passed.

    `closes_at` is `HH:MM` on the event's date (today when that is unset), or `YYYY-MM-DD HH:MM`
    for a session of an event of several days, which then closes on its own day.
    """
    if not closes_at:
        return False
    day = event_date or now.date()
    if len(closes_at) > 5:
        dated = dt.datetime.fromisoformat(closes_at)
        day, closes_at = dated.date(), dated.strftime("%H:%M")
    if now.date() != day:
        return now.date() > day
    return now.time() >= dt.time.fromisoformat(closes_at)


def clashes(kind_a: str, start_a: str, end_a: str | None, kind_b: str, start_b: str, end_b: str | None) -> bool:
    """True when one person cannot attend both items (`HH:MM` times; an open end is a point)."""
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
