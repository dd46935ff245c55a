"""A session's door scanning on while its server is away: answered from the local copy, kept in the queue.

A door on PostgreSQL keeps, beside the venue's, its session's presence in the device's copy
(kiosk.store.offline_copy, `lists`), with the room's capacity. Offline, `answer_door_offline`
judges a scan by the door's rules (kiosk.domain.scan_rules: a bounce is a repeat in either
direction; a second entry of someone inside is "already inside since 11:32"), keeps it in the
queue with its nonce, real time, device, session and direction, and brings the copy's presence in
step: the room's, and the venue's for someone not at the venue yet, so the desk's counts on this
device know they arrived. The answer carries what the door's answer online carries
(kiosk.store.door): the room's count and capacity, and the person's sign-up for the session from
the copy's sign-ups (`copy_signup`), so the door warns "not signed up" or gives a waitlist place
offline by the same words (kiosk/ui/widgets/door_answer.py). What the copy does not hold is not
claimed: other rooms they may be inside (the move out of another room is made on the server).

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
from kiosk.domain.scan_rules import DIRECTIONS, ENTRY, LETS_IN, VENUE, Bounce, brought_along
from kiosk.store.offline_copy import local_state, local_write
from kiosk.store.offline_queue import copy_facts, keep_answered, queued, queued_result, step_presence
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
    with local_write(local):
        kept = keep_answered(local, raw_code, session_id, direction, now=now, device=device,
                             nonce=nonce or new_nonce(), bounce=Bounce.EITHER_DIRECTION)
        arrival = False
        if kept.outcome is not None and kept.outcome.reason in LETS_IN and kept.person is not None:
            # The venue's facts as the copy knows them; the other rooms are the server's to know.
            venue = copy_facts(local, kept.person, VENUE, device)
            arrival = brought_along(venue, set(), session_id, now).venue_arrival is not None
            if arrival:
                step_presence(local, kept.person.id, VENUE, ENTRY, stamp(now), device)
        result = door_answer(local, kept.queue_id, venue_arrival=arrival)
        result.replayed = kept.outcome is None
        return result


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
    signup_session, status, place = copy_signup(local, q.attendee_id, q.list)
    return DoorScanResult(
        **{f.name: getattr(result, f.name) for f in fields(result)}, session_id=q.list,
        inside=copy_inside(local, q.list), capacity=copy_capacity(local, q.list),
        venue_arrival=venue_arrival, inside_since=since,
        signup_session=signup_session, signup_status=status, waitlist_place=place,
    )


def copy_signup(local: sqlite3.Connection, attendee_id: int | None, session_id: str) -> tuple[bool, str | None, int | None]:
    """(chosen at the kiosk, their status, waitlist place) as the copy knows, the fields of kiosk.store.door's answer.

    The door's words are the same online and offline (kiosk/ui/widgets/door_answer.py decides on
    them). A copy that has not read this session's sign-ups yet (a file of before they were kept)
    says the session is not chosen at the kiosk: it warns of nothing rather than of everyone.
    """
    if local_state(local, f"signup:{session_id}") != "1":
        return False, None, None
    mine = local.execute(
        """SELECT m.status, (SELECT COUNT(*) FROM copy_signups w WHERE w.session_id = m.session_id
                             AND w.status = 'waitlisted' AND w.id <= m.id)
           FROM copy_signups m WHERE m.attendee_id = ? AND m.session_id = ? AND m.status != 'cancelled'
           ORDER BY m.id DESC LIMIT 1""",
        (attendee_id, session_id),
    ).fetchone() if attendee_id is not None else None
    if mine is None:
        return True, None, None
    return True, mine[0], (mine[1] if mine[0] == "waitlisted" else None)
