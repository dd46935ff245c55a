"""Scanning people into and out of a session at the room door, in one transaction.

The session's id is the scan log's `list`. A door scan takes the steps of every scan
(kiosk/store/scans.py: `scan_transaction`, `judge_scan`, `write_scan`, the answer by `read_result`) with the
door's bounce rule, a read of the same badge in either direction (kiosk.domain.scan_rules): entry,
exit, already inside, or a bounce. The direction is the door's mode (entry, or exit after F8); a
scan never turns itself into an exit, so someone scanned in again "to be sure" is `already_in`,
stays inside, and the count stays. An accepted entry brings two things along, decided by the
same rules (`brought_along`) and appended before it, inside the same `BEGIN IMMEDIATE`:

- arrival: someone not inside the venue is checked in at the venue first (device = this door,
  `ok` or `reentry`, never a bounce), so the desk and the arrivals count see them, at the moment
  they walked into the room;
- move: someone inside another room is scanned out there (reason `moved`) before coming in here,
  because one person is in one room at a time.

Those extra scans carry the door scan's nonce plus a suffix (`<nonce>:venue`, `<nonce>:moved:<list>`),
so `door_undo` annuls a door scan together with what it brought along (`append_annulment`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import fields

from kiosk.domain.outcomes import DoorScanResult, Person, Reason, ScanResult
from kiosk.domain.scan_rules import (
    DIRECTIONS,
    ENTRY,
    EXIT,
    LETS_IN,
    VENUE,
    Bounce,
    BroughtAlong,
    ScanFacts,
    brought_along,
)
from kiosk.store.db import Database, StoreError
from kiosk.store.scan_reads import read_result, result_of
from kiosk.store.scans import (
    LoggedScan,
    append_annulment,
    judge_scan,
    nothing_to_undo,
    scan_result,
    scan_transaction,
    undoable_scan,
    write_scan,
)


def door_scan(
    db: Database,
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
    with scan_transaction(db, nonce, raw_code) as tx:
        conn, person = tx.conn, tx.person
        if tx.replay:
            return _door_result(conn, tx.replay, session_id)
        capacity_row = conn.execute("SELECT capacity FROM sessions WHERE id = ?", (session_id,)).fetchone()
        if capacity_row is None or session_id == VENUE:
            raise StoreError(f"There is no session {session_id!r} in the programme.")
        outcome = judge_scan(conn, person, direction, session_id, device, now, Bounce.EITHER_DIRECTION)
        along = bring_along(conn, tx.nonce, person, session_id, now, device) if outcome.reason in LETS_IN \
            else BroughtAlong()
        # No id read back: the answer is read by the nonce, as a check-in's is (one statement fewer).
        write_scan(conn, tx.nonce, now, device, session_id, outcome.direction, raw_code,
                   person.id if person else None, outcome.reason)
        door = _door_result(conn, result_of(read_result(conn, "s.nonce = ?", tx.nonce)), session_id)
        door.moved_from, door.venue_arrival = along.moved_from, along.venue_arrival is not None
        return door


def bring_along(conn: Database, nonce: str, person: Person | None, session_id: str, now: dt.datetime,
                device: str) -> BroughtAlong:
    """Append what an accepted entry into `session_id` brings along (`brought_along`), before the entry itself.

    Inside the scan's transaction: the venue arrival and the move out of other rooms, under the
    entry's nonce with a suffix. Also the upload of a door scan answered offline
    (kiosk.store.offline_door), at its real time.
    """
    if person is None:
        return BroughtAlong()
    venue, inside = _presence_of(conn, person)
    along = brought_along(venue, inside, session_id, now)
    # write_scan: nothing read back between these writes (on PostgreSQL they go in one round trip).
    if along.venue_arrival is not None:
        write_scan(conn, f"{nonce}:venue", now, device, VENUE, ENTRY, person.code, person.id, along.venue_arrival)
    for other in along.move_out:
        # Out of the other room first, so its count drops in the same commit.
        write_scan(conn, f"{nonce}:moved:{other}", now, device, other, EXIT, person.code, person.id, Reason.MOVED)
    return along


def _door_result(conn: Database, result: ScanResult, session_id: str) -> DoorScanResult:
    """The scan's result with the room's capacity, how many are inside now, and the person's sign-up.

    How many are inside is the `inside:SESSION` tally (kiosk/store/tallies.py), kept by the
    triggers on presence in the same transaction: counting presence's rows of a full room read
    about 15,000 index entries a scan (1.5 ms of CPU at 100,000 people, a third of the door's).
    """
    capacity, signup_session, inside = conn.execute(
        "SELECT capacity, signup, (SELECT value FROM tallies WHERE key = ?) FROM sessions WHERE id = ?",
        (f"inside:{session_id}", session_id),
    ).fetchone() or (None, 0, 0)
    inside = inside or 0  # no tally yet: no one has been scanned into this room
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


def _inside_since(conn: Database, attendee_id: int, list_: str) -> str | None:
    """When this person went into this list, if they are inside: the entry that put them there."""
    row = conn.execute(
        "SELECT last_change_at FROM presence WHERE attendee_id = ? AND list = ? AND inside = 1", (attendee_id, list_)
    ).fetchone()
    return row[0] if row else None


def _presence_of(conn: Database, person: Person) -> tuple[ScanFacts, set[str]]:
    """The person's facts on the venue list and every list they are inside now: one read of presence."""
    inside: set[str] = set()
    venue_inside, venue_entries = False, 0
    for list_, is_inside, entries in conn.execute(
        "SELECT list, inside, entries FROM presence WHERE attendee_id = ?", (person.id,)
    ):
        if is_inside:
            inside.add(list_)
        if list_ == VENUE:
            venue_inside, venue_entries = bool(is_inside), entries
    # No last scan: the arrival a door brings along is never a bounce (scan_rules.Bounce.NEVER).
    return ScanFacts(status=person.status, inside=venue_inside, entries=venue_entries), inside


def door_undo(
    db: Database, *, now: dt.datetime, device: str, session_id: str, nonce: str | None = None
) -> DoorScanResult:
    """Annul this door's last accepted scan in this session and the venue arrival or move-out it brought along.

    Like `undo_scan`, it appends annulling scans (reason `undo`, `append_annulment`); nothing is deleted.
    """
    with scan_transaction(db, nonce) as tx:
        conn = tx.conn
        if tx.replay:
            return _door_result(conn, tx.replay, session_id)
        target = undoable_scan(conn, device, None, session_id)  # this room's scans only
        if target is None:
            return _door_result(conn, nothing_to_undo(conn, now, device, tx.nonce, session_id), session_id)
        target_nonce = conn.execute("SELECT nonce FROM scans WHERE id = ?", (target.id,)).fetchone()[0]
        companions = conn.execute(
            """SELECT id, list, direction, attendee_id, raw_code FROM scans
               WHERE nonce >= ? AND nonce < ? AND accepted = 1 AND annuls IS NULL
                 AND id NOT IN (SELECT annuls FROM scans WHERE annuls IS NOT NULL)
               ORDER BY id DESC""",
            # A range on the unique nonce index: every `<nonce>:...` sorts between `<nonce>:` and `<nonce>;`.
            (target_nonce + ":", target_nonce + ";"),
        ).fetchall()
        first_id = append_annulment(conn, [target, *(LoggedScan(*row) for row in companions)], now, device, tx.nonce)
        return _door_result(conn, scan_result(conn, first_id), session_id)
