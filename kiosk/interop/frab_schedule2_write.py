"""Writes the programme as c3voc schedule 2.0 JSON (schedule2.schema.json), as the CCC hub exports it.

The conference holds rooms, tracks and days (bare intervals: a day runs to the day change the
next morning when the days run past midnight); the events are one flat `schedule.events` list
with ISO `start`/`end`, a room reference and `participants`. Breaks, lunches and the walk-in are
the schema's MetaEvents (`BREAK`, `META`); every other item is a full Event. GUIDs are those of
the frab export (kiosk.interop.frab_write), so both files name the same sessions alike.

The schema asks for a few things the programme may not say: a track for every event (its track,
else its round, else its kind), and a two-letter language (its own, else the programme's most
common one, else `language`). What the standard fields cannot carry travels in the kiosk
extension under `conference.meta.kiosk`, so that importing the export gives back the same programme.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.domain.programme import Kind, Programme, Session
from kiosk.interop.frab import ident
from kiosk.interop.frab_schedule2 import from_schedule2
from kiosk.interop.frab_write import (
    GENERATOR,
    NO_ROOM,
    SLUG,
    ZONE_NAME,
    acronym,
    day_bounds,
    guid,
    kiosk_extension,
    room_list,
    version_of,
)

SCHEMA_ID = "https://c3voc.de/schema/schedule2"
_LANGUAGE = re.compile(r"^[a-z]{2}$")
# Kinds written as the schema's MetaEvents; the rest are Events of the type given.
META_TYPES = {Kind.BREAK: "BREAK", Kind.LUNCH: "BREAK", Kind.WALK_IN: "META"}
EVENT_TYPES = {Kind.ACTIVITY: "OTHER"}  # a lunch walk or a boat trip is no talk; everything else is TALK
# A speaker's role the schema knows (SPEAKER is its default, so it is not written).
ROLES = {"moderator": "MODERATOR", "contributor": "CONTRIBUTOR", "host": "HOST", "guest": "GUEST"}


def _language(programme: Programme, fallback: str) -> str:
    """The language for events without their own: the programme's most common, else `fallback`."""
    counts = Counter(s.language for s in programme.sessions if _LANGUAGE.match(s.language))
    return counts.most_common(1)[0][0] if counts else fallback


def _track_name(programme: Programme, session: Session) -> str:
    """The track of a session for readers: its own, else its round's name, else its kind."""
    round_ = programme.round(session.round)
    return session.track or (round_.name if round_ else session.kind.value)


def _tracks(programme: Programme) -> dict[str, str]:
    """Track name -> a slug the schema accepts (two characters at least, `a-z0-9-`), each unique."""
    slugs: dict[str, str] = {}
    for session in programme.sessions:
        name = _track_name(programme, session)
        if name in slugs:
            continue
        slug = ident(name)
        if len(slug) < 2 or slug in slugs.values():
            slug = f"{slug or 'track'}-{len(slugs) + 1}"
        slugs[name] = slug
    return slugs


def _room_ref(programme: Programme, session: Session) -> dict[str, str]:
    """The room an event is in, as the schema's RoomReference."""
    room = programme.room(session.room)
    if room is None:
        return {"name": NO_ROOM, "guid": guid(programme, "room", "")}
    return {"name": room.name, "guid": guid(programme, "room", room.id)} | ({"slug": room.id} if SLUG.match(room.id) else {})


def _person_guid(programme: Programme, name: str) -> str:
    """A stable UUID for a speaker of this event (the schema's uuid5 of something stable)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"netwerkdag-kiosk:{acronym(programme)}/person/{name}"))


def _event(programme: Programme, session: Session, zone: ZoneInfo, tracks: dict[str, str],
           language: str, on: dt.date) -> dict[str, Any]:
    """One session as a schedule 2.0 Event or MetaEvent."""
    start, end = programme.span(session, on=on)
    times = {"start": start.replace(tzinfo=zone).isoformat(), "end": (end or start).replace(tzinfo=zone).isoformat()}
    code = guid(programme, "session", session.id)
    if session.kind in META_TYPES:
        meta = {"type": META_TYPES[session.kind], "title": session.title, "guid": code, **times,
                "room": _room_ref(programme, session)}
        return meta | ({"subtitle": session.subtitle} if session.subtitle else {})
    participants = []
    for speaker in session.speakers:
        person = {"guid": _person_guid(programme, speaker.name), "name": speaker.name}
        if speaker.role.lower() in ROLES:
            person["role"] = ROLES[speaker.role.lower()]
        if speaker.about:
            person["biography"] = speaker.about  # the participant's own (the schema allows more fields)
        participants.append(person)
    slug = f"{acronym(programme)}-{session.id}".rstrip("-_")
    return {
        "guid": code, **times, "room": _room_ref(programme, session), "slug": slug, "url": f"urn:uuid:{code}",
        "title": session.title, "subtitle": session.subtitle or None,
        "track": {"slug": tracks[_track_name(programme, session)]},
        "type": EVENT_TYPES.get(session.kind, "TALK"),
        "language": session.language if _LANGUAGE.match(session.language) else language,
        "abstract": session.description or None, "participants": participants, "links": [],
    }


def _standard(programme: Programme, *, on: dt.date | None, language: str) -> dict[str, Any]:
    """The schedule with the standard fields only."""
    event = programme.event
    zone = ZoneInfo(event.timezone)
    first = event.date or on or dt.date.today()
    day_of = {s.id: programme.day_of(s) or first for s in programme.sessions}
    dates = sorted(set(day_of.values()))
    tracks = _tracks(programme)
    language = _language(programme, language)
    rooms = room_list(programme)
    days, events = [], []
    for index, date in enumerate(dates, start=1):
        todays = sorted((s for s in programme.sessions if day_of[s.id] == date), key=programme.order)
        start, end = day_bounds(programme, todays, date, zone)
        days.append({"index": index, "date": date.isoformat(), "start": start.isoformat(), "end": end.isoformat()})
        events += [_event(programme, s, zone, tracks, language, date) for s in todays]
    conference: dict[str, Any] = {
        "acronym": acronym(programme), "title": event.name, "start": days[0]["start"], "end": days[-1]["end"],
        "timeslot_duration": "PT5M",
    }
    if ZONE_NAME.match(event.timezone):
        conference["time_zone_name"] = event.timezone
    conference["tracks"] = [{"name": name, "slug": slug} for name, slug in tracks.items()]
    conference["rooms"] = rooms
    conference["days"] = days
    return {"$schema": SCHEMA_ID, "generator": dict(GENERATOR),
            "schedule": {"version": version_of(programme), "conference": conference, "events": events}}


def schedule2_dict(programme: Programme, *, on: dt.date | None = None, language: str = "nl") -> dict[str, Any]:
    """The programme as a schedule 2.0 document, with the kiosk extension under conference.meta.

    `on`: the date for a programme without one (default today); `language`: the two-letter code
    for events when no session says its language (the G40 programme is Dutch).
    """
    document = _standard(programme, on=on, language=language)
    seen = from_schedule2(json.loads(json.dumps(document)))  # the export as a reader sees it
    document["schedule"]["conference"]["meta"] = {"kiosk": kiosk_extension(programme, seen)}
    return document


def to_schedule2_json(programme: Programme, *, on: dt.date | None = None, language: str = "nl") -> str:
    """The programme as schedule 2.0 JSON text."""
    return json.dumps(schedule2_dict(programme, on=on, language=language), ensure_ascii=False, indent=2) + "\n"
