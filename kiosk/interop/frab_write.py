"""Writes the programme as a frab/c3voc schedule: JSON (schedule.schema.json) and XML (schedule.xml.xsd).

One JSON-shaped document is built and serialised twice. Ids that must be stable across exports
(event guid, room guid) are uuid5 of the event's slug and the item id. What frab has no field for
travels in the kiosk extension (see kiosk.interop.frab), reduced to what the standard fields do
not already say, so that importing the export gives back the same programme.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
import xml.etree.ElementTree as ET
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.domain.programme import Programme, Session
from kiosk.interop.frab import EXTENSION, PI_TARGET, derive, from_xml

SCHEMA_URL = "https://c3voc.de/schedule/schema.json"
GENERATOR = {"name": "netwerkdag-kiosk", "version": "0.1.0"}
NO_ROOM = "TBA"  # frab files every event under a room; items without one go here
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ACRONYM = re.compile(r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$")
SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
ZONE_NAME = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


def acronym(programme: Programme) -> str:
    """The frab acronym: the event's own when the JSON schema accepts it, else its slug (4+ characters)."""
    own = programme.event.acronym
    if own and _ACRONYM.match(own):
        return own
    slug = programme.event.slug
    return slug if len(slug) >= 4 else f"{slug}_event"


def guid(programme: Programme, kind: str, item_id: str) -> str:
    """A stable UUID for a session or room of this event."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"netwerkdag-kiosk:{acronym(programme)}/{kind}/{item_id}"))


def room_list(programme: Programme) -> list[dict[str, Any]]:
    """The conference's rooms as frab and schedule 2.0 list them, and NO_ROOM when an item has no room."""
    rooms = [{"name": r.name, "guid": guid(programme, "room", r.id)} | ({"slug": r.id} if SLUG.match(r.id) else {})
             | ({"capacity": r.capacity} if r.capacity is not None else {}) for r in programme.rooms]
    if any(s.room is None for s in programme.sessions):
        rooms.append({"name": NO_ROOM, "guid": guid(programme, "room", "")})
    return rooms


def _minutes(length: dt.timedelta) -> str:
    """A timedelta as frab's `HH:MM`."""
    total = int(length.total_seconds()) // 60
    return f"{total // 60:02d}:{total % 60:02d}"


def schedule_dict(programme: Programme, *, on: dt.date | None = None) -> dict[str, Any]:
    """The programme as a frab JSON schedule (with the kiosk extension under conference.meta).

    `on` is the date used when the programme has none (frab needs dates); default today.
    """
    document = _standard(programme, on=on)
    conference = document["schedule"]["conference"]
    conference["meta"] = {"kiosk": kiosk_extension(programme, json.loads(json.dumps(conference)))}
    return document


def _standard(programme: Programme, *, on: dt.date | None) -> dict[str, Any]:
    """The schedule with the standard fields only."""
    event = programme.event
    zone = ZoneInfo(event.timezone)
    first = event.date or on or dt.date.today()
    short = acronym(programme)
    day_of = {s.id: programme.day_of(s) or first for s in programme.sessions}
    dates = sorted(set(day_of.values()))
    rooms = room_list(programme)
    days = []
    for index, date in enumerate(dates, start=1):
        todays = sorted((s for s in programme.sessions if day_of[s.id] == date), key=programme.order)
        by_room: dict[str, list[dict[str, Any]]] = {}
        for session in todays:
            room = programme.room(session.room)
            by_room.setdefault(room.name if room else NO_ROOM, []).append(
                _event(programme, session, date, zone, short)
            )
        start, end = day_bounds(programme, todays, date, zone)
        days.append({"index": index, "date": date.isoformat(), "day_start": start.isoformat(),
                     "day_end": end.isoformat(), "rooms": by_room})
    conference: dict[str, Any] = {
        "acronym": short, "title": event.name, "start": dates[0].isoformat(), "end": dates[-1].isoformat(),
        "daysCount": len(dates), "timeslot_duration": "00:05",
    }
    if ZONE_NAME.match(event.timezone):
        conference["time_zone_name"] = event.timezone
    conference["rooms"] = rooms
    conference["days"] = days
    return {"$schema": SCHEMA_URL, "generator": dict(GENERATOR),
            "schedule": {"version": version_of(programme), "conference": conference}}


