"""Reads frab/c3voc schedules: XML and JSON version 1 (pretalx, frab) and schedule 2.0 (the CCC hub).

Every format is first turned into one neutral shape (the version 1 JSON one: a conference with
rooms and days, each day with events), then into the programme format; the format is found from
the content (kiosk.interop.frab_schedule2 reads 2.0). What the kiosk cannot use (links,
recordings, logos) is skipped quietly; fields neither format knows, and values that cannot be read,
give a warning and a sensible default, never a crash. Only a file that is not a schedule at all
raises ScheduleError.

Exports of this kiosk carry what frab has no place for (rounds, sign-up, capacity of a session,
notes, speaker roles) in a `kiosk` extension: `conference.meta.kiosk` in JSON, a
`<?kiosk-programme ...?>` processing instruction in XML. Both schemas allow it and other readers
ignore it; with it, export then import gives the same programme.

A day ends where the schedule says (`day_end`, often 04:00 the next morning): its items after
midnight stay on that day, and the programme's `event.day_change` records the time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.domain.dayclock import MIDNIGHT, DayClock
from kiosk.domain.loader import parse_programme
from kiosk.domain.programme import Kind, Programme
from kiosk.domain.text import ascii_words, words
from kiosk.interop.frab_formats import PI_TARGET, ScheduleError, conference_of, from_json, from_xml, load_json
from kiosk.interop.frab_schedule2 import from_schedule2, is_schedule2
from kiosk.interop.frab_values import clean as _clean
from kiosk.interop.frab_values import clean_prose as _clean_prose
from kiosk.interop.frab_values import day_change, listed_night_change, parse_date, parse_duration, parse_moment, wall

__all__ = ["EXTENSION", "PI_TARGET", "ImportResult", "ScheduleError", "build", "derive", "from_json", "from_xml",
           "ident", "parse_schedule", "read_schedule"]

EXTENSION = "netwerkdag-kiosk/1"
DEFAULT_TZ = "Europe/Amsterdam"

# Fields the formats define (JSON schema, XSD and what pretalx adds): read or knowingly skipped.
KNOWN_CONFERENCE = {"acronym", "title", "description", "start", "end", "days", "daysCount", "timeslot_duration",
                    "time_zone_name", "logo", "colors", "color", "keywords", "url", "base_url", "tracks", "track",
                    "rooms", "meta", "languages", "defaults"}
KNOWN_DAY = {"index", "date", "day_start", "day_end", "start", "end", "rooms", "room"}
KNOWN_EVENT = {"guid", "code", "id", "logo", "date", "start", "end", "duration", "room", "slug", "url", "title",
               "subtitle", "track", "type", "language", "abstract", "description", "recording_license",
               "do_not_record", "do_not_stream", "persons", "links", "feedback_url", "origin_url", "attachments",
               "recording", "video_download_url", "answers"}
KNOWN_PERSON = {"name", "public_name", "guid", "id", "code", "url", "links", "avatar", "biography", "answers",
                "role"}
KNOWN_ROOM = {"name", "slug", "type", "guid", "stream_id", "description", "capacity", "url", "features",
              "assembly", "position", "parent"}

# frab `type` (folded) -> kind; the kiosk's own kind names map to themselves.
TYPE_KINDS = {
    "lecture": Kind.TALK, "keynote": Kind.PLENARY, "plenary": Kind.PLENARY, "panel": Kind.TALK,
    "workshop": Kind.ACTIVITY, "hands on": Kind.ACTIVITY, "meeting": Kind.ACTIVITY, "discussion": Kind.TALK,
    "game": Kind.ACTIVITY, "break": Kind.BREAK, "pause": Kind.BREAK, "coffee": Kind.BREAK,
    "lunch": Kind.LUNCH, "welcome": Kind.OPENING, "closing": Kind.CLOSING, "walk in": Kind.WALK_IN,
    # schedule 2.0's types (TALK, HANDS-ON, LIGHTNING_TALK, ... and META for notices such as "doors open").
    "performance": Kind.ACTIVITY, "concert": Kind.ACTIVITY, "lightning talk": Kind.TALK, "other": Kind.TALK,
    "meta": Kind.WALK_IN,
}
# schedule 2.0 participant roles the kiosk keeps as a speaker's role (SPEAKER is the default).
ROLES = {"moderator", "contributor", "host", "guest"}


@dataclass
class ImportResult:
    """The programme read from a schedule, the same as plain data, and what was odd about it."""

    programme: Programme
    raw: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    # The format the file was read as: "frab XML", "frab JSON" or "schedule 2.0 JSON".
    format: str = "frab JSON"


def read_schedule(path: str | Path) -> ImportResult:
    """Read a frab/pretalx schedule file, XML or JSON (found from its first character)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ScheduleError([f"{path.name}: cannot be read: {error}"]) from None
    return parse_schedule(text, source=path.name)


