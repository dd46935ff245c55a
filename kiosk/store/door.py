"""Scanning people into and out of a session at the room door, in one transaction.

The session's id is the scan log's `list`. A door scan reuses the desk's rules and its append
(kiosk.store.scans), and adds three of its own, all inside the same `BEGIN IMMEDIATE`:

- toggle: a scan of someone already inside this room marks them out (when `toggle` is on);
- move: someone inside another room is scanned out there (reason `moved`) before coming in here,
  because one person is in one room at a time;
- arrival: someone not inside the venue is checked in at the venue first (device = this door),
  so the desk and the arrivals count see them, at the moment they walked into the room.

Those extra scans carry the door scan's nonce plus a suffix (`<nonce>:venue`, `<nonce>:moved:<list>`),
so `door_undo` annuls a door scan together with what it brought along.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, fields

from kiosk.domain.outcomes import Person, Reason, ScanResult
from kiosk.store.attendees import find_by_code
from kiosk.store.db import StoreError, immediate
from kiosk.store.presence import recompute_presence
from kiosk.store.scans import (
    BOUNCE_SECONDS,
    VENUE,
    append_scan,
    judge_scan,
    new_nonce,
    replayed_scan,
    scan_result,
    stamp,
    undoable_scan,
)


@dataclass(kw_only=True)
class DoorScanResult(ScanResult):
    """A ScanResult for a door, plus what the door did around it and the room's count after it."""

    session_id: str = ""
    moved_from: str | None = None
    venue_arrival: bool = False
    inside: int = 0
    capacity: int | None = None
    # Whether the session is chosen at the kiosk, and the person's place in it: `confirmed`,
    # `waitlisted` (with `waitlist_place`) or None (not signed up).
    signup_session: bool = False
    signup_status: str | None = None
    waitlist_place: int | None = None

    @property
    def over_capacity(self) -> bool:
        """More people inside than the room's capacity."""
        return self.capacity is not None and self.inside > self.capacity