def day_bounds(programme: Programme, todays: list[Session], date: dt.date,
               zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Where one conference day starts (its first item) and ends: at the day change the next
    morning when the days run past midnight (so a reader finds the night's items on this day),
    else at its last item's end."""
    spans = [programme.span(s, on=date) for s in todays]
    start = min(begin for begin, _ in spans)
    if programme.event.day_change != dt.time(0):
        end = programme.day_clock.moment(date, programme.event.day_change, end=True)
    else:
        end = max(finish or begin for begin, finish in spans)
    return start.replace(tzinfo=zone), end.replace(tzinfo=zone)


def version_of(programme: Programme) -> str:
    """A version string that changes whenever the programme does (frab readers use it to reload)."""
    digest = uuid.uuid5(uuid.NAMESPACE_URL, programme.model_dump_json())
    return f"kiosk-{str(digest)[:8]}"


def _event(programme: Programme, session: Session, date: dt.date, zone: ZoneInfo, short: str) -> dict[str, Any]:
    """One session as a frab event (a night item on the calendar date after its day)."""
    start, end = programme.span(session, on=date)
    begin = start.replace(tzinfo=zone)
    length = (end.replace(tzinfo=zone) - begin) if end else dt.timedelta(0)
    room = programme.room(session.room)
    code = guid(programme, "session", session.id)
    return {
        "guid": code,
        "id": programme.sessions.index(session) + 1,
        "date": begin.isoformat(),
        "start": session.start.strftime("%H:%M"),
        "duration": _minutes(length),
        "room": room.name if room else NO_ROOM,
        "slug": f"{short}-{session.id}",
        "url": f"urn:uuid:{code}",
        "title": session.title,
        "subtitle": session.subtitle,
        # Other readers group by track; a round is the nearest thing the kiosk has when no track is set.
        "track": session.track or (programme.round(session.round).name if session.round else None),
        "type": session.kind.value,
        "language": session.language or None,
        "abstract": session.description,
        "description": None,
        "persons": [{"name": s.name} | ({"biography": s.about} if s.about else {}) for s in session.speakers],
        "links": [],
    }


def kiosk_extension(programme: Programme, conference: dict[str, Any]) -> dict[str, Any]:
    """What the standard fields do not say: the difference between the programme and a plain import.

    `conference` is the export as the reader sees it (the neutral shape), so whatever a format
    loses on the way (XML has no biographies or room capacities) is put back from here.
    """
    raw, pairs, _ = derive(conference)
    ext: dict[str, Any] = {"format": EXTENSION}
    want_event = programme.event.model_dump(mode="json")
    have_event = _normal(raw["event"], type(programme.event))
    ext["event"] = {k: v for k, v in want_event.items() if have_event.get(k) != v}
    ext["rooms"] = [r.model_dump(mode="json", exclude_defaults=True) for r in programme.rooms]
    ext["rounds"] = [r.model_dump(mode="json", exclude_defaults=True) for r in programme.rounds]
    ext["order"] = [s.id for s in programme.sessions]
    by_guid = {guid(programme, "session", s.id): s for s in programme.sessions}
    changes = {}
    for code, derived in pairs:
        want = by_guid[code].model_dump(mode="json")
        have = _normal(derived, Session)
        diff = {k: v for k, v in want.items() if have.get(k) != v}
        if diff:
            changes[code] = diff
    ext["sessions"] = changes
    return ext


def _normal(raw: dict[str, Any], model: type) -> dict[str, Any]:
    """Plain data as the model dumps it (defaults filled in), for comparing like with like."""
    return model.model_validate(raw).model_dump(mode="json")


def to_json(programme: Programme, *, on: dt.date | None = None) -> str:
    """The programme as frab JSON text."""
    return json.dumps(schedule_dict(programme, on=on), ensure_ascii=False, indent=2) + "\n"


def _text(value: Any) -> str:
    """Text XML can carry: characters XML 1.0 forbids (NUL, most control characters) are dropped."""
    return _XML_BAD.sub("", "" if value is None else str(value))


def _sub(parent: ET.Element, tag: str, text: Any = None, **attrs: Any) -> ET.Element:
    """Append a child element with optional text and attributes."""
    child = ET.SubElement(parent, tag, {k: _text(v) for k, v in attrs.items() if v is not None})
    if text is not None:
        child.text = _text(text)
    return child


def to_xml(programme: Programme, *, on: dt.date | None = None) -> str:
    """The programme as frab XML text, valid against schedule.xml.xsd."""
    document = _standard(programme, on=on)
    root = _xml_tree(document)
    ET.indent(root)
    plain = ET.tostring(root, encoding="unicode")
    ext = json.dumps(kiosk_extension(programme, from_xml(plain)), ensure_ascii=True, separators=(",", ":"))
    # `>` escaped inside JSON strings so the text can never close the processing instruction.
    root.insert(0, ET.ProcessingInstruction(PI_TARGET, ext.replace(">", "\\u003e")))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_tree(document: dict[str, Any]) -> ET.Element:
    """The schedule element for a JSON-shaped document (without the extension)."""
    conference = document["schedule"]["conference"]
    root = ET.Element("schedule")
    _sub(root, "generator", name=GENERATOR["name"], version=GENERATOR["version"])
    _sub(root, "version", document["schedule"]["version"])
    conf = _sub(root, "conference")
    for key in ("acronym", "title", "start", "end"):
        _sub(conf, key, conference[key])
    _sub(conf, "days", conference["daysCount"])
    _sub(conf, "timeslot_duration", conference["timeslot_duration"])
    if "time_zone_name" in conference:
        _sub(conf, "time_zone_name", conference["time_zone_name"])
    room_guids = {r["name"]: r["guid"] for r in conference["rooms"]}
    for day in conference["days"]:
        day_el = _sub(root, "day", index=day["index"], date=day["date"], start=day["day_start"], end=day["day_end"])
        for room_name, events in day["rooms"].items():
            room_el = _sub(day_el, "room", name=room_name, guid=room_guids.get(room_name))
            for event in events:
                _xml_event(room_el, event)
    return root


def _xml_event(room_el: ET.Element, event: dict[str, Any]) -> None:
    """One event element; slug only when the XSD's slug pattern accepts it."""
    el = _sub(room_el, "event", guid=event["guid"], id=event["id"])
    for key in ("room", "title", "subtitle", "type", "date", "start", "duration", "abstract"):
        _sub(el, key, event[key])
    if re.fullmatch(r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}", event["slug"]):
        _sub(el, "slug", event["slug"])
    _sub(el, "track", event["track"] or "")
    if event["language"]:
        _sub(el, "language", event["language"])
    persons = _sub(el, "persons")
    for person in event["persons"]:
        _sub(persons, "person", person["name"])
