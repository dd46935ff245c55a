"""The programme laid out as a schedule grid: rows of time slots, cells across; no Textual here.

Time runs down, parallel items across. An item without a round (plenary, break, opening,
closing) is a row of its own that spans the full width. The sessions of a round share a row,
and a round that starts inside another round's slot joins that row (the ambassador's talk at
13:00 sits in the lunch row beside the walks that start at 12:45). A session that runs past
its row's end (Themagroep Veiligheid, 14:00-15:30) gets a continuation cell in every later row
it reaches into. Which row is running and which is next is decided here too, so the screen and
the tests read one rule.

Several days: `build_rows(programme, programme.day_sessions(day))` lays out one day (the screen
shows a tab per day), and `day_index` picks the day the clock is on. Items without a round that
run side by side in different rooms (a pretalx or frab schedule has no rounds) share a row per
start time, one cell per room in room order, instead of each spanning the width; lone ones
(the G40 plenaries and breaks) still span.

Days that run past midnight (`event.day_change = "04:00"`): every comparison of times here goes
through the programme's DayClock, so the 00:30 item of a day's night comes after its 23:00 item,
and at 23:50 "next" is that night's 00:00 row, not the morning's first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from kiosk.domain.dayclock import DayClock
from kiosk.domain.programme import Programme, Session
from kiosk.domain.text import fold


@dataclass(frozen=True)
class Cell:
    """One item in a row; `continuation` cells repeat a session that started in an earlier row."""

    session: Session
    own_time: bool = False
    reaches_on: bool = False
    continuation: bool = False

    @property
    def session_id(self) -> str:
        """The id of the session this cell shows."""
        return self.session.id

    @property
    def in_grid(self) -> bool:
        """False for a session the source describes but left out of its time grid."""
        return self.session.in_grid


@dataclass
class Row:
    """One time slot: a start, an end (None: open), and its cells left to right."""

    start: dt.time
    end: dt.time | None
    cells: list[Cell] = field(default_factory=list)
    spanning: bool = False
    round_ids: list[str] = field(default_factory=list)
    # Items without a round that run in parallel rooms: cells are kept in room order.
    parallel: bool = False
    # The conference day's clock: which times of day belong to the night after it.
    clock: DayClock = field(default_factory=DayClock)

    def contains(self, moment: dt.time) -> bool:
        """True when `moment` falls inside this slot (an open end runs to the end of the conference day)."""
        clock = self.clock
        end = clock.end_offset(self.end) if self.end is not None else clock.end_of_day
        return clock.offset(self.start) <= clock.offset(moment) < end

    def starts_after(self, moment: dt.time) -> bool:
        """True when this slot starts later on the conference day than `moment`."""
        return self.clock.offset(self.start) > self.clock.offset(moment)

    def column_of(self, session_id: str) -> int | None:
        """The index of the cell showing this session (its first, not a continuation), or None."""
        for index, cell in enumerate(self.cells):
            if cell.session_id == session_id and not cell.continuation:
                return index
        return None


def _side_by_side(sessions: list[Session], clock: DayClock) -> set[str]:
    """Ids of items without a round that overlap (or start with) another such item."""
    loose = [s for s in sessions if s.round is None]
    return {
        a.id for a in loose for b in loose
        if a.id != b.id and (a.overlaps(b, clock) or a.start == b.start)
    }


def _later_end(clock: DayClock, a: dt.time | None, b: dt.time | None) -> bool:
    """True when end `a` comes after end `b` on the conference day (None: no end yet)."""
    return a is not None and (b is None or clock.end_offset(a) > clock.end_offset(b))


def _own_slot_rows(sessions: list[Session], clock: DayClock) -> list[Row]:
    """Rows before continuation cells: one per item without a round, one per (merged) round."""
    rows: list[Row] = []
    by_round: dict[str, Row] = {}
    parallel = _side_by_side(sessions, clock)
    by_start: dict[dt.time, Row] = {}
    for session in sorted(sessions, key=lambda s: clock.offset(s.start)):
        if session.round is None and session.id in parallel:
            row = by_start.get(session.start)
            if row is None:
                row = by_start[session.start] = Row(session.start, session.end, parallel=True, clock=clock)
                rows.append(row)
            row.cells.append(Cell(session))
            if _later_end(clock, session.end, row.end):
                row.end = session.end
            continue
        if session.round is None:
            rows.append(Row(session.start, session.end, [Cell(session)], spanning=True, clock=clock))
            continue
        row = by_round.get(session.round)
        if row is None:
            # A round that starts inside another round's slot joins that row.
            row = next((r for r in rows if r.round_ids and r.contains(session.start)), None)
            if row is None:
                row = Row(session.start, session.end, round_ids=[], clock=clock)
                rows.append(row)
            row.round_ids.append(session.round)
            by_round[session.round] = row
        row.cells.append(Cell(session))
        if _later_end(clock, session.end, row.end):
            row.end = session.end
    rows.sort(key=lambda r: clock.offset(r.start))
    return rows


def build_rows(programme: Programme, sessions: list[Session] | None = None) -> list[Row]:
    """The day as grid rows, with own times, overruns and continuation cells marked.

    `sessions`: one day's items (`programme.day_sessions(day)`); None lays out all of them.
    """
    sessions = programme.sessions if sessions is None else sessions
    clock = programme.day_clock
    rooms = {room.id: index for index, room in enumerate(programme.rooms)}
    rows = _own_slot_rows(sessions, clock)
    # A row ends where the next one starts: an overrunning session does not stretch its row.
    for row, following in zip(rows, rows[1:]):
        if row.end is None or clock.end_offset(row.end) > clock.offset(following.start):
            row.end = following.start
    for index, row in enumerate(rows):
        carried = [c for c in row.cells if c.continuation]  # added by an earlier row: keep as is
        in_grid = [c for c in row.cells if c.in_grid and not c.continuation]
        left_out = [c for c in row.cells if not c.in_grid and not c.continuation]
        cells = []
        for cell in in_grid + left_out:  # items missing from the source grid go last
            session = cell.session
            reaches_on = row.end is not None and _later_end(clock, session.end, row.end)
            own_time = session.start != row.start or session.end is None or (session.end != row.end and not reaches_on)
            cells.append(Cell(session, own_time=own_time or reaches_on, reaches_on=reaches_on))
            if reaches_on and session.end is not None:
                for later in rows[index + 1:]:
                    if clock.offset(later.start) < clock.end_offset(session.end):
                        later.cells.append(Cell(session, own_time=True, continuation=True))
        row.cells = cells + carried
        if row.parallel:
            # Rooms as columns, so a talk and the workshop running on beside it stay in place.
            row.cells.sort(key=lambda c: rooms.get(c.session.room or "", len(rooms)))
    return rows


def running_row(rows: list[Row], moment: dt.time) -> int | None:
    """The index of the row running at `moment`, or None between or outside the slots."""
    return next((i for i, row in enumerate(rows) if row.contains(moment)), None)


def next_row(rows: list[Row], moment: dt.time) -> int | None:
    """The index of the first row that starts after `moment`, or None when the day is over."""
    return next((i for i, row in enumerate(rows) if row.starts_after(moment)), None)


def now_row(rows: list[Row], moment: dt.time) -> int:
    """Where `n` jumps: the running row, else the next, else the last."""
    running = running_row(rows, moment)
    if running is not None:
        return running
    upcoming = next_row(rows, moment)
    return upcoming if upcoming is not None else len(rows) - 1


def day_index(days: list[dt.date | None], today: dt.date) -> int:
    """The tab to show on `today` (a conference day: `DayClock.day_of(now)`): its own day, else the
    next day to come, else the last day."""
    if today in days:
        return days.index(today)
    later = [i for i, day in enumerate(days) if day is not None and day > today]
    return later[0] if later else len(days) - 1


def is_today(day: dt.date | None, today: dt.date) -> bool:
    """True when a grid of `day` runs on conference day `today` (None: the event's unset date, taken as today)."""
    return day is None or day == today


def now_row_on(rows: list[Row], day: dt.date | None, now: dt.datetime) -> int:
    """Where `n` jumps in one day's rows: now on its day, the first row before it, the last after.

    At 00:10 in the night after day 1, "now" is still on day 1 (the rows' DayClock says so).
    """
    today = rows[0].clock.day_of(now) if rows else now.date()
    if day is None or is_today(day, today):
        return now_row(rows, now.time())
    return 0 if day > today else len(rows) - 1


def session_search_text(session: Session) -> str:
    """Everything a search looks through, folded: titles, speakers, description, notes."""
    parts = [session.title, session.short_title, session.subtitle, session.description, *session.notes]
    for speaker in session.speakers:
        parts += [speaker.name, speaker.about]
    return fold(" ".join(parts))


def matches(session: Session, query: str) -> bool:
    """True when every word of `query` occurs in the session's text (case and accents ignored)."""
    terms = fold(query).split()
    text = session_search_text(session)
    return all(term in text for term in terms)


def hhmm(moment: dt.time, lang: str) -> str:
    """A time of day as the language writes it: 16.30 in Dutch, 16:30 in English."""
    return moment.strftime("%H.%M" if lang == "nl" else "%H:%M")