def door_scan(
    db: sqlite3.Connection,
    raw_code: str,
    session_id: str,
    *,
    now: dt.datetime,
    device: str,
    direction: str | None = None,
    toggle: bool = True,
    nonce: str | None = None,
) -> DoorScanResult:
    """Scan a code at the door of `session_id`: entry, or exit (explicit, or by toggle).

    `direction=None` means: entry, unless `toggle` is on and the person is inside (then exit).
    Raises StoreError for a session id that is not in the programme.
    """
    if direction not in (None, "entry", "exit"):
        raise ValueError(f"direction must be None, 'entry' or 'exit', not {direction!r}")
    nonce = nonce or new_nonce()
    with immediate(db) as conn:
        replay = replayed_scan(conn, nonce)
        if replay:
            return _door_result(conn, replay, session_id)
        capacity_row = conn.execute("SELECT capacity FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if capacity_row is None or session_id == VENUE:
            raise StoreError(f"There is no session {session_id!r} in the programme.")
        person = find_by_code(conn, raw_code)
        where = _inside_lists(conn, person)
        wanted = direction or ("exit" if toggle and session_id in where else "entry")
        reason = _bounce(conn, person, session_id, device, now) or judge_scan(conn, person, wanted, session_id, device, now)
        moved_from, arrival = None, False
        if reason in (Reason.OK, Reason.REENTRY) and person is not None:
            if VENUE not in where:
                arrival = True
                venue_reason = Reason.REENTRY if _entries(conn, person.id, VENUE) else Reason.OK
                append_scan(conn, f"{nonce}:venue", now, device, VENUE, "entry", person.code, person, venue_reason)
            for other in sorted(where - {VENUE, session_id}):
                # Out of the other room first, so its count drops in the same commit.
                append_scan(conn, f"{nonce}:moved:{other}", now, device, other, "exit", person.code, person, Reason.MOVED)
                moved_from = other
        if reason is Reason.BOUNCE:
            # A bounce repeats the scan it bounced off, in that scan's direction.
            last = _last_scan(conn, person, session_id, device)
            wanted = last[1] if last else wanted
        scan_id = append_scan(conn, nonce, now, device, session_id, wanted, raw_code, person, reason)
        result = scan_result(conn, scan_id)
        door = _door_result(conn, result, session_id)
        door.moved_from, door.venue_arrival = moved_from, arrival
    return door


def _door_result(conn: sqlite3.Connection, result: ScanResult, session_id: str) -> DoorScanResult:
    """The scan's result with the room's capacity, how many are inside now, and the person's sign-up."""
    inside = conn.execute(
        "SELECT COUNT(*) FROM presence WHERE list = ? AND inside = 1", (session_id,)
    ).fetchone()[0]
    capacity, signup_session = conn.execute(
        "SELECT capacity, signup FROM sessions WHERE id = ?", (session_id,)
    ).fetchone() or (None, 0)
    status, place = None, None
    if result.person is not None:
        mine = conn.execute(
            """SELECT m.status, (SELECT COUNT(*) FROM signups w WHERE w.session_id = m.session_id
                                 AND w.status = 'waitlisted' AND w.id <= m.id)
               FROM signups m WHERE m.attendee_id = ? AND m.session_id = ? AND m.status != 'cancelled'""",
            (result.person.id, session_id),
        ).fetchone()
        if mine:
            status, place = mine[0], (mine[1] if mine[0] == "waitlisted" else None)
    return DoorScanResult(
        **{f.name: getattr(result, f.name) for f in fields(result)}, session_id=session_id, inside=inside,
        capacity=capacity, signup_session=bool(signup_session), signup_status=status, waitlist_place=place,
    )


def _inside_lists(conn: sqlite3.Connection, person: Person | None) -> set[str]:
    """The lists (venue and sessions) this person is inside now."""
    if person is None:
        return set()
    rows = conn.execute("SELECT list FROM presence WHERE attendee_id = ? AND inside = 1", (person.id,))
    return {r[0] for r in rows}


def _entries(conn: sqlite3.Connection, attendee_id: int, list_: str) -> int:
    row = conn.execute(
        "SELECT entries FROM presence WHERE attendee_id = ? AND list = ?", (attendee_id, list_)
    ).fetchone()
    return row[0] if row else 0


def _last_scan(conn: sqlite3.Connection, person: Person, list_: str, device: str) -> tuple[str, str] | None:
    """(time, direction) of this device's last scan of this person on this list, or None."""
    return conn.execute(
        "SELECT at, direction FROM scans WHERE attendee_id = ? AND list = ? AND device = ? ORDER BY id DESC LIMIT 1",
        (person.id, list_, device),
    ).fetchone()


def _bounce(
    conn: sqlite3.Connection, person: Person | None, list_: str, device: str, now: dt.datetime
) -> Reason | None:
    """BOUNCE when this door read this badge a moment ago, in either direction.

    The desk's rule only catches a repeat in the same direction; with toggling on, a scanner that
    reads one badge twice would otherwise let someone in and straight out again.
    """
    if person is None or person.status == "cancelled":
        return None
    row = _last_scan(conn, person, list_, device)
    if row and (now - dt.datetime.fromisoformat(row[0])).total_seconds() < BOUNCE_SECONDS:
        return Reason.BOUNCE
    return None


def door_undo(
    db: sqlite3.Connection, *, now: dt.datetime, device: str, session_id: str, nonce: str | None = None
) -> DoorScanResult:
    """Annul this door's last accepted scan in this session and the venue arrival or move-out it brought along.

    Like `undo_scan`, it appends annulling scans (reason `undo`); nothing is deleted.
    """
    nonce = nonce or new_nonce()
    with immediate(db) as conn:
        replay = replayed_scan(conn, nonce)
        if replay:
            return _door_result(conn, replay, session_id)
        target = undoable_scan(conn, device, None, session_id)  # this room's scans only
        if target is None:
            cursor = conn.execute(
                """INSERT INTO scans (nonce, at, device, list, direction, raw_code, attendee_id, accepted, reason)
                   VALUES (?, ?, ?, ?, 'entry', '', NULL, 0, ?)""",
                (nonce, stamp(now), device, session_id, Reason.NOTHING_TO_UNDO.value),
            )
            return _door_result(conn, scan_result(conn, cursor.lastrowid), session_id)
        target_nonce = conn.execute("SELECT nonce FROM scans WHERE id = ?", (target[0],)).fetchone()[0]
        companions = conn.execute(
            """SELECT id, list, direction, attendee_id, raw_code FROM scans
               WHERE nonce >= ? AND nonce < ? AND accepted = 1 AND annuls IS NULL
                 AND id NOT IN (SELECT annuls FROM scans WHERE annuls IS NOT NULL)
               ORDER BY id DESC""",
            # A range on the unique nonce index: every `<nonce>:...` sorts between `<nonce>:` and `<nonce>;`.
            (target_nonce + ":", target_nonce + ";"),
        ).fetchall()
        last_id = 0
        for number, (scan_id, list_, direction, attendee_id, raw_code) in enumerate([target, *companions]):
            cursor = conn.execute(
                """INSERT INTO scans (nonce, at, device, list, direction, raw_code, attendee_id, accepted, reason,
                                      annuls)
                   VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)""",
                (nonce if number == 0 else f"{nonce}:{number}", stamp(now), device, list_, direction, raw_code,
                 attendee_id, Reason.UNDO.value, scan_id),
            )
            recompute_presence(conn, attendee_id, list_)
            if number == 0:
                last_id = cursor.lastrowid
        return _door_result(conn, scan_result(conn, last_id), session_id)

