"""The programme of the day as validated pydantic models: event, rooms, rounds and sessions."""

from __future__ import annotations

import datetime as dt
import unicodedata
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, field_validator

from kiosk.domain.dayclock import MIDNIGHT, DayClock
from kiosk.domain.text import ascii_words

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def _parse_hhmm(value: object) -> object:
    """Accept `HH:MM` (and `HH.MM`, as Dutch programmes write it) for a time of day."""
    if isinstance(value, str):
        text = value.strip().replace(".", ":")
        try:
            return dt.time.fromisoformat(text if len(text) > 4 else "0" + text)
        except ValueError:
            raise ValueError(f"{value!r} is not a time of day (HH:MM)") from None
    return value


TimeOfDay = Annotated[
    dt.time,
    BeforeValidator(_parse_hhmm),
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str),
]


def _controls(text: str, allowed: str = "") -> str:
    """Refuse control characters: they would move the cursor or ring the bell on every kiosk screen."""
    bad = next((ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in allowed), None)
    if bad is not None:
        where = "a line break" if bad in "\r\n" else "a tab" if bad == "\t" else "a control character"
        raise ValueError(f"contains {where} (U+{ord(bad):04X}); write it as plain text on one line"
                         if not allowed else f"contains a control character (U+{ord(bad):04X})")
    return text


# A name, title or note: one line of plain text. Prose (descriptions) may have line breaks and tabs.
Line = Annotated[str, AfterValidator(_controls)]
Prose = Annotated[str, AfterValidator(lambda text: _controls(text, allowed="\n\t"))]


class Kind(StrEnum):
    """What sort of programme item a session is; the grid and the rules treat each differently."""

    WALK_IN = "walk-in"
    OPENING = "opening"
    PLENARY = "plenary"
    BREAK = "break"
    LUNCH = "lunch"
    CHOICE = "choice"
    ACTIVITY = "activity"
    TALK = "talk"
    PILLAR = "pillar"
    CLOSING = "closing"


