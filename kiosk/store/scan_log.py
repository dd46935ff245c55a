"""The scan log read back for display: a desk's (or the dashboard's) last scans, arrivals in the last minutes.

Reads only, outside any transaction; the writes of the log are kiosk/store/scans.py.
"""

from __future__ import annotations

import datetime as dt

from kiosk.domain.views import RecentScan
from kiosk.store.db import Database
from kiosk.store.scans import VENUE, stamp


def recent_scans(
    db: Database, *, device: str | None = None, list_: str | None = None, limit: int = 10
) -> list[RecentScan]:
    """The last scans (of one device and/or one list, or all), newest first, with the person's name.

    With the person's organisation and city too, which tell namesakes apart. An Undo that found
    nothing to undo is left out: it changed nothing and would take a row.
    """
    where = ["s.reason != 'nothing_to_undo'"]
    params: list[object] = []
    if device:
        where.append("s.device = ?")
        params.append(device)
    if list_:
        where.append("s.list = ?")
        params.append(list_)
    rows = db.execute(
        f"""SELECT s.id, s.at, s.device, s.list, s.direction, s.accepted, s.reason, s.annuls,
                   s.raw_code, a.name, a.code, a.organisation, a.city
            FROM scans s LEFT JOIN attendees a ON a.id = s.attendee_id
            WHERE {' AND '.join(where)} ORDER BY s.id DESC LIMIT ?""",
        (*params, limit),
    ).fetchall()
    return [RecentScan(id_, at, device, list_id, direction, bool(accepted), reason, annuls, raw_code, *person)
            for id_, at, device, list_id, direction, accepted, reason, annuls, raw_code, *person in rows]


def arrivals_since(db: Database, since: dt.datetime) -> int:
    """How many first arrivals at the venue happened at or after `since`."""
    return int(db.execute(
        "SELECT COUNT(*) FROM presence WHERE list = ? AND first_entry_at >= ?", (VENUE, stamp(since))
    ).fetchone()[0])