def parse_schedule(text: str, *, source: str = "") -> ImportResult:
    """Read a schedule given as text: XML when it starts with `<`, else JSON (2.0 when it has `events`)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<"):
        conference, kind = from_xml(stripped), "frab XML"
    else:
        data = load_json(stripped)
        if is_schedule2(data):
            conference, kind = from_schedule2(data), "schedule 2.0 JSON"
        else:
            conference, kind = conference_of(data), "frab JSON"
    result = build(conference, source=source)
    result.format = kind
    return result


def ident(text: str) -> str:
    """An id for the programme (`a-z0-9-`) from any text: "Grote Zaal!" -> "grote-zaal"."""
    return "-".join(ascii_words(text))


# --- building the programme -------------------------------------------------------------------


def _kind(type_: str, warnings: set[str]) -> Kind:
    """The kind for a frab `type`; unknown types are read as talks, with one warning each."""
    key = " ".join(words(type_))
    for kind in Kind:
        if key == " ".join(words(kind.value)):
            return kind
    if key in TYPE_KINDS:
        return TYPE_KINDS[key]
    if key not in ("", "talk"):
        warnings.add(f"type {type_!r}: not a kind the kiosk knows, read as a talk")
    return Kind.TALK


def _unique(base: str, taken: set[str], fallback: str) -> str:
    """`base` (or `fallback` when empty), with `-2`, `-3`, ... added until it is not taken."""
    base = base or fallback
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def _unknown(where: str, item: dict[str, Any], known: set[str], warnings: set[str]) -> None:
    """Warn once per field that the schedule formats do not define."""
    for key in item:
        if key not in known and not key.startswith("_"):
            warnings.add(f"{where}: unknown field {key!r}, ignored")


def build(conference: dict[str, Any], *, source: str = "") -> ImportResult:
    """The programme of a conference in the neutral (JSON) shape, checked as `programme check` does."""
    raw, sessions, notes = derive(conference, source=source)
    if not sessions:
        # A file that parses but gives nothing: say what was in it, not "the programme has no sessions".
        raise ScheduleError([f"warning: {note}" for note in sorted(notes)] + [_found(conference)])
    extension = conference.get("_extension")
    if extension is not None:
        if isinstance(extension, dict) and extension.get("format") == EXTENSION:
            _apply_extension(raw, sessions, extension)
        else:
            notes.add("kiosk extension: not understood, ignored")
    programme, problems = parse_programme(raw)
    if programme is None:
        raise ScheduleError(problems)
    return ImportResult(programme, raw, sorted(notes))


def _found(conference: dict[str, Any]) -> str:
    """One line on what a schedule without usable sessions holds, and what that may mean."""
    days = [d for d in conference.get("days") or [] if isinstance(d, dict)]
    events = sum(len(e) for d in days if isinstance(d.get("rooms"), dict)
                 for e in d["rooms"].values() if isinstance(e, list))
    if not days and not events:
        return "no days and no events: is this a schedule export?"
    dates = sorted(filter(None, (parse_date(d.get("date")) for d in days)))
    when = f" ({dates[0]} to {dates[-1]})" if len(dates) > 1 else f" ({dates[0]})" if dates else ""
    if not events:
        return f"{len(days)} day(s){when} but no events in them: is the schedule published yet?"
    return f"{events} event(s) on {len(days)} day(s){when}, but none could be read (see the warnings)"


def derive(conference: dict[str, Any], *, source: str = "") -> tuple[dict[str, Any], list[tuple[str, dict]], set[str]]:
    """The programme as plain data from the standard fields alone, its (guid, session) pairs, and warnings."""
    notes: set[str] = set()
    for name in conference.get("_unknown", []):
        notes.add(f"schedule: unknown element <{name}>, ignored")
    notes.update(conference.get("_notes", []))
    _unknown("conference", conference, KNOWN_CONFERENCE, notes)
    title = _clean(conference.get("title")) or _clean(conference.get("acronym"))
    if not title:
        notes.add("conference.title: missing, the programme is called 'Schedule'")
    days = conference.get("days") if isinstance(conference.get("days"), list) else []
    if not days:
        notes.add("conference.days: missing or empty")
    zone = _clean(conference.get("time_zone_name")) or DEFAULT_TZ
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        notes.add(f"conference.time_zone_name: {zone!r} is not a known time zone, {DEFAULT_TZ} is used")
        zone = DEFAULT_TZ
    first_day = parse_date(conference.get("start")) or next(
        (d for d in (parse_date(day.get("date")) for day in days if isinstance(day, dict)) if d), None
    )
    event: dict[str, Any] = {"name": title or "Schedule", "date": first_day, "timezone": zone}
    if source:
        event["source"] = source
    if _clean(conference.get("acronym")):
        event["acronym"] = _clean(conference.get("acronym"))
    clock = listed_night_change(days, day_change(days))
    if clock.change != MIDNIGHT:
        event["day_change"] = clock.change.strftime("%H:%M")
    rooms, room_ids = _rooms(conference, days, notes)
    sessions = _sessions(days, conference, event, room_ids, clock, notes)
    raw = {"event": event, "rooms": rooms, "rounds": [], "sessions": [s for _, s in sessions]}
    return raw, sessions, notes


def _rooms(conference: dict[str, Any], days: list, notes: set[str]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The rooms (conference list first, then any only named by events) and a name -> id map."""
    rooms: list[dict[str, Any]] = []
    by_name: dict[str, str] = {}
    taken: set[str] = set()
    listed = conference.get("rooms") if isinstance(conference.get("rooms"), list) else []
    named = [r for r in listed if isinstance(r, dict)]
    for day in days:
        if isinstance(day, dict) and isinstance(day.get("rooms"), dict):
            named += [{"name": name} for name in day["rooms"]]
    for i, room in enumerate(named):
        name = _clean(room.get("name"))
        if i < len(listed):
            _unknown("conference.rooms[]", room, KNOWN_ROOM, notes)
        if not name or name in by_name:
            continue
        entry: dict[str, Any] = {"id": _unique(ident(_clean(room.get("slug")) or name), taken, "room"), "name": name}
        capacity = room.get("capacity")
        if isinstance(capacity, (int, float)) and not isinstance(capacity, bool) and capacity >= 0:
            entry["capacity"] = int(capacity)
        elif capacity not in (None, ""):
            notes.add(f"room {name!r}: capacity {capacity!r} is not a number, no limit is used")
        by_name[name] = entry["id"]
        rooms.append(entry)
    return rooms, by_name


