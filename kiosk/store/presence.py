"""Who is inside where: derived from the scan log, kept beside it in the `presence` table.

The log is the truth. `presence` is brought in step for one attendee and list inside the same
transaction as each scan, so it always equals a recount (which `rebuild_presence` does for the
whole file): a new scan is the last of that person's scans, so `step_presence` adds it to the row
in one upsert; an annulment can take back any earlier scan, so `recompute_presence` replays that
person's effective scans.
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


def step_presence(conn: Database, nonce: str, attendee_id: int, list_: str, direction: str, at: str, device: str) -> None:
    """Add the accepted scan logged under `nonce` (this person's newest, annulling nothing) to their presence.

    What `recompute_presence` would make of the scans with this one last, in one upsert that reads
    nothing back (on PostgreSQL it goes with the INSERT before it, kiosk.store.pg): an
    entry makes them inside, counts one entry more and is their first entry when they had none;
    an exit makes them outside. The row names this scan as its last.
    """
    entry = 1 if direction == "entry" else 0
    conn.execute(
        """INSERT INTO presence (attendee_id, list, inside, entries, first_entry_at, first_entry_device,
                                 last_scan_id, last_change_at)
           VALUES (?, ?, ?, ?, CASE WHEN ? = 1 THEN ? END, CASE WHEN ? = 1 THEN ? END,
                   (SELECT id FROM scans WHERE nonce = ?), ?)
           ON CONFLICT (attendee_id, list) DO UPDATE SET inside = excluded.inside,
               entries = presence.entries + excluded.entries,
               first_entry_at = coalesce(presence.first_entry_at, excluded.first_entry_at),
               first_entry_device = CASE WHEN presence.first_entry_at IS NULL THEN excluded.first_entry_device
                                         ELSE presence.first_entry_device END,
               last_scan_id = excluded.last_scan_id, last_change_at = excluded.last_change_at""",
        (attendee_id, list_, entry, entry, entry, at, entry, device, nonce, at),
    )


def rebuild_presence(conn: Database) -> None:
    """Recompute the whole `presence` table from the scan log (migrations, repair, checks)."""
    conn.execute("DELETE FROM presence")
    pairs = conn.execute(
        "SELECT DISTINCT attendee_id, list FROM scans WHERE attendee_id IS NOT NULL AND accepted = 1"
    ).fetchall()
    for attendee_id, list_ in pairs:
        recompute_presence(conn, attendee_id, list_)
