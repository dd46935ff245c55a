"""A session's door scanning on while its server is away: answered from the local copy, kept in the queue.

A door on PostgreSQL keeps, beside the venue's, its session's presence in the device's copy
(kiosk.store.offline_copy, `lists`), with the room's capacity. Offline, `answer_door_offline`
judges a scan by the door's rules (kiosk.domain.scan_rules: a bounce is a repeat in either
direction; a second entry of someone inside is "already inside since 11:32"), keeps it in the
queue with its nonce, real time, device, session and direction, and brings the copy's presence in
step: the room's, and the venue's for someone not at the venue yet, so the desk's counts on this
device know they arrived. What the copy does not hold is not claimed: the person's sign-up for
the session (no "not signed up" warning offline) and other rooms they may be inside (the move out
of another room is made on the server).

The upload is the queue's (kiosk.store.offline_queue.upload_one): one scan in the server's scan
transaction under its nonce, judged again by the door's rules at its real time, and what a door
scan brings along appended before it (kiosk.store.door.bring_along): the venue arrival, a move
out of another room. Exactly once, as every queued scan.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import fields

from kiosk.domain.outcomes import DoorScanResult, Reason, ScanResult
from kiosk.domain.scan_rules import DIRECTIONS, ENTRY, LETS_IN, VENUE, Bounce, brought_along, scan_outcome
from kiosk.store.offline_copy import copy_person, local_state, local_write
from kiosk.store.offline_queue import copy_facts, keep_scan, queued, queued_result, step_presence
from kiosk.store.scans import new_nonce, stamp


def copy_inside(local: sqlite3.Connection, list_: str) -> int:
    """How many are inside `list_` as this device's copy knows (its own offline scans included)."""
    return int(local.execute("SELECT COUNT(*) FROM copy_presence WHERE list = ? AND inside = 1",
                             (list_,)).fetchone()[0])


def copy_capacity(local: sqlite3.Connection, session_id: str) -> int | None:
    """The room's capacity as last read from the server (None: no limit, or not known)."""
    value = local_state(local, f"capacity:{session_id}")
    return int(value) if value.isdigit() else None


def answer_door_offline(
    local: sqlite3.Connection,
    raw_code: str,
    session_id: str,
    *,
    now: dt.datetime,
    device: str,
    direction: str = ENTRY,
    nonce: str | None = None,
) -> DoorScanResult:
    """Answer one door scan from the local copy and keep it in the queue; returned once it is on disk.

    The same nonce twice answers as the first time.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'entry' or 'exit', not {direction!r}")
    nonce = nonce or new_nonce()
    with local_write(local):
        kept = local.execute("SELECT id FROM queue WHERE nonce = ?", (nonce,)).fetchone()
        if kept is not None:
            result = door_answer(local, int(kept[0]))
            result.replayed = True
            return result
        person = copy_person(local, raw_code)
        outcome = scan_outcome(copy_facts(local, person, session_id, device), direction, now, Bounce.EITHER_DIRECTION)
        at = stamp(now)
        queue_id = keep_scan(local, nonce, "scan", at, device, session_id, outcome.direction, raw_code,
                             person.id if person else None, outcome.reason)
        arrival = False
        if outcome.accepted and person is not None:
            if outcome.reason in LETS_IN:
                # The venue's facts as the copy knows them; the other rooms are the server's to know.
                venue = copy_facts(local, person, VENUE, device)
                arrival = brought_along(venue, set(), session_id, now).venue_arrival is not None
                if arrival:
                    step_presence(local, person.id, VENUE, ENTRY, at, device)
            step_presence(local, person.id, session_id, outcome.direction, at, device)
        return door_answer(local, queue_id, venue_arrival=arrival)


def door_answer(local: sqlite3.Connection, queue_id: int, *, venue_arrival: bool = False) -> DoorScanResult:
    """A queued door scan as the door shows it: the room's count and capacity as the copy knows them.

    `venue_arrival`: the scan checked them in at the venue too ("also checked in at the venue").
    """
    result: ScanResult = queued_result(local, queue_id)
    q = queued(local, queue_id)
    since = None
    if result.reason is Reason.ALREADY_IN and q.attendee_id is not None:
        row = local.execute("SELECT since FROM copy_presence WHERE attendee_id = ? AND list = ? AND inside = 1",
                            (q.attendee_id, q.list)).fetchone()
        since = row[0] if row else None
    return DoorScanResult(
        **{f.name: getattr(result, f.name) for f in fields(result)}, session_id=q.list,
        inside=copy_inside(local, q.list), capacity=copy_capacity(local, q.list),
        venue_arrival=venue_arrival, inside_since=since,
    )
