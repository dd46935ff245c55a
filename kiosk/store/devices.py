"""The devices at a venue of several machines: each desk's or door's heartbeat, for the dashboard.

Every desk and door on PostgreSQL writes one row of its own in `devices` every few seconds while
the server answers (kiosk/ui/offline_desk.py): its role, when it was last heard from (`seen_at`,
on the event's clock), how many scans it still holds offline (`waiting`) and since when it has
been offline, if it is. A device that lost the server cannot say so; its `seen_at` simply stops,
which is what the dashboard shows ("desk-2: 12 waiting, last seen 40 s ago").

One upsert, outside the write lock: it reads nothing and no count depends on it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.store.db import Database


@dataclass(frozen=True)
class DeviceSeen:
    """One device as the dashboard lists it."""

    device: str
    role: str
    seen_at: str
    waiting: int
    offline_since: str | None

    def seconds_ago(self, now: dt.datetime) -> int:
        """How long ago the device was last heard from, in whole seconds (0 for a time in the future)."""
        try:
            seen = dt.datetime.fromisoformat(self.seen_at)
        except ValueError:
            return 0
        return max(0, int((now - seen).total_seconds()))


def heartbeat(db: Database, device: str, role: str, now: dt.datetime, waiting: int,
              offline_since: str | None = None) -> None:
    """Say that this device is here: its role, the time, its scans still to upload, and since when it was offline."""
    db.execute(
        """INSERT INTO devices (device, role, seen_at, waiting, offline_since) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (device) DO UPDATE SET role = excluded.role, seen_at = excluded.seen_at,
               waiting = excluded.waiting, offline_since = excluded.offline_since""",
        (device, role, now.isoformat(timespec="milliseconds"), waiting, offline_since),
    )


def devices_seen(db: Database) -> list[DeviceSeen]:
    """Every device that ever reported, by name."""
    rows = db.execute("SELECT device, role, seen_at, waiting, offline_since FROM devices ORDER BY device").fetchall()
    return [DeviceSeen(str(r[0]), str(r[1]), str(r[2]), int(r[3]), r[4]) for r in rows]
