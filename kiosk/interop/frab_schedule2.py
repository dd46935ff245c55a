"""Reads c3voc schedule 2.0 (the CCC event hub's export) into the neutral shape of kiosk.interop.frab.

Schedule 2.0 keeps the conference's days as bare intervals (`start`, `end`) and every event in one
flat `schedule.events` list, with ISO `start`/`end`, a room object (`guid`, `name`, `slug`), a
track object (`slug`, named in `conference.tracks`) and `participants`; biographies, when given,
are in `schedule.persons` (the hub's way) or on the participant. Each event goes into the day
whose interval holds its start (as voc/schedule assigns them, so the 00:15 talk is in the day that
ends at 06:00), under its room's name, with the version 1 field names (`date`, `persons`, ...):
one reader then judges the values of every format the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.interop.frab_formats import conference_of
from kiosk.interop.frab_values import clean, parse_moment, wall

__all__ = ["from_schedule2", "is_schedule2"]

# Event fields of schedule 2.0 (and of the hub's files) that map onto version 1 names or are
# knowingly skipped; any other field is passed on, so the reader warns of it as unknown.
MAPPED = {"start", "end", "room", "track", "participants", "abstract", "description", "state"}
SKIPPED = {"logo", "links", "attachments", "feedback", "feedback_url", "origin_url", "do_not_record",
           "do_not_stream", "recording_license", "id", "answers"}
# States in which an event is not on the programme (cancelled, withdrawn, never accepted).
GONE = {"canceled", "cancelled", "withdrawn", "deleted", "rejected", "draft", "submitted"}


def is_schedule2(data: Any) -> bool:
    """True for parsed JSON in schedule 2.0's shape: a `schedule.events` list, and days holding no events."""
    schedule = data.get("schedule") if isinstance(data, dict) else None
    if not isinstance(schedule, dict) or not isinstance(schedule.get("events"), list):
        return False
    conference = schedule.get("conference") if isinstance(schedule.get("conference"), dict) else {}
    days = conference.get("days") if isinstance(conference.get("days"), list) else []
    return not any(isinstance(d, dict) and isinstance(d.get("rooms"), dict) and any(d["rooms"].values())
                   for d in days)


def _text(value: Any, language: str) -> Any:
    """A LocalizableString as one text: the event's language, else the first given; None stays None."""
    if isinstance(value, dict):
        texts = {k: v for k, v in value.items() if isinstance(v, str) and v.strip()}
        return texts.get(language) or next(iter(texts.values()), None)
    return value


def _after(a: dt.datetime, b: dt.datetime) -> bool:
    """a >= b: as instants when both carry an offset, else as the wall clock reads them."""
    if (a.tzinfo is None) != (b.tzinfo is None):
        return wall(a) >= wall(b)
    return a >= b


def _day_for(moment: dt.datetime | None, days: list[dict[str, Any]]) -> dict[str, Any]:
    """The day whose interval holds `moment`; else the day of its date (made when missing); else the first."""
    if moment is None:
        return days[0] if days else _new_day(days, None)
    for day in days:
        start, end = parse_moment(day.get("day_start")), parse_moment(day.get("day_end"))
        if start is not None and end is not None and _after(moment, start) and not _after(moment, end):
            return day
    date = wall(moment).date().isoformat()
    return next((d for d in days if clean(d.get("date")) == date), None) or _new_day(days, date)


def _new_day(days: list[dict[str, Any]], date: str | None) -> dict[str, Any]:
    """A day the schedule did not list, for events outside every listed day."""
    day: dict[str, Any] = {"index": len(days) + 1, "date": date, "rooms": {}}
    days.append(day)
    return day


def _room_names(conference: dict[str, Any]) -> dict[str, str]:
    """Room guid and slug -> room name, from the conference's room list."""
    names: dict[str, str] = {}
    for room in conference.get("rooms") or []:
        if isinstance(room, dict) and clean(room.get("name")):
            for key in ("guid", "slug"):
                if clean(room.get(key)):
                    names.setdefault(f"{key}:{clean(room.get(key))}", clean(room.get("name")))
    return names


def _room_of(room: Any, names: dict[str, str]) -> str:
    """The name of the room an event refers to (by guid, then slug, then its own name); "" for none."""
    if isinstance(room, str):
        return clean(room)
    if not isinstance(room, dict):
        return ""
    for key in ("guid", "slug"):
        if f"{key}:{clean(room.get(key))}" in names:
            return names[f"{key}:{clean(room.get(key))}"]
    return clean(room.get("name"))


def _persons(event: dict[str, Any], people: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The participants as version 1 persons: name, role, and the biography from `schedule.persons`."""
    found = []
    for participant in event.get("participants") or []:
        if not isinstance(participant, dict):
            continue
        known = people.get(clean(participant.get("guid")), {})
        person = {"name": participant.get("name") or known.get("name") or known.get("public_name")}
        if participant.get("role") is not None:
            person["role"] = participant.get("role")
        biography = participant.get("biography") or known.get("biography")
        if biography:
            person["biography"] = biography
        found.append(person)
    return found


def _event(event: dict[str, Any], tracks: dict[str, str], people: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One schedule 2.0 event with version 1 field names (kiosk.interop.frab reads those)."""
    language = clean(event.get("language"))
    item: dict[str, Any] = {key: value for key, value in event.items() if key not in MAPPED | SKIPPED}
    item["date"] = event.get("start")
    if event.get("end") is not None:
        item["end"] = event.get("end")
    track = event.get("track")
    if isinstance(track, dict):
        slug = clean(track.get("slug"))
        item["track"] = tracks.get(slug) or clean(track.get("name")) or slug
    elif track is not None:
        item["track"] = track
    item["abstract"] = _text(event.get("abstract"), language)
    item["description"] = _text(event.get("description"), language)
    item["persons"] = _persons(event, people)
    return item


def from_schedule2(data: dict[str, Any]) -> dict[str, Any]:
    """The conference of a schedule 2.0 file in the neutral shape: days with rooms with events."""
    schedule = data["schedule"]
    conference = conference_of(data)
    notes: list[str] = []
    tracks = {clean(t.get("slug")): clean(t.get("name")) for t in conference.get("tracks") or []
              if isinstance(t, dict) and clean(t.get("slug"))}
    people = {clean(p.get("guid")): p for p in schedule.get("persons") or []
              if isinstance(p, dict) and clean(p.get("guid"))}
    days: list[dict[str, Any]] = []
    for day in conference.get("days") or []:
        if not isinstance(day, dict):
            days.append(day)  # the reader says "not a day"
            continue
        days.append({key: value for key, value in day.items() if key not in ("start", "end")}
                    | {"day_start": day.get("start"), "day_end": day.get("end"), "rooms": {}})
    names = _room_names(conference)
    listed = [d for d in days if isinstance(d, dict)]
    for index, event in enumerate(schedule["events"]):
        if not isinstance(event, dict):
            notes.append(f"events[{index}]: not an event, ignored")
            continue
        state = clean(event.get("state")).lower()
        if state in GONE:
            notes.append(f"event {clean(event.get('title')) or index!r}: state {state}, left out")
            continue
        day = _day_for(parse_moment(event.get("start")), listed)
        day["rooms"].setdefault(_room_of(event.get("room"), names), []).append(_event(event, tracks, people))
    # Days made for events outside the listed ones join in date order (day changes read neighbours).
    listed.sort(key=lambda d: clean(d.get("date")))
    conference["days"] = listed + [d for d in days if not isinstance(d, dict)]
    conference["_notes"] = notes
    return conference
