"""How full each session is: confirmed sign-ups, the waitlist, and who is inside the room now.

Read by the programme screen every time another process writes: from the running counts the
triggers keep in `tallies` (three index range reads), whatever the number of people.
"""

from __future__ import annotations

from kiosk.domain.views import Occupancy
from kiosk.store.db import Database
from kiosk.store.tallies import tally_prefix


def occupancy(conn: Database) -> dict[str, Occupancy]:
    """Per session id: confirmed, waitlisted, and inside now (door scans on the session's list)."""
    confirmed, waitlisted = tally_prefix(conn, "confirmed:"), tally_prefix(conn, "waitlisted:")
    inside = tally_prefix(conn, "inside:")
    # A list is 'venue' for the front door and a session id for a room's door.
    inside.pop("venue", None)
    return {
        sid: Occupancy(confirmed.get(sid, 0), waitlisted.get(sid, 0), inside.get(sid, 0))
        for sid in confirmed.keys() | waitlisted.keys() | inside.keys()
    }
