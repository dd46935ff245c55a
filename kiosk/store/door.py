"""Scanning people into and out of a session at the room door, in one transaction.

The session's id is the scan log's `list`. What a door scan comes to is decided by the pure rules
in kiosk.domain.scan_rules (`door_scan_reason`): entry, exit, already inside, or a bounce. The
direction is the door's mode (entry, or exit after F8); a scan never turns itself into an exit,
so someone scanned in again "to be sure" is `already_in`, stays inside, and the count stays.
Around an accepted entry the door does two things of its own, inside the same `BEGIN IMMEDIATE`:

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
from kiosk.domain.scan_rules import DIRECTIONS, door_scan_reason, logged_direction
from kiosk.store.attendees import find_by_code
from kiosk.store.db import StoreError, immediate
from kiosk.store.presence import recompute_presence
from kiosk.store.scans import (
    VENUE,
    append_scan,
    new_nonce,
    replayed_scan,
    scan_facts,
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
    # For `already_in`: when they went into this room (the logged time of the entry that counts).
    inside_since: str | None = None

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
    direction: str = "entry",
    nonce: str | None = None,
) -> DoorScanResult:
    """Scan a code at the door of `session_id`, in the door's direction (`entry`, or `exit`).

    An entry scan of someone already inside is refused as `already_in` (amber, they stay
    inside, with `inside_since`); an exit scan of someone not inside is `not_inside`.
    Raises StoreError for a session id that is not in the programme.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'entry' or 'exit', not {direction!r}")
    nonce = nonce or new_nonce()
    with immediate(db) as conn:
        replay = replayed_scan(conn, nonce)
        if replay:
            return _door_result(conn, replay, session_id)
        capacity_row = conn.execute("SELECT capacity FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if capacity_row is None or session_id == VENUE:
            raise StoreError(f"There is no session {session_id!r} in the programme.")
        person = find_by_code(conn, raw_code)
        facts = scan_facts(conn, person, session_id, device)
        reason = door_scan_reason(facts, direction, now)
        moved_from, arrival = None, False
        if reason in (Reason.OK, Reason.REENTRY) and person is not None:
            where = _inside_lists(conn, person)
            if VENUE not in where:
                arrival = True
                venue_reason = Reason.REENTRY if _entries(conn, person.id, VENUE) else Reason.OK
                append_scan(conn, f"{nonce}:venue", now, device, VENUE, "entry", person.code, person, venue_reason)
            for other in sorted(where - {VENUE, session_id}):
                # Out of the other room first, so its count drops in the same commit.
                append_scan(conn, f"{nonce}:moved:{other}", now, device, other, "exit", person.code, person, Reason.MOVED)
                moved_from = other
        logged = logged_direction(reason, direction, facts.last)
        scan_id = append_scan(conn, nonce, now, device, session_id, logged, raw_code, person, reason)
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
    since = None
    if result.reason is Reason.ALREADY_IN and result.person is not None:
        since = _inside_since(conn, result.person.id, session_id)
    return DoorScanResult(
        **{f.name: getattr(result, f.name) for f in fields(result)}, session_id=session_id, inside=inside,
        capacity=capacity, signup_session=bool(signup_session), signup_status=status, waitlist_place=place,
        inside_since=since,
    )


def _inside_since(conn: sqlite3.Connection, attendee_id: int, list_: str) -> str | None:
    """When this person went into this list, if they are inside: the entry that put them there."""
    row = conn.execute(
        "SELECT last_change_at FROM presence WHERE attendee_id = ? AND list = ? AND inside = 1", (attendee_id, list_)
    ).fetchone()
    return row[0] if row else None


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

