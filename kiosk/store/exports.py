"""After the day: the scan log, sign-ups and attendance as rows, and the per-session report.

Rows are yielded one by one (dicts with the same keys each), so an export of 500,000 scans
streams to its file instead of being held in memory. The report replays each session's
effective scans once, in log order, to find the most people inside at any moment.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import asdict, dataclass

from kiosk.store.scans import VENUE

SCAN_COLUMNS = [
    "id", "at", "device", "list", "direction", "raw_code", "attendee_code", "name", "accepted", "reason",
    "annuls", "annulled_by", "nonce",
]
SIGNUP_COLUMNS = [
    "id", "attendee_code", "name", "organisation", "session_id", "session_title", "round", "status",
    "created_at", "updated_at", "device",
]
ATTENDANCE_COLUMNS = [
    "attendee_code", "name", "organisation", "city", "email", "status", "list", "title", "signup",
    "attended", "first_entry_at", "first_entry_device", "entries", "inside_now",
]


def iter_scans(db: sqlite3.Connection, batch: int = 5000) -> Iterator[dict]:
    """Every scan, accepted or refused, in log order; `annulled_by` is the undo that annulled it."""
    last = 0
    while True:
        # Keyset pages by primary key: constant memory, and no long read holding back the WAL.
        rows = db.execute(
            """SELECT s.id, s.at, s.device, s.list, s.direction, s.raw_code, a.code, a.name, s.accepted,
                      s.reason, s.annuls, (SELECT u.id FROM scans u WHERE u.annuls = s.id), s.nonce
               FROM scans s LEFT JOIN attendees a ON a.id = s.attendee_id
               WHERE s.id > ? ORDER BY s.id LIMIT ?""",
            (last, batch),
        ).fetchall()
        if not rows:
            return
        for row in rows:
            item = dict(zip(SCAN_COLUMNS, row))
            item["accepted"] = bool(item["accepted"])
            yield item
        last = rows[-1][0]


def iter_signups(db: sqlite3.Connection) -> Iterator[dict]:
    """Every sign-up (confirmed, waitlisted and cancelled), oldest first."""
    rows = db.execute(
        """SELECT s.id, a.code, a.name, a.organisation, s.session_id, x.title, s.round, s.status,
                  s.created_at, s.updated_at, s.device
           FROM signups s JOIN attendees a ON a.id = s.attendee_id LEFT JOIN sessions x ON x.id = s.session_id
           ORDER BY s.id"""
    )
    for row in rows:
        yield dict(zip(SIGNUP_COLUMNS, row))


def iter_attendance(db: sqlite3.Connection) -> Iterator[dict]:
    """Per attendee: a `venue` row (arrived or not), then a row per session they signed up for or entered."""
    titles = dict(db.execute("SELECT id, title FROM sessions").fetchall())
    signups: dict[int, dict[str, str]] = {}
    for attendee_id, session_id, status in db.execute(
        "SELECT attendee_id, session_id, status FROM signups WHERE status != 'cancelled'"
    ):
        signups.setdefault(attendee_id, {})[session_id] = status
    presence: dict[int, dict[str, tuple]] = {}
    for attendee_id, list_, inside, entries, first_at, first_device in db.execute(
        "SELECT attendee_id, list, inside, entries, first_entry_at, first_entry_device FROM presence"
    ):
        presence.setdefault(attendee_id, {})[list_] = (inside, entries, first_at, first_device)
    order = {sid: i for i, sid in enumerate(titles)}
    for aid, code, name, organisation, city, email, status in db.execute(
        "SELECT id, code, name, organisation, city, email, status FROM attendees ORDER BY name COLLATE NOCASE, id"
    ):
        mine, here = signups.get(aid, {}), presence.get(aid, {})
        lists = [VENUE] + sorted(set(mine) | (set(here) - {VENUE}), key=lambda s: (order.get(s, 10**6), s))
        for list_ in lists:
            inside, entries, first_at, first_device = here.get(list_, (0, 0, None, None))
            yield {
                "attendee_code": code, "name": name, "organisation": organisation, "city": city, "email": email,
                "status": status, "list": list_, "title": "" if list_ == VENUE else titles.get(list_, ""),
                "signup": mine.get(list_, ""), "attended": bool(entries), "first_entry_at": first_at,
                "first_entry_device": first_device, "entries": entries, "inside_now": bool(inside),
            }


@dataclass
class SessionReport:
    """One line of `kiosk report`."""

    session_id: str
    title: str
    starts_at: str
    ends_at: str | None
    capacity: int | None
    signed_up: int
    waitlisted: int
    attended: int
    no_shows: int | None  # None: the session has not started yet
    peak_inside: int

    def as_dict(self) -> dict:
        """The line as a plain dict (for JSON and CSV)."""
        return asdict(self)


def session_report(db: sqlite3.Connection, now: dt.datetime | None = None) -> list[SessionReport]:
    """Per session: signed up, attended (entered at its door at least once), no-shows, peak inside.

    With `now`, a session that has not ended yet has `no_shows` None: people may still come in.
    """
    event_date = (db.execute("SELECT value FROM meta WHERE key = 'event_date'").fetchone() or [""])[0]
    rows = db.execute(
        "SELECT id, title, starts_at, ends_at, capacity, COALESCE(day, ?) FROM sessions ORDER BY position",
        (event_date,),
    ).fetchall()
    upcoming = {row[0] for row in rows if now is not None and not _begun(row[5], row[3] or row[2], now)}
    sessions = [row[:5] for row in rows]
    signed = {
        (sid, status): n
        for sid, status, n in db.execute(
            "SELECT session_id, status, COUNT(*) FROM signups WHERE status != 'cancelled' GROUP BY session_id, status"
        )
    }
    attended = dict(
        db.execute("SELECT list, COUNT(*) FROM presence WHERE list != ? AND entries > 0 GROUP BY list", (VENUE,))
        .fetchall()
    )
    no_shows = dict(
        db.execute(
            """SELECT s.session_id, COUNT(*) FROM signups s
               LEFT JOIN presence p ON p.attendee_id = s.attendee_id AND p.list = s.session_id
               WHERE s.status = 'confirmed' AND COALESCE(p.entries, 0) = 0 GROUP BY s.session_id"""
        ).fetchall()
    )
    peaks = peak_inside(db)
    return [
        SessionReport(
            sid, title, start, end, capacity, signed.get((sid, "confirmed"), 0), signed.get((sid, "waitlisted"), 0),
            attended.get(sid, 0), None if sid in upcoming else no_shows.get(sid, 0), peaks.get(sid, 0),
        )
        for sid, title, start, end, capacity in sessions
    ]


def peak_inside(db: sqlite3.Connection) -> dict[str, int]:
    """Per session list: the most people inside at once, replaying its effective scans in log order.

    One pass over the log in id order; the annulled ids come first from the small undo index, so
    no per-row subquery runs (500,000 scans in about a second).
    """
    annulled = {r[0] for r in db.execute("SELECT annuls FROM scans WHERE annuls IS NOT NULL")}
    inside: dict[str, set[int]] = {}
    peak: dict[str, int] = {}
    rows = db.execute(
        """SELECT id, list, attendee_id, direction FROM scans
           WHERE list != ? AND attendee_id IS NOT NULL AND accepted = 1 AND annuls IS NULL ORDER BY id""",
        (VENUE,),
    )
    for scan_id, list_, attendee_id, direction in rows:
        if scan_id in annulled:
            continue
        people = inside.setdefault(list_, set())
        if direction == "entry":
            people.add(attendee_id)
            peak[list_] = max(peak.get(list_, 0), len(people))
        else:
            people.discard(attendee_id)
    return peak


def _begun(day: str, hhmm: str, now: dt.datetime) -> bool:
    """Whether `day` (YYYY-MM-DD, "" for today) at HH:MM has come by `now`."""
    date = dt.date.fromisoformat(day) if day else now.date()
    return (date, hhmm) <= (now.date(), now.strftime("%H:%M"))
