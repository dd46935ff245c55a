"""Values as schedules write them: text from other systems, ISO moments, durations, and where days end.

Both schedule readers (frab version 1 and schedule 2.0) use these, so a title, a `+01:00` time or
a day that ends at 04:00 the next morning is read one way whatever the file's format.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from kiosk.domain.dayclock import MIDNIGHT, DayClock

# A next day that starts within this of a day's end continues it (pretalx: ends 03:59, starts 04:00).
_SEAM = dt.timedelta(minutes=1)


def clean(value: Any) -> str:
    """A name or title as one line of plain text: None becomes "", line breaks and tabs a space,
    other control characters (terminal escapes, NUL) are dropped; whitespace trimmed.

    Schedules come from other systems; the programme model refuses control characters (they would
    move the cursor on every kiosk screen), so they are cleaned here instead of refusing the import.
    """
    return clean_prose(value, keep="").strip()


def clean_prose(value: Any, keep: str = "\n\t") -> str:
    """A description as text: line breaks (as \\n) and tabs kept, other control characters dropped."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = "".join(ch if ch in keep or unicodedata.category(ch) != "Cc" else (" " if ch in "\n\t" else "")
                   for ch in text)
    return text.strip()


def parse_moment(value: Any) -> dt.datetime | None:
    """An ISO date-time (`2020-12-14T09:00:00+01:00`), or None."""
    try:
        return dt.datetime.fromisoformat(clean(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def parse_date(value: Any) -> dt.date | None:
    """An ISO date, or the date of an ISO date-time, or None."""
    text = clean(value)
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def parse_duration(value: Any) -> dt.timedelta | None:
    """frab's `HH:MM` / `HH:MM:SS`, or schedule 2.0's ISO 8601 `PT1H30M`, as a timedelta; else None."""
    text = clean(value)
    match = re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{1,2}))?", text)
    if match:
        hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    match = re.fullmatch(r"P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?", text)
    if match and text not in ("P", "PT"):
        days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
        return dt.timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return None


def wall(moment: dt.datetime) -> dt.datetime:
    """A moment as the clock on the wall reads it, as written (its offset dropped)."""
    return moment.replace(tzinfo=None)


def day_change(days: list[dict[str, Any]]) -> DayClock:
    """When the schedule's days change over, from where they say they end.

    A day that ends on a later date than its own (10:00 to 04:00 the next morning) changes over at
    that time; when the next day starts right there (pretalx: ends 03:59, starts 04:00), at its
    start. Several days: the latest such time. Days that end on their own date: midnight.
    `days` are in the neutral shape (`date`, `day_start`, `day_end`).
    """
    parsed = [(parse_date(d.get("date")), parse_moment(d.get("day_start")), parse_moment(d.get("day_end")))
              for d in days if isinstance(d, dict)]
    changes = []
    for index, (date, _, end) in enumerate(parsed):
        if date is None or end is None or wall(end).date() <= date:
            continue
        change = wall(end)
        following = parsed[index + 1] if index + 1 < len(parsed) else None
        if following and following[1] is not None and wall(following[1]).date() == following[0]:
            if dt.timedelta(0) <= wall(following[1]) - change <= _SEAM:
                change = wall(following[1])
        changes.append(change.time().replace(second=0, microsecond=0))
    return DayClock(max(changes, default=MIDNIGHT))


def listed_night_change(days: list[dict[str, Any]], clock: DayClock) -> DayClock:
    """The clock widened to hold items a day lists in its night, when no day says where it ends.

    Such an item (listed under the 27th, at 00:30 on the 28th) belongs to the day that lists it;
    the change becomes the next full hour after the latest of them ends.
    """
    if clock.change != MIDNIGHT:
        return clock
    latest: dt.time | None = None
    for day in days:
        date = parse_date(day.get("date")) if isinstance(day, dict) else None
        rooms = day.get("rooms") if date is not None and isinstance(day.get("rooms"), dict) else {}
        for events in rooms.values():
            for item in events if isinstance(events, list) else []:
                begin = parse_moment(item.get("date")) if isinstance(item, dict) else None
                if begin is None or wall(begin).date() != date + dt.timedelta(days=1):
                    continue
                length = parse_duration(item.get("duration"))
                end = parse_moment(item.get("end"))
                stop = wall(begin) + length if length else (wall(end) if end else None)
                stop_time = stop.time() if stop is not None and stop.date() == wall(begin).date() else None
                for moment in (wall(begin).time(), stop_time):
                    if moment is not None and (latest is None or moment > latest):
                        latest = moment
    if latest is None or latest >= dt.time(12, 0):
        return clock  # a "night" past noon is the next day, listed under the wrong date
    return DayClock(dt.time(min(latest.hour + 1, 12), 0))
