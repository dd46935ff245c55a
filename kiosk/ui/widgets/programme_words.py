"""The programme screen's own words in Dutch and English, and the fill-state signs it shows."""

from __future__ import annotations

import datetime as dt

from kiosk.domain.grid import hhmm
from kiosk.domain.programme import Kind, Programme, Session
from kiosk.domain.rules import Fill
from kiosk.i18n import Text

TITLE = Text("Programma", "Programme")
ROOM_TBA = Text("zaal volgt", "room TBA")
ROOM_TBA_DETAIL = Text("volgt", "to be announced")
OUTSIDE = Text("buiten", "outside")
NOT_IN_GRID = Text("niet in het bronrooster", "not in the source grid")
NOT_IN_GRID_SHORT = Text("niet in rooster", "not in grid")
REACHES_ON = Text("↓ loopt door tot {end}", "↓ runs on until {end}")
STARTS = Text("start {start}", "starts {start}")
REACHES_ON_SHORT = Text("↓ tot {end}", "↓ to {end}")
FROM = Text("vanaf {start}", "from {start}")
NOW = Text("▶ nu", "▶ now")
NEXT = Text("straks", "next")
SIGNED_UP = Text("{n} aangemeld", "{n} signed up")
NO_DATE = Text("zonder datum", "no date")
TODAY = Text("vandaag", "today")

# Day names for the tabs of a programme of several days, without relying on the system locale.
WEEKDAYS = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}

# Fill state by symbol and word, so it reads without colour too.
FILL: dict[Fill, tuple[str, Text]] = {
    Fill.FREE: ("○", Text("vrij", "free")),
    Fill.FILLING: ("◑", Text("loopt vol", "filling")),
    Fill.ALMOST: ("◕", Text("bijna vol", "almost full")),
    Fill.FULL: ("●", Text("vol", "full")),
    Fill.OVER: ("●", Text("overvol", "overbooked")),
}

# A session without a seat limit: how many signed up (a fill word like "free" would read as seats).
SIGNED_UP = Text("{n} aangemeld", "{n} signed up")
SIGNED_UP_SHORT = Text("{n} aangem.", "{n} signed")

KIND: dict[Kind, Text] = {
    Kind.WALK_IN: Text("Inloop", "Walk-in"),
    Kind.OPENING: Text("Opening", "Opening"),
    Kind.PLENARY: Text("Plenair", "Plenary"),
    Kind.BREAK: Text("Pauze", "Break"),
    Kind.LUNCH: Text("Lunch", "Lunch"),
    Kind.CHOICE: Text("Keuzesessie", "Choice session"),
    Kind.ACTIVITY: Text("Activiteit", "Activity"),
    Kind.TALK: Text("Gesprek", "Talk"),
    Kind.PILLAR: Text("Pijlersessie", "Pillar session"),
    Kind.CLOSING: Text("Afsluiting", "Closing"),
}

ROLE: dict[str, Text] = {
    "speaker": Text("spreker", "speaker"),
    "host": Text("gastheer/-vrouw", "host"),
    "guest": Text("gast", "guest"),
    "moderator": Text("gespreksleider", "moderator"),
}

# Labels of the detail pane.
LABEL = {
    "kind": Text("Soort", "Kind"),
    "round": Text("Ronde", "Round"),
    "time": Text("Tijd", "Time"),
    "room": Text("Zaal", "Room"),
    "capacity": Text("Plaatsen", "Capacity"),
    "no_limit": Text("geen limiet", "no limit"),
    "confirmed": Text("Aangemeld", "Signed up"),
    "waitlist": Text("Wachtlijst", "Waitlist"),
    "inside": Text("Nu in de zaal", "In the room now"),
    "no_signup": Text("geen aanmelding nodig", "no sign-up needed"),
    "speakers": Text("Sprekers", "Speakers"),
    "notes": Text("Opmerkingen", "Notes"),
    "tentative": Text("⚠ onder voorbehoud", "⚠ not yet confirmed"),
    "nothing": Text("Kies een onderdeel in het rooster.", "Pick an item in the grid."),
    "search": Text("Zoek in titels, sprekers, toelichting…", "Search titles, speakers, descriptions…"),
    "matches": Text("{n} gevonden", "{n} found"),
}

# Footer descriptions of the keys (each key bound twice, one per language: kiosk_look.bilingual).
KEYS = {
    "move": Text("Kies", "Move"),
    "detail": Text("Details", "Details"),
    "search": Text("Zoek", "Search"),
    "now": Text("Nu", "Now"),
    "clear": Text("Wis zoeken", "Clear search"),
    "grid": Text("Rooster", "Grid"),
    "day": Text("Dag", "Day"),
}


def day_label(day: dt.date | None, lang: str) -> str:
    """A tab's name: `ma 14 dec` / `Mon 14 Dec`, or "no date" for the event's unset date."""
    if day is None:
        return NO_DATE(lang)
    key = "en" if lang == "en" else "nl"
    return f"{WEEKDAYS[key][day.weekday()]} {day.day} {MONTHS[key][day.month - 1]}"


def time_range(session: Session, lang: str, end: dt.time | None = None) -> str:
    """`11.30-12.30`, or `vanaf 16.30` when the item has no end."""
    end = end or session.end
    if end is None:
        return FROM(lang, start=hhmm(session.start, lang))
    return f"{hhmm(session.start, lang)}–{hhmm(end, lang)}"


def room_name(programme: Programme, session: Session, lang: str, *, labelled: bool = False) -> str:
    """The room's name, "outside" for the walks (no room by design), or the placeholder.

    `labelled`: the text follows the label "Zaal"/"Room", so the placeholder drops the word room.
    """
    room = programme.room(session.room)
    if room:
        return room.name
    if session.kind == Kind.ACTIVITY:
        return OUTSIDE(lang)
    return ROOM_TBA_DETAIL(lang) if labelled else ROOM_TBA(lang)


def round_name(programme: Programme, round_id: str | None, lang: str) -> str:
    """The round's name in the interface language where the programme gives one."""
    round_ = programme.round(round_id)
    if round_ is None:
        return ""
    return round_.name_en if lang == "en" and round_.name_en else round_.name