def _sessions(days: list, conference: dict[str, Any], event: dict[str, Any], room_ids: dict[str, str],
              clock: DayClock, notes: set[str]) -> list[tuple[str, dict[str, Any]]]:
    """(guid, session) for every readable event of every day, in time order (night items last)."""
    acronym = _clean(conference.get("acronym"))
    found: list[tuple[tuple, str, dict[str, Any]]] = []
    taken: set[str] = set()
    room_order = list(room_ids)
    for d, day in enumerate(days):
        if not isinstance(day, dict):
            notes.add(f"days[{d}]: not a day, ignored")
            continue
        _unknown("days[]", day, KNOWN_DAY, notes)
        day_date = parse_date(day.get("date"))
        rooms = day.get("rooms") if isinstance(day.get("rooms"), dict) else {}
        for room_name, events in rooms.items():
            for item in events if isinstance(events, list) else []:
                if not isinstance(item, dict):
                    continue
                made = _session(item, day_date, room_ids.get(_clean(room_name)), acronym, event, clock, taken, notes)
                if made is not None:
                    position = room_order.index(room_name) if room_name in room_order else len(room_order)
                    start = clock.offset(dt.time.fromisoformat(made["start"]))
                    key = (made.get("day") or event["date"] or dt.date.min, start, position)
                    found.append((key, _clean(item.get("guid")), made))
    found.sort(key=lambda entry: entry[0])
    return [(guid, session) for _, guid, session in found]


