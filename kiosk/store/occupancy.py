"""How full each session is: confirmed sign-ups, the waitlist, and who is inside the room now.

Read by the programme screen every time another process writes; two grouped queries on
indexed columns, whatever the number of people.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Occupancy:
    """The numbers of one session."""

    confirmed: int = 0
    waitlisted: int = 0
    inside: int = 0


EMPTY = Occupancy()


def occupancy(db: sqlite_utils.Database | sqlite3.Connection) -> dict[str, Occupancy]:
    """Per session id: confirmed, waitlisted, and inside now (door scans on the session's list)."""
    conn = getattr(db, "conn", db)
    counts: dict[str, list[int]] = {}
    for session_id, status, n in conn.execute(
        "SELECT session_id, status, COUNT(*) FROM signups WHERE status != 'cancelled' GROUP BY session_id, status"
    ):
        counts.setdefault(session_id, [0, 0, 0])[0 if status == "confirmed" else 1] = n
    # `presence.list` is 'venue' for the front door and a session id for a room's door.
    for list_, n in conn.execute(
        "SELECT list, COUNT(*) FROM presence WHERE inside = 1 AND list != 'venue' GROUP BY list"
    ):
        counts.setdefault(list_, [0, 0, 0])[2] = n
    return {session_id: Occupancy(*values) for session_id, values in counts.items()}
