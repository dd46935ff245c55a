"""The programme's sessions mirrored into the database, so rules and other tools read one truth.

Capacity is enforced inside the sign-up transaction, so it must be in the file, not only in the
programme that one process loaded. Each process syncs the programme it runs with at start.

Several days: `day` holds a session's conference day (`YYYY-MM-DD`), NULL for the event's date.
Such a session's `closes_at` carries its date too (`YYYY-MM-DD HH:MM`), so the closing rule
(`rules.choosing_closed`) reads the right day wherever it is called; one-day rows keep `HH:MM`.

Days that run past midnight: `starts_at`/`ends_at` stay the clock times of the programme, and
`meta.day_change` (`HH:MM`, `00:00` when the days change at midnight) says which of them are in
the night after the session's `day` (kiosk.domain.dayclock). A night item's `closes_at` is its
calendar moment when a date is known (`2027-03-09 00:20` for the 00:30 item of 8 March).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.source import EventFacts
from kiosk.store.db import Database, Row, immediate

if TYPE_CHECKING:
    from kiosk.domain.programme import Programme, Session


@dataclass(frozen=True)
class SessionRow:
    """A session as the sessions table holds it: for the sign-up rules, the report, the dashboard and the door.

    The dashboard's `kiosk.store.stats.SessionStat` is this row with its live counts. A door that
    starts offline builds its rows from the programme file, hence the two defaults.
    """

    id: str
    title: str
    kind: str
    round: str | None
    starts_at: str
    ends_at: str | None
    room: str | None
    capacity: int | None
    signup: bool
    closes_at: str | None = None  # None: not a sign-up session (or not read: an offline door's)
    # Its conference day. Read from the table, NULL is the event's own date ('' when that is unset
    # too): the sign-up rules read it directly. '' (a door's row from the programme) reads as the
    # event's date wherever a StoredDays turns it into a moment.
    day: str = ""


_ROWS = """SELECT id, title, kind, round, starts_at, ends_at, room, capacity, signup, closes_at,
                  COALESCE(day, (SELECT value FROM meta WHERE key = 'event_date'), '')
           FROM sessions"""


def _session_row(row: Row) -> SessionRow:
    id_, title, kind, round_, starts_at, ends_at, room, capacity, signup, closes_at, day = row
    return SessionRow(id_, title, kind, round_, starts_at, ends_at, room, capacity, bool(signup), closes_at, day)


def session_rows(db: Database) -> list[SessionRow]:
    """Every session in the database, in programme order."""
    return [_session_row(row) for row in db.execute(_ROWS + " ORDER BY position").fetchall()]


def session_row(db: Database, session_id: str) -> SessionRow | None:
    """The session with this id, or None."""
    row = db.execute(_ROWS + " WHERE id = ?", (session_id,)).fetchone()
    return _session_row(row) if row else None


def sync_programme(db: Database, programme: Programme, digest: str = "") -> None:
    """Write the programme's sessions and event facts into the `sessions` and `meta` tables.

    `digest`: the SHA-256 of the programme file, kept in `meta.programme_digest` so that the next
    process started on the same file can show its first screen before validating it again.
    """
    rows = []
    for position, session in enumerate(programme.sessions):
        closes = _closes_at(programme, session)
        rows.append(
            (
                session.id, session.title, session.kind.value, session.round, session.start.strftime("%H:%M"),
                session.end.strftime("%H:%M") if session.end else None, session.room,
                programme.capacity(session), int(session.signup), closes, position,
                session.day.isoformat() if session.day else None,
            )
        )
    meta = {
        "event_name": programme.event.name,
        "event_date": programme.event.date.isoformat() if programme.event.date else "",
        "timezone": programme.event.timezone,
        "day_change": programme.event.day_change.strftime("%H:%M"),
    }
    if digest:
        meta["programme_digest"] = digest
    # Read first without the write lock: a process that starts on an unchanged programme (the
    # usual case) then takes no lock at all, wakes no other process's watcher, and can start on
    # a file it may only read.
    if _in_step(db, rows, meta):
        return
    with immediate(db) as conn:
        if _in_step(conn, rows, meta):
            return
        ids = [r[0] for r in rows]
        conn.execute(f"DELETE FROM sessions WHERE id NOT IN ({','.join('?' * len(ids))})", ids)
        conn.executemany(
            """INSERT INTO sessions (id, title, kind, round, starts_at, ends_at, room, capacity, signup,
                                     closes_at, position, day)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET title = excluded.title, kind = excluded.kind,
                   round = excluded.round, starts_at = excluded.starts_at, ends_at = excluded.ends_at,
                   room = excluded.room, capacity = excluded.capacity, signup = excluded.signup,
                   closes_at = excluded.closes_at, position = excluded.position, day = excluded.day""",
            rows,
        )
        conn.executemany(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(meta.items()),
        )


def _closes_at(programme: Programme, session: Session) -> str | None:
    """When choosing a sign-up session closes: `HH:MM` on the event's day, else a calendar moment."""
    if not session.signup:
        return None
    round_ = programme.round(session.round)
    minutes = round_.closes_minutes_before if round_ else 0
    clock = programme.day_clock
    day = programme.day_of(session)
    if day is None:
        # No date anywhere: a time on the conference clock (choosing_closed reads the night right).
        start = clock.moment(dt.date(2000, 1, 1), session.start)
        return (start - dt.timedelta(minutes=minutes)).strftime("%H:%M")
    closes = clock.moment(day, session.start) - dt.timedelta(minutes=minutes)
    # `HH:MM` only on the event's own date and where it reads back as the same moment; a closing
    # on the day before (a round that closes hours ahead) or in the night after gets its date.
    dated = session.day is not None or closes.date() != day or clock.moment(day, closes.time()) != closes
    return closes.strftime("%Y-%m-%d %H:%M" if dated else "%H:%M")


def _in_step(conn: Database, rows: list[Row], meta: dict[str, str]) -> bool:
    """True when the file already holds exactly these sessions and event facts."""
    current = conn.execute(
        "SELECT id, title, kind, round, starts_at, ends_at, room, capacity, signup, closes_at, position, day"
        " FROM sessions ORDER BY position"
    ).fetchall()
    stored = dict(conn.execute(
        f"SELECT key, value FROM meta WHERE key IN ({','.join('?' * len(meta))})", list(meta)
    ).fetchall())
    return [tuple(r) for r in current] == rows and stored == meta


def stored_event(db: Database, digest: str) -> EventFacts | None:
    """The event's facts as last synced, when that was from a file with this digest; else None."""
    stored = dict(db.execute(
        "SELECT key, value FROM meta WHERE key IN ('event_name', 'event_date', 'timezone', 'programme_digest')"
    ).fetchall())
    if stored.get("programme_digest") != digest or "event_name" not in stored:
        return None
    date = stored.get("event_date") or None
    return EventFacts(stored["event_name"], dt.date.fromisoformat(date) if date else None, stored["timezone"])
