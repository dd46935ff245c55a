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
from dataclasses import dataclass, fields, replace

from kiosk.domain.outcomes import DoorScanResult, Person, Reason, ScanResult
from kiosk.domain.scan_rules import (
    DIRECTIONS,
    ENTRY,
    EXIT,
    LETS_IN,
    VENUE,
    Bounce,
    BroughtAlong,
    LastScan,
    ScanFacts,
    brought_along,
    scan_outcome,
)
from kiosk.store.db import Cursor, Database, Row, StoreError, read_after_commit
from kiosk.store.scan_reads import read_result, result_of
from kiosk.store.scans import (
    LoggedScan,
    append_annulment,
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

    Two reads before the writes: the person (`scan_transaction`'s opening read) and `_room` (the
    session's capacity and the person's presence, once each); after them the answer and the
    room's count, which on PostgreSQL go with COMMIT.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'entry' or 'exit', not {direction!r}")
    with scan_transaction(db, nonce, raw_code) as tx:
        conn, person = tx.conn, tx.person
        if tx.replay:
            return _door_result(conn, tx.replay, session_id)
        room = _room(conn, session_id, person, device) if session_id != VENUE else None
        if room is None:
            raise StoreError(f"There is no session {session_id!r} in the programme.")
        outcome = scan_outcome(room.facts, direction, now, Bounce.EITHER_DIRECTION)
        along = bring_along(conn, tx.nonce, person, session_id, now, device, presence=(room.venue, room.inside)) \
            if outcome.reason in LETS_IN else BroughtAlong()
        # No id read back: the answer is read by the nonce, as a check-in's is (one statement fewer).
        write_scan(conn, tx.nonce, now, device, session_id, outcome.direction, raw_code,
                   person.id if person else None, outcome.reason)
        answer = read_result(conn, "s.nonce = ?", tx.nonce)
        count = _count_and_signup(conn, session_id, person)
    door = _door_answer(result_of(answer), session_id, room, count.fetchone())
    door.moved_from, door.venue_arrival = along.moved_from, along.venue_arrival is not None
    return door


def bring_along(conn: Database, nonce: str, person: Person | None, session_id: str, now: dt.datetime,
                device: str, *, presence: tuple[ScanFacts, set[str]] | None = None) -> BroughtAlong:
    """Append what an accepted entry into `session_id` brings along (`brought_along`), before the entry itself.

    Inside the scan's transaction: the venue arrival and the move out of other rooms, under the
    entry's nonce with a suffix. Also the upload of a door scan answered offline
    (kiosk.store.offline_door), at its real time. `presence`: the person's venue facts and the
    lists they are inside, when the caller read them already (else read here).
    """
    if person is None:
        return BroughtAlong()
    venue, inside = presence if presence is not None else _presence_of(conn, person)
    along = brought_along(venue, inside, session_id, now)
    # write_scan: nothing read back between these writes (on PostgreSQL they go in one round trip).
    if along.venue_arrival is not None:
        write_scan(conn, f"{nonce}:venue", now, device, VENUE, ENTRY, person.code, person.id, along.venue_arrival)
    for other in along.move_out:
        # Out of the other room first, so its count drops in the same commit.
        write_scan(conn, f"{nonce}:moved:{other}", now, device, other, EXIT, person.code, person.id, Reason.MOVED)
    return along


@dataclass(frozen=True)
class _Room:
    """A door scan's one read before it writes: the session, and the person's presence everywhere."""

    capacity: int | None
    signup: bool
    facts: ScanFacts  # the person on this session's list, with this door's last scan there
    venue: ScanFacts  # the person on the venue list (for what an entry brings along)
    inside: set[str]  # every list they are inside now
    since: str | None  # when they went into this session's room, if they are inside it


# One row per presence row of the person (one row with NULLs when there is none, or no person);
# none for a session id that is not in the programme. The last scan's subquery names no column
# of the rows, so it runs once (SQLite's once-only subquery, PostgreSQL's InitPlan).
_ROOM = """SELECT s.capacity, s.signup, last.at, last.direction, p.list, p.inside, p.entries, p.last_change_at
           FROM sessions s
           LEFT JOIN scans last ON last.id = (SELECT max(CASE WHEN device = ?3 THEN id END) FROM scans
                                              WHERE attendee_id = ?1 AND list = ?2)
           LEFT JOIN presence p ON p.attendee_id = ?1
           WHERE s.id = ?2"""


def _room(conn: Database, session_id: str, person: Person | None, device: str) -> _Room | None:
    """The session's capacity and sign-up flag and the person's presence, in one statement; None: no such session."""
    rows = conn.execute(_ROOM, (person.id if person else None, session_id, device)).fetchall()
    if not rows:
        return None
    capacity, signup, last_at, last_direction = rows[0][:4]
    status = person.status if person else None
    here, venue, inside, since = ScanFacts(status), ScanFacts(status), set(), None
    for *_, list_, is_inside, entries, changed_at in rows:
        if list_ is None:
            continue
        if is_inside:
            inside.add(list_)
        if list_ == session_id:
            here, since = ScanFacts(status, bool(is_inside), entries), changed_at if is_inside else None
        if list_ == VENUE:
            # No last scan: the arrival a door brings along is never a bounce (scan_rules.Bounce.NEVER).
            venue = ScanFacts(status, bool(is_inside), entries)
    if person is None or person.status == "cancelled":
        here = ScanFacts(status)  # as scan_facts: the rules need nothing more to refuse it
    else:
        last = LastScan(dt.datetime.fromisoformat(last_at), last_direction) if last_at else None
        here = replace(here, last=last)
    return _Room(capacity, bool(signup), here, venue, inside, since)


def _count_and_signup(conn: Database, session_id: str, person: Person | None) -> Cursor:
    """Send the read of the room's count and the person's sign-up there; its row is taken after COMMIT.

    How many are inside is the `inside:SESSION` tally (kiosk/store/tallies.py), kept by the
    triggers on presence in the same transaction: counting presence's rows of a full room read
    about 15,000 index entries a scan (1.5 ms of CPU at 100,000 people, a third of the door's).
    """
    return read_after_commit(conn,
        """SELECT (SELECT value FROM tallies WHERE key = ?1), m.status,
                  (SELECT COUNT(*) FROM signups w WHERE w.session_id = m.session_id
                   AND w.status = 'waitlisted' AND w.id <= m.id)
           FROM (SELECT 1 AS one) AS one
           LEFT JOIN signups m ON m.attendee_id = ?2 AND m.session_id = ?3 AND m.status != 'cancelled'""",
        (f"inside:{session_id}", person.id if person else None, session_id),
    )


def _door_answer(result: ScanResult, session_id: str, room: _Room | None, count: Row) -> DoorScanResult:
    """The scan's result with the room's capacity, how many are inside now, and the person's sign-up."""
    inside, status, place = count
    return DoorScanResult(
        **{f.name: getattr(result, f.name) for f in fields(result)}, session_id=session_id,
        inside=inside or 0,  # no tally yet: no one has been scanned into this room
        capacity=room.capacity if room else None, signup_session=room.signup if room else False,
        signup_status=status, waitlist_place=place if status == "waitlisted" else None,
        inside_since=room.since if room and result.reason is Reason.ALREADY_IN else None,
    )


def _door_result(conn: Database, result: ScanResult, session_id: str) -> DoorScanResult:
    """A replayed or undone scan's door answer: the room and the person's presence read now, then the count."""
    room = _room(conn, session_id, result.person, "")
    return _door_answer(result, session_id, room, _count_and_signup(conn, session_id, result.person).fetchone())


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
