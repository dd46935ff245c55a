"""`kiosk report` for the venue: how many came of how many expected, when, the peak, who never came.

Arrivals are first arrivals from `presence` (an undone check-in is no arrival; a door that let in
someone who skipped the desk made their arrival). "Expected" is everyone registered beforehand
and not cancelled; walk-ins are counted beside it, not in it, so "288 of 297" compares like with
like. The peak inside and the items for everyone (walk-in, opening, plenary talks, closing) are
read from the venue's replayed scans (kiosk.store.replay), undo annulments respected.

Times are read on the calendar (kiosk.store.session_clock): on a day that runs to 04:00 its
00:30 item is that night's, so the day is not over, and no-shows not known, before the night is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from kiosk.domain.counting import venue_wide
from kiosk.store.db import Database
from kiosk.store.replay import ListReplay, Timeline, replay_lists
from kiosk.store.report import ended, entered_counts
from kiosk.store.scans import VENUE
from kiosk.store.session_clock import stored_days

INTERVALS = (15, 30)


@dataclass
class VenueReport:
    """The day at the venue's entrance."""

    arrived: int  # everyone who came, walk-ins included
    expected: int  # registered beforehand (not walk-ins), not cancelled
    arrived_expected: int  # ... of whom came
    walk_ins: int  # added at the desk on the day (and so arrived)
    cancelled: int
    not_arrived: int  # expected and not (yet) come
    no_shows: int | None  # the same once the day's last item has begun; None before
    peak_inside: int
    peak_at: str | None  # HH:MM (YYYY-MM-DD HH:MM on an event of several days)
    exits: int  # scanned out at the venue's exit
    inside_now: int


@dataclass
class ArrivalBucket:
    """First arrivals in one quarter (or half) hour, and everyone arrived by its end."""

    starts: str  # HH:MM (YYYY-MM-DD HH:MM when the arrivals span several dates)
    ends: str
    arrived: int
    total: int


@dataclass
class EveryoneItem:
    """An item for everyone, counted at the venue: inside when it began and the most while it ran."""

    session_id: str
    title: str
    kind: str
    starts_at: str
    ends_at: str | None
    inside_at_start: int
    most_inside: int
    door_entries: int  # people scanned in at a door set to this item (usually none)


def venue_report(
    db: Database, now: dt.datetime | None = None, replay: dict[str, ListReplay] | None = None
) -> VenueReport:
    """The venue's figures; no-shows only once the day's last item has begun (`now` None: after the day)."""
    (arrived, expected, arrived_expected, walk_ins, cancelled) = db.execute(
        """SELECT COUNT(p.attendee_id),
                  SUM(a.status = 'registered' AND a.source != 'walk_in'),
                  SUM(a.status = 'registered' AND a.source != 'walk_in' AND p.attendee_id IS NOT NULL),
                  SUM(a.source = 'walk_in' AND p.attendee_id IS NOT NULL),
                  SUM(a.status = 'cancelled')
           FROM attendees a
           LEFT JOIN presence p ON p.attendee_id = a.id AND p.list = ? AND p.first_entry_at IS NOT NULL""",
        (VENUE,),
    ).fetchone()
    expected, arrived_expected = expected or 0, arrived_expected or 0
    inside_now = db.execute("SELECT COUNT(*) FROM presence WHERE list = ? AND inside = 1", (VENUE,)).fetchone()[0]
    venue = (replay_lists(db) if replay is None else replay).get(VENUE, ListReplay())
    items, days = _items(db), stored_days(db)
    day_over = all(ended(days, day, start, end, now) for day, start, end in items)
    # On an event of several days the peak names its date too.
    peak_at = (venue.peak_at[:10] + " " + venue.peak_at[11:16] if len({d for d, _, _ in items}) > 1
               else venue.peak_at[11:16]) if venue.peak_at else None
    not_arrived = expected - arrived_expected
    return VenueReport(
        arrived, expected, arrived_expected, walk_ins or 0, cancelled or 0, not_arrived,
        not_arrived if day_over else None, venue.peak, peak_at,
        venue.exits, inside_now,
    )


def _items(db: Database) -> list[tuple[str, str, str | None]]:
    """(day, start, end) of every item, for `ended` (an open end, the closing, is over once it begins)."""
    event_date = (db.execute("SELECT value FROM meta WHERE key = 'event_date'").fetchone() or [""])[0]
    return [
        (day or "", start, end)
        for day, start, end in db.execute("SELECT COALESCE(day, ?), starts_at, ends_at FROM sessions", (event_date,))
    ]


def arrivals_per_interval(db: Database, minutes: int = 15) -> list[ArrivalBucket]:
    """First arrivals per `minutes` (15 or 30), from the first arrival's interval to the last's, none skipped."""
    if minutes not in INTERVALS:
        raise ValueError(f"minutes must be one of {INTERVALS}, not {minutes}")
    counts: dict[tuple[str, int], int] = {}
    for (at,) in db.execute(
        "SELECT first_entry_at FROM presence WHERE list = ? AND first_entry_at IS NOT NULL", (VENUE,)
    ):
        minute = int(at[11:13]) * 60 + int(at[14:16])
        key = (at[:10], minute // minutes * minutes)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return []
    dates = sorted({date for date, _ in counts})
    buckets, total = [], 0
    for date in dates:
        starts = [m for d, m in counts if d == date]
        for start in range(min(starts), max(starts) + 1, minutes):
            n = counts.get((date, start), 0)
            total += n
            prefix = f"{date} " if len(dates) > 1 else ""
            buckets.append(ArrivalBucket(f"{prefix}{_hhmm(start)}", f"{prefix}{_hhmm(start + minutes)}", n, total))
    return buckets


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def everyone_items(
    db: Database, replay: dict[str, ListReplay] | None = None
) -> list[EveryoneItem]:
    """The walk-in, the opening, plenary talks and the closing, with the venue's count while each ran.

    Breaks are left out (the same people as the plenary items either side of them; no one asks how
    many had coffee) unless a door scanned people into one.
    """
    replay = replay_lists(db) if replay is None else replay
    venue = replay.get(VENUE, ListReplay())
    event_date = (db.execute("SELECT value FROM meta WHERE key = 'event_date'").fetchone() or [""])[0]
    days = stored_days(db)
    entries = entered_counts(db)
    # The venue's count over time on the programme's calendar: on its dates, or (no date) on one day.
    timelines: dict[bool, Timeline] = {}
    items = []
    for sid, title, kind, start, end, signup, day in db.execute(
        "SELECT id, title, kind, starts_at, ends_at, signup, COALESCE(day, ?) FROM sessions ORDER BY position",
        (event_date,),
    ):
        if not venue_wide(kind, bool(signup)) or (kind == "break" and not entries.get(sid)):
            continue
        dated = bool(day)
        if dated not in timelines:
            timelines[dated] = venue.placed(partial(days.logged, dated=dated))
        timeline = timelines[dated]
        first, last = days.start(day, start), days.end(day, end)
        items.append(EveryoneItem(
            sid, title, kind, start, end, timeline.inside_before(first),
            timeline.most_between(first, last), entries.get(sid, 0),
        ))
    return items
