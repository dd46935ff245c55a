"""After the day: the scan log, sign-ups and attendance as rows (`kiosk report` is in store/report*.py).

Rows are yielded one by one (dicts with the same keys each), so an export of 500,000 scans
streams to its file instead of being held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kiosk.store.db import Database, Row
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


def iter_scans(db: Database, batch: int = 5000) -> Iterator[dict[str, Any]]:
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


def iter_signups(db: Database) -> Iterator[dict[str, Any]]:
    """Every sign-up (confirmed, waitlisted and cancelled), oldest first."""
    rows = db.execute(
        """SELECT s.id, a.code, a.name, a.organisation, s.session_id, x.title, s.round, s.status,
                  s.created_at, s.updated_at, s.device
           FROM signups s JOIN attendees a ON a.id = s.attendee_id LEFT JOIN sessions x ON x.id = s.session_id
           ORDER BY s.id"""
    )
    for row in rows:
        yield dict(zip(SIGNUP_COLUMNS, row))


def iter_attendance(db: Database) -> Iterator[dict[str, Any]]:
    """Per attendee: a `venue` row (arrived or not), then a row per session they signed up for or entered."""
    # In programme order (a session's rows follow it): PostgreSQL keeps no row order of its own.
    titles = dict(db.execute("SELECT id, title FROM sessions ORDER BY position, id").fetchall())
    signups: dict[int, dict[str, str]] = {}
    for attendee_id, session_id, status in db.execute(
        "SELECT attendee_id, session_id, status FROM signups WHERE status != 'cancelled'"
    ):
        signups.setdefault(attendee_id, {})[session_id] = status
    presence: dict[int, dict[str, Row]] = {}
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