def _session(item: dict[str, Any], day_date: dt.date | None, room: str | None, acronym: str,
             event: dict[str, Any], clock: DayClock, taken: set[str], notes: set[str]) -> dict[str, Any] | None:
    """One event as a programme session, or None (with a warning) when it has no usable start.

    Its `day` is its conference day: 00:30 on the 28th is the 27th's when that day ends at 04:00.
    """
    _unknown("events[]", item, KNOWN_EVENT, notes)
    title = _clean(item.get("title"))
    slug = _clean(item.get("slug"))
    label = title or slug or _clean(item.get("guid")) or "?"
    moment = parse_moment(item.get("date"))
    if moment is not None:
        # The wall-clock time as written: pretalx writes local times with their offset.
        day, start = clock.day_of(wall(moment)), moment.time().replace(second=0, microsecond=0, tzinfo=None)
        if day_date is not None and day != day_date:
            notes.add(f"event {label!r}: listed under {day_date}, but at {wall(moment):%Y-%m-%d %H:%M} it is "
                      f"on {day}; shown there")
        zone = ZoneInfo(event["timezone"])
        if moment.tzinfo is not None and moment.utcoffset() != moment.replace(tzinfo=zone).utcoffset():
            notes.add(f"conference.time_zone_name: {event['timezone']}, but event times carry offset "
                      f"{moment.strftime('%z')}; the times are kept as written")
    else:
        day = day_date
        try:
            start = dt.time.fromisoformat(_clean(item.get("start")))
        except ValueError:
            notes.add(f"event {label!r}: no readable date or start, left out")
            return None
    if day is None:
        notes.add(f"event {label!r}: no date, placed on the first day")
    if not title:
        notes.add(f"event {label!r}: no title")
        title = slug or "(untitled)"
    session: dict[str, Any] = {"id": "", "title": title, "kind": _kind(_clean(item.get("type")), notes).value,
                               "start": start.strftime("%H:%M")}
    end = _end(item, day, start, clock, label, notes)
    if end is not None:
        session["end"] = end.strftime("%H:%M")
    base = slug.removeprefix(f"{acronym}-") if acronym else slug
    session["id"] = _unique(ident(base) or ident(_clean(item.get("code"))) or ident(title), taken, "item")
    if room:
        session["room"] = room
    for key in ("subtitle", "track", "language"):
        if _clean(item.get(key)):
            session[key] = _clean(item.get(key))
    texts = [_clean_prose(item.get("abstract")), _clean_prose(item.get("description"))]
    description = "\n\n".join(dict.fromkeys(t for t in texts if t))
    if description:
        session["description"] = description
    speakers = []
    for person in item.get("persons") or []:
        if not isinstance(person, dict):
            continue
        _unknown("persons[]", person, KNOWN_PERSON, notes)
        name = _clean(person.get("name")) or _clean(person.get("public_name"))
        if not name:
            notes.add(f"event {label!r}: a person without a name, left out")
            continue
        speaker = {"name": name}
        if _clean(person.get("role")).lower() in ROLES:
            speaker["role"] = _clean(person.get("role")).lower()
        if _clean_prose(person.get("biography")):
            speaker["about"] = _clean_prose(person.get("biography"))
        speakers.append(speaker)
    if speakers:
        session["speakers"] = speakers
    if day is not None and day != event["date"]:
        session["day"] = day
    return session


def _end(item: dict[str, Any], day: dt.date | None, start: dt.time, clock: DayClock, label: str,
         notes: set[str]) -> dt.time | None:
    """The end time of an event from its duration (or its `end` moment); None for open or odd ends.

    An end in the night (01:30 after a 23:00 start) is kept when the day runs until then.
    """
    length = parse_duration(item.get("duration"))
    if length is None:
        end_moment = parse_moment(item.get("end"))
        begin = parse_moment(item.get("date"))
        if end_moment is not None and begin is not None:
            length = end_moment - begin
        elif _clean(item.get("duration")):
            notes.add(f"event {label!r}: duration {item.get('duration')!r} is not HH:MM, no end time")
            return None
    if not length:
        return None
    day = day or dt.date(2000, 1, 1)
    end = clock.moment(day, start) + length
    if clock.moment(day, end.time(), end=True) != end:
        past = "midnight" if clock.change == MIDNIGHT else f"the end of its day ({clock.change:%H:%M})"
        notes.add(f"event {label!r}: runs past {past}, no end time")
        return None
    return end.time()


def _apply_extension(raw: dict[str, Any], sessions: list[tuple[str, dict[str, Any]]], ext: dict[str, Any]) -> None:
    """Put back what frab cannot carry, as this kiosk's export recorded it."""
    if isinstance(ext.get("event"), dict):
        raw["event"].update(ext["event"])
        raw["event"] = {key: value for key, value in raw["event"].items() if value is not None}
    for key in ("rooms", "rounds"):
        if isinstance(ext.get(key), list):
            raw[key] = ext[key]
    changes = ext.get("sessions") if isinstance(ext.get("sessions"), dict) else {}
    for guid, session in sessions:
        if isinstance(changes.get(guid), dict):
            session.update(changes[guid])
    order = ext.get("order") if isinstance(ext.get("order"), list) else []
    rank = {session_id: i for i, session_id in enumerate(order)}
    raw["sessions"].sort(key=lambda s: rank.get(s.get("id"), len(rank)))
    for session in raw["sessions"]:
        for key, value in list(session.items()):
            if value is None:
                del session[key]  # the extension says "not set": leave the default