class Strict(BaseModel):
    """Base for programme models: unknown keys are errors, so a typo in the file is caught."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Event(Strict):
    """The event itself; `date` is None while the organiser has not filled it in."""

    name: Line = Field(min_length=1)
    subtitle: Line = ""
    date: dt.date | None = None
    venue: Line = ""
    city: Line = ""
    timezone: str = "Europe/Amsterdam"
    organiser: Line = ""
    source: Line = ""
    # Short lowercase name for file names and calendar UIDs (frab's `acronym`); "" derives it from the name.
    acronym: Line = ""
    # When one conference day gives way to the next: items that start before it (00:30 at a
    # change of 04:00) belong to the night after their `day` (kiosk.domain.dayclock).
    day_change: TimeOfDay = MIDNIGHT

    @property
    def slug(self) -> str:
        """The acronym, else the name folded to `a-z0-9_` (e.g. `g40_bestuurlijke_netwerkdag`)."""
        return "_".join(ascii_words(self.acronym or self.name)) or "event"


class Room(Strict):
    """A room of the venue; `capacity` None means unknown, which the rules read as no limit."""

    id: str = Field(pattern=ID_PATTERN)
    name: Line = Field(min_length=1)
    capacity: int | None = Field(default=None, ge=0)


class Round(Strict):
    """A block of parallel sessions of which an attendee picks one (when `choice` is true)."""

    id: str = Field(pattern=ID_PATTERN)
    name: Line = Field(min_length=1)
    name_en: Line = ""
    choice: bool = True
    optional: bool = True
    # Choosing closes this many minutes before the round's first session starts (0: at the start).
    closes_minutes_before: int = Field(default=0, ge=0)


class Speaker(Strict):
    """A person on the programme, with their part in the item and their own description."""

    name: Line = Field(min_length=1)
    role: Line = "speaker"
    about: Prose = ""


class Session(Strict):
    """One item of the programme: a plenary, a break, a choice session, an activity, ..."""

    id: str = Field(pattern=ID_PATTERN)
    title: Line = Field(min_length=1)
    short_title: Line = ""
    subtitle: Line = ""
    kind: Kind
    round: str | None = None
    start: TimeOfDay
    end: TimeOfDay | None = None
    room: str | None = None
    capacity: int | None = Field(default=None, ge=0)
    speakers: list[Speaker] = []
    description: Prose = ""
    notes: list[Line] = []
    in_grid: bool = True
    signup: bool = False
    # Several days: the conference day of this item; None means the event's own date (a one-day
    # event). A night item (00:30, before `event.day_change`) keeps the day of the evening before.
    day: dt.date | None = None
    # From frab/pretalx schedules: the thematic track and the spoken language ("" when not known).
    track: Line = ""
    language: Line = ""

    @field_validator("round", "room", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def label(self) -> str:
        """The title to show where space is short."""
        return self.short_title or self.title

    @property
    def tentative(self) -> bool:
        """True when a note says the item is not yet confirmed ("onder voorbehoud")."""
        return any("voorbehoud" in note.lower() or "niet bevestigd" in note.lower() for note in self.notes)

    def time_range(self) -> str:
        """`11:30-12:30`, or `from 16:30` style `16:30-` when the end is unknown."""
        start = self.start.strftime("%H:%M")
        return f"{start}-{self.end.strftime('%H:%M')}" if self.end else f"{start}-"

    def overlaps(self, other: Session, clock: DayClock | None = None) -> bool:
        """True when the two items (of one day) share any minute; an open end counts as a point in time.

        `clock`: the programme's `day_clock`, so that a night item comes after the evening's.
        """
        clock = clock or DayClock()
        start_a, end_a = clock.span(self.start, self.end)
        start_b, end_b = clock.span(other.start, other.end)
        return start_a < end_b and start_b < end_a


class Programme(Strict):
    """The whole validated day."""

    event: Event
    rooms: list[Room] = []
    rounds: list[Round] = []
    sessions: list[Session]

    def session(self, session_id: str) -> Session | None:
        """The session with this id, or None."""
        return next((s for s in self.sessions if s.id == session_id), None)

    def room(self, room_id: str | None) -> Room | None:
        """The room with this id, or None."""
        return next((r for r in self.rooms if r.id == room_id), None)

    def round(self, round_id: str | None) -> Round | None:
        """The round with this id, or None."""
        return next((r for r in self.rounds if r.id == round_id), None)

    def capacity(self, session: Session) -> int | None:
        """The seats of a session: its own cap, else its room's, else None (no limit)."""
        if session.capacity is not None:
            return session.capacity
        room = self.room(session.room)
        return room.capacity if room else None

    def round_sessions(self, round_id: str) -> list[Session]:
        """The sessions of one round, in programme order."""
        return [s for s in self.sessions if s.round == round_id]

    def choice_rounds(self) -> list[Round]:
        """Rounds in which attendees choose, in the order of their first session."""
        rounds = [r for r in self.rounds if r.choice and self.round_sessions(r.id)]
        return sorted(rounds, key=lambda r: min(self.order(s) for s in self.round_sessions(r.id)))

    def round_start(self, round_id: str) -> dt.time | None:
        """The earliest start among a round's sessions (a night item's 00:30 after the evening's 23:00)."""
        sessions = self.round_sessions(round_id)
        return min(sessions, key=self.order).start if sessions else None

    def order(self, session: Session) -> tuple[dt.date, dt.timedelta]:
        """A sort key in time order: conference day, then place on that day (night items last)."""
        return self.day_of(session) or dt.date.min, self.day_clock.offset(session.start)

    @property
    def day_clock(self) -> DayClock:
        """The clock of this programme's conference days (when they change over, see `event.day_change`)."""
        return DayClock(self.event.day_change)

    def day_of(self, session: Session) -> dt.date | None:
        """The conference day of a session: its own `day`, else the event's date (None when unset)."""
        return session.day or self.event.date

    def span(self, session: Session, on: dt.date | None = None) -> tuple[dt.datetime, dt.datetime | None]:
        """The calendar moments (wall clock, naive) a session starts and ends; None for an open end.

        `on`: the date for a programme without one. A night item is on the date after its day.
        """
        day = self.day_of(session) or on or dt.date.today()
        clock = self.day_clock
        start = clock.moment(day, session.start)
        return start, (clock.moment(day, session.end, end=True) if session.end is not None else None)

    def days(self) -> list[dt.date | None]:
        """The distinct dates of the programme in order; `[None]` for a one-day event without a date."""
        found = {self.day_of(s) for s in self.sessions}
        dated = sorted(d for d in found if d is not None)
        return ([None] if None in found else []) + dated

    def day_sessions(self, day: dt.date | None) -> list[Session]:
        """The sessions on one date (None: those on the event's own, unset date), in programme order."""
        return [s for s in self.sessions if self.day_of(s) == day]

    def placeholders(self) -> list[str]:
        """What the organiser still has to fill in, one line each."""
        missing = []
        if self.event.date is None:
            missing.append("event.date: not set (the clock uses today's date)")
        missing += [f"rooms[{i}].capacity: not set (no limit)" for i, r in enumerate(self.rooms) if r.capacity is None]
        missing += [
            f"sessions[{i}].room: not set ({s.id})"
            for i, s in enumerate(self.sessions)
            if s.room is None and s.kind in (Kind.CHOICE, Kind.PILLAR, Kind.TALK, Kind.PLENARY)
        ]
        return missing
