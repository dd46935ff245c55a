"""Who is inside where: derived from the scan log, kept beside it in the `presence` table.

The log is the truth. `presence` is recomputed for one attendee and list inside the same
transaction as each scan, by replaying that person's effective scans, so it always equals a
recount (which `rebuild_presence` does for the whole file).
"""

from __future__ import annotations

from kiosk.store.db import Database

# Accepted scans that were not annulled and do not annul anything: the ones that count.
EFFECTIVE = """
    accepted = 1 AND annuls IS NULL
    AND id NOT IN (SELECT annuls FROM scans AS undo WHERE undo.annuls IS NOT NULL
                   AND undo.attendee_id = scans.attendee_id)
"""


def recompute_presence(conn: Database, attendee_id: int, list_: str) -> None:
    """Replay one person's effective scans on one list and store the result."""
    rows = conn.execute(
        f"SELECT id, at, device, direction FROM scans WHERE attendee_id = ? AND list = ? AND {EFFECTIVE} ORDER BY id",
        (attendee_id, list_),
    ).fetchall()
    if not rows:
        conn.execute("DELETE FROM presence WHERE attendee_id = ? AND list = ?", (attendee_id, list_))
        return
    inside, entries, first_at, first_device = 0, 0, None, None
    for _id, at, device, direction in rows:
        if direction == "entry":
            inside = 1
            entries += 1
            if first_at is None:
                first_at, first_device = at, device
        else:
            inside = 0
    last_id, last_at = rows[-1][0], rows[-1][1]
    conn.execute(
        """INSERT INTO presence (attendee_id, list, inside, entries, first_entry_at, first_entry_device,
                                 last_scan_id, last_change_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (attendee_id, list) DO UPDATE SET inside = excluded.inside, entries = excluded.entries,
               first_entry_at = excluded.first_entry_at, first_entry_device = excluded.first_entry_device,
               last_scan_id = excluded.last_scan_id, last_change_at = excluded.last_change_at""",
        (attendee_id, list_, inside, entries, first_at, first_device, last_id, last_at),
    )


def rebuild_presence(conn: Database) -> None:
    """Recompute the whole `presence` table from the scan log (migrations, repair, checks)."""
    conn.execute("DELETE FROM presence")
    pairs = conn.execute(
        "SELECT DISTINCT attendee_id, list FROM scans WHERE attendee_id IS NOT NULL AND accepted = 1"
    ).fetchall()
    for attendee_id, list_ in pairs:
        recompute_presence(conn, attendee_id, list_)
