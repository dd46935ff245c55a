"""Who was inside each list (the venue, each session's room) over the day, replayed from the scan log.

The log is the truth and undo appends, so a replay takes the effective scans only: accepted, not
an undo itself, and not annulled by one. It walks them once in log order (id), the order in which
the store applied them; the annulled ids come first from the small undo index, so no per-row
subquery runs (500,000 scans in about a second).

People who leave without scanning out stay "inside": at the venue that is everyone who left
without passing the exit scan, so its figures are an upper bound after the morning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.store.db import Database
from kiosk.store.scans import VENUE


@dataclass
class Timeline:
    """A list's count over time, each log time placed on the programme's calendar (wall clock)."""

    # (moment, inside after that scan), in log order.
    points: list[tuple[dt.datetime, int]] = field(default_factory=list)

    def inside_before(self, moment: dt.datetime) -> int:
        """How many were inside just before `moment`.

        The count after the last scan, in log order, logged before that moment. A linear walk, not
        a bisection: a scan queued offline is logged after later ones, so the times need not be sorted.
        """
        count = 0
        for at, inside in self.points:
            if at < moment:
                count = inside
        return count

    def most_between(self, start: dt.datetime, end: dt.datetime | None) -> int:
        """The most inside at any moment from `start` up to `end` (None: to the end of the log)."""
        during = [inside for at, inside in self.points if start <= at and (end is None or at < end)]
        return max([self.inside_before(start), *during])


@dataclass
class ListReplay:
    """One list's day: its peak (and the log time it was first reached), exits, and optionally a timeline."""

    peak: int = 0
    peak_at: str | None = None
    exits: int = 0
    # (log time, inside after that scan) for every scan that changed the count; kept only when asked.
    timeline: list[tuple[str, int]] = field(default_factory=list)

    def placed(self, place: Callable[[str], dt.datetime]) -> Timeline:
        """The timeline with each log time put on the calendar by `place` (once, not per question).

        `place` is `StoredDays.logged`: a night's 00:10 after its evening, also without a date. It
        gets the log time cut to the minute (`YYYY-MM-DDTHH:MM`), as the programme's times are, so
        500,000 scans ask it once a minute of the day rather than once a scan.
        """
        minutes: dict[str, dt.datetime] = {}
        points = []
        for at, inside in self.timeline:
            minute = at[:16]
            moment = minutes.get(minute)
            if moment is None:
                moment = minutes[minute] = place(minute)
            points.append((moment, inside))
        return Timeline(points)


def replay_lists(db: Database, timelines: frozenset[str] = frozenset({VENUE})) -> dict[str, ListReplay]:
    """Per list: the most people inside at once and when, exits, and a timeline for the lists in `timelines`.

    Every list with a scan in the log has an entry, also when each of its scans was refused (a
    door that scanned and turned people away did scan); an Undo that found nothing does not count.
    """
    annulled = {r[0] for r in db.execute("SELECT annuls FROM scans WHERE annuls IS NOT NULL")}
    inside: dict[str, set[int]] = {}
    found: dict[str, ListReplay] = {}
    rows = db.execute(
        "SELECT id, at, list, attendee_id, direction, accepted, annuls, reason FROM scans ORDER BY id"
    )
    for scan_id, at, list_, attendee_id, direction, accepted, annuls, reason in rows:
        if reason == "nothing_to_undo":
            continue
        replay = found.get(list_) or found.setdefault(list_, ListReplay())
        if not accepted or annuls is not None or attendee_id is None or scan_id in annulled:
            continue
        people = inside.setdefault(list_, set())
        if direction == "entry":
            if attendee_id in people:
                continue
            people.add(attendee_id)
            if len(people) > replay.peak:
                replay.peak, replay.peak_at = len(people), at
        else:
            if attendee_id not in people:
                continue
            people.discard(attendee_id)
            replay.exits += 1
        if list_ in timelines:
            replay.timeline.append((at, len(people)))
    return found

