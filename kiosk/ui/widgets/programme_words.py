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

# Fill state by symbol and word, so it reads without colour too.
FILL: dict[Fill, tuple[str, Text]] = {
    Fill.FREE: ("○", Text("vrij", "free")),
    Fill.FILLING: ("◑", Text("loopt vol", "filling")),
    Fill.ALMOST: ("◕", Text("bijna vol", "almost full")),
    Fill.FULL: ("●", Text("vol", "full")),
    Fill.OVER: ("●", Text("overvol", "overbooked")),
}

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

# Footer descriptions of the keys.
KEYS = {
    "move": Text("Kies", "Move"),
    "detail": Text("Details", "Details"),
    "search": Text("Zoek", "Search"),
    "now": Text("Nu", "Now"),
    "clear": Text("Wis zoeken", "Clear search"),
    "grid": Text("Rooster", "Grid"),
}


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
