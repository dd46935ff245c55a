"""Scans answered offline, kept on the device until the server has them: once each, in order.

While its server is gone a desk answers each scan from its local copy (kiosk.store.offline_copy)
and keeps it in the `queue` table of the same local file, with its nonce, its real time, the
device, the list and the direction, and what it was told (`reason`). The row is committed
(`synchronous=FULL`) before the answer is returned, so an answer shown is a scan kept, through a
crash or a pulled plug; the copy's presence is brought in step in the same transaction, so the
next scan of the same person is "already here" as far as this device knows.

`upload_waiting` sends the queue to the server in the order it was made, each scan in the
server's own scan transaction (kiosk.store.scans: `scan_transaction`, `judge_scan`, `append_scan`)
under its own nonce and at its real time. A nonce the server holds already is a replay: nothing
more is written, so a queue sent twice (a crash between the server's commit and the row's mark
here) is recorded once. A door's scan (its list a session's id) is judged by the door's rules and
brings along what a door scan does (kiosk.store.door.bring_along: the venue arrival, a move out
of another room), at its real time. The server judges each scan again and `uploaded_outcome`
(kiosk.domain.scan_rules) decides what is logged: refusals go up too, as they were shown; a green
entry of someone another desk let in meanwhile is logged `offline_duplicate`, refused, so it is
flagged and never a second arrival; a code the copy did not hold (answered amber: kept, checked
once the server is back) is logged as the server judges it, an arrival when it knows the code.

A walk-in made offline gets a code of this device's own (`offline_code`: the device's name and a
number kept in the local file), so two desks offline at once never hand out the same code; should
the server hold that code already, the upload gives the walk-in a fresh one and says so.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.domain.codes import normalise_code
from kiosk.domain.outcomes import Person, Reason, ScanResult
from kiosk.domain.scan_rules import (
    ENTRY,
    LETS_IN,
    VENUE,
    Bounce,
    LastScan,
    ScanFacts,
    ScanOutcome,
    is_accepted,
    offline_unjudged,
    scan_outcome,
    uploaded_outcome,
)
from kiosk.store.attendees import INSERT_ATTENDEE, PERSON_COLUMNS, find_by_code, person_from_row, unique_code
from kiosk.store.db import Database
from kiosk.store.door import bring_along
from kiosk.store.offline_copy import local_state, local_write, set_local_state
from kiosk.store.offline_reads import copy_counts, copy_person, copy_refreshed
from kiosk.store.scans import RAW_CODE_CHARS, append_scan, judge_scan, new_nonce, scan_result, scan_transaction, stamp
from kiosk.store.schema import search_text

QUEUE_COLUMNS = ("id, nonce, kind, at, device, list, direction, raw_code, attendee_id, reason, "
                 "name, organisation, city, email")


@dataclass(frozen=True)
class Queued:
    """One scan (or walk-in) kept on the device: what was scanned, when, where, and what it was told."""

    id: int
    nonce: str
    kind: str
    at: str
    device: str
    list: str
    direction: str
    raw_code: str
    attendee_id: int | None
    reason: str
    name: str = ""
    organisation: str = ""
    city: str = ""
    email: str = ""


def copy_facts(local: sqlite3.Connection, person: Person | None, list_: str, device: str) -> ScanFacts:
    """The scan rules' facts as this device knows them: the copy's presence and its own last queued scan."""
    if person is None or person.status == "cancelled":
        return ScanFacts(status=person.status if person else None)
    row = local.execute("SELECT inside, entries FROM copy_presence WHERE attendee_id = ? AND list = ?",
                        (person.id, list_)).fetchone()
    last = local.execute(
        "SELECT at, direction FROM queue WHERE attendee_id = ? AND list = ? AND device = ? ORDER BY id DESC LIMIT 1",
        (person.id, list_, device),
    ).fetchone()
    return ScanFacts(status=person.status, inside=bool(row and row[0]), entries=int(row[1]) if row else 0,
                     last=LastScan(dt.datetime.fromisoformat(last[0]), last[1]) if last else None)


def step_presence(local: sqlite3.Connection, attendee_id: int, list_: str, direction: str, at: str,
                   device: str) -> None:
    """The copy's presence after an accepted scan of this device (the server recounts its own on upload)."""
    if direction == ENTRY:
        local.execute(
            """INSERT INTO copy_presence (attendee_id, list, inside, entries, first_entry_at, first_entry_device, since)
               VALUES (?, ?, 1, 1, ?, ?, ?)
               ON CONFLICT (attendee_id, list) DO UPDATE SET inside = 1, entries = entries + 1, since = excluded.since,
                   first_entry_device = CASE WHEN first_entry_at IS NULL THEN excluded.first_entry_device
                                             ELSE first_entry_device END,
                   first_entry_at = coalesce(first_entry_at, excluded.first_entry_at)""",
            (attendee_id, list_, at, device, at),
        )
    else:
        local.execute("UPDATE copy_presence SET inside = 0 WHERE attendee_id = ? AND list = ?", (attendee_id, list_))


def keep_scan(local: sqlite3.Connection, nonce: str, kind: str, at: str, device: str, list_: str, direction: str,
            raw_code: str, attendee_id: int | None, reason: Reason, details: tuple[str, str, str, str] = ("", "", "", "")
            ) -> int:
    """One row into the queue (inside a local transaction); returns its id."""
    row = local.execute(
        """INSERT INTO queue (nonce, kind, at, device, list, direction, raw_code, attendee_id, reason,
                              name, organisation, city, email)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (nonce, kind, at, device, list_, direction, raw_code[:RAW_CODE_CHARS], attendee_id, reason.value, *details),
    ).fetchone()
    return int(row[0])


def answer_offline(
    local: sqlite3.Connection,
    raw_code: str,
    *,
    now: dt.datetime,
    device: str,
    direction: str = ENTRY,
    list_: str = VENUE,
    nonce: str | None = None,
) -> ScanResult:
    """Answer one scan from the local copy and keep it in the queue; returned once it is on disk.

    Green for a known code, red for a cancelled one, amber "already here" as far as this device
    knows, a bounce as at any desk. A code the copy does not hold is amber, not "unknown": the
    server may know it (a walk-in made at another desk since the last refresh; anyone while the
    copy holds nobody yet), so it is kept as `not_in_copy` (`no_copy` before the first refresh) and
    the server's judgement is logged on upload. The same nonce twice answers as the first time.
    """
    with local_write(local):
        kept = keep_answered(local, raw_code, list_, direction, now=now, device=device, nonce=nonce or new_nonce(),
                             bounce=Bounce.SAME_DIRECTION)
        result = queued_result(local, kept.queue_id)
        result.replayed = kept.outcome is None
        return result


@dataclass(frozen=True)
class Kept:
    """A scan answered from the copy and in the queue: its row, and whom and what it judged (None: kept before)."""

    queue_id: int
    person: Person | None = None
    outcome: ScanOutcome | None = None


def keep_answered(local: sqlite3.Connection, raw_code: str, list_: str, direction: str, *, now: dt.datetime,
                  device: str, nonce: str, bounce: Bounce) -> Kept:
    """Inside a local transaction: judge one scan from the copy by the scan rules (`bounce`: the desk's
    or the door's), keep it in the queue and step the copy's presence. A nonce kept before is a
    replay: nothing is written again (`outcome` None)."""
    kept = local.execute("SELECT id FROM queue WHERE nonce = ?", (nonce,)).fetchone()
    if kept is not None:
        return Kept(int(kept[0]))
    person = copy_person(local, raw_code)
    if person is None:  # the server may know the code (a walk-in made elsewhere since the last refresh)
        outcome = offline_unjudged(copy_refreshed(local), direction)
    else:
        outcome = scan_outcome(copy_facts(local, person, list_, device), direction, now, bounce)
    at = stamp(now)
    queue_id = keep_scan(local, nonce, "scan", at, device, list_, outcome.direction, raw_code,
                         person.id if person else None, outcome.reason)
    if outcome.accepted and person is not None:
        step_presence(local, person.id, list_, outcome.direction, at, device)
    return Kept(queue_id, person, outcome)


def note_online(local: sqlite3.Connection, results: list[ScanResult], lists: tuple[str, ...] = (VENUE,)) -> None:
    """This device's own scans that went to the server, in the copy at once (not only at the next refresh).

    So a person checked in here a moment before the server went away is "already here" offline.
    A scan the copy has read from the server already (an id up to the copy's last) is skipped.
    """
    with local_write(local):
        seen = int(local_state(local, "scan_id", "0"))
        for result in results:
            if result.accepted and result.person is not None and result.list_id in lists and result.scan_id > seen:
                step_presence(local, result.person.id, result.list_id, result.direction, result.at, result.device)
                if getattr(result, "venue_arrival", False):  # a door's entry brought the venue arrival along
                    step_presence(local, result.person.id, VENUE, ENTRY, result.at, result.device)


def offline_code(local: sqlite3.Connection, device: str) -> str:
    """The next walk-in code of this device: its name's letters and digits, a dash and a number (DESK2-001).

    Inside a local transaction. Device names differ per desk (the scan log needs them to), so two
    desks offline at once hand out different codes; the number is kept in the local file.
    """
    prefix = re.sub(r"[^A-Z0-9]", "", device.upper())[:10] or "DESK"
    number = int(local_state(local, "walk_in_number", "0")) + 1
    while True:
        code = f"{prefix}-{number:03d}"
        if local.execute("SELECT 1 FROM copy_attendees WHERE code = ?", (code,)).fetchone() is None:
            break
        number += 1
    set_local_state(local, "walk_in_number", number)
    return code


def walk_in_offline(
    local: sqlite3.Connection,
    name: str,
    organisation: str = "",
    city: str = "",
    email: str = "",
    *,
    now: dt.datetime,
    device: str,
    nonce: str | None = None,
) -> ScanResult:
    """Add a walk-in with a code of this device's own and check them in, from the local copy; kept in the queue.

    Until the upload, the walk-in is in the copy under a negative id (the queue row's, negated), so
    scanning their new badge again at this desk finds them.
    """
    name = " ".join(name.split())
    if not name:
        raise ValueError("a walk-in needs a name")
    nonce = nonce or new_nonce()
    details = (name, organisation.strip(), city.strip(), email.strip())
    with local_write(local):
        kept = local.execute("SELECT id FROM queue WHERE nonce = ?", (nonce,)).fetchone()
        if kept is not None:
            result = queued_result(local, int(kept[0]))
            result.replayed = True
            return result
        code, at = offline_code(local, device), stamp(now)
        queue_id = keep_scan(local, nonce, "walk_in", at, device, VENUE, ENTRY, code, None, Reason.OK, details)
        local.execute("UPDATE queue SET attendee_id = ? WHERE id = ?", (-queue_id, queue_id))
        local.execute(
            """INSERT INTO copy_attendees (id, code, name, organisation, city, status, updated_at, words)
               VALUES (?, ?, ?, ?, ?, 'registered', ?, ?)""",
            (-queue_id, code, details[0], details[1], details[2], at, search_text(*details[:3])),
        )
        step_presence(local, -queue_id, VENUE, ENTRY, at, device)
        return queued_result(local, queue_id)


def queued_result(local: sqlite3.Connection, queue_id: int) -> ScanResult:
    """A queued scan as the desk shows it: a ScanResult with the copy's person and counts (scan_id negative)."""
    q = queued(local, queue_id)
    person = copy_person(local, q.raw_code) if q.attendee_id is not None else None
    first = local.execute("SELECT first_entry_at, first_entry_device FROM copy_presence WHERE attendee_id = ? AND list = ?",
                          (q.attendee_id, q.list)).fetchone() if q.attendee_id is not None else None
    arrived, expected = copy_counts(local)
    reason = Reason(q.reason)
    return ScanResult(scan_id=-q.id, accepted=is_accepted(reason), reason=reason, at=q.at, device=q.device,
                      list_id=q.list, direction=q.direction, raw_code=q.raw_code, person=person,
                      first_entry_at=first[0] if first else None, first_entry_device=first[1] if first else None,
                      arrivals=arrived, expected=expected)


def queued(local: sqlite3.Connection, queue_id: int) -> Queued:
    """One row of the queue."""
    row = local.execute(f"SELECT {QUEUE_COLUMNS} FROM queue WHERE id = ?", (queue_id,)).fetchone()
    return Queued(*row)


def waiting(local: sqlite3.Connection) -> list[Queued]:
    """The scans not uploaded yet, in the order they were made."""
    rows = local.execute(f"SELECT {QUEUE_COLUMNS} FROM queue WHERE uploaded_at IS NULL ORDER BY id").fetchall()
    return [Queued(*row) for row in rows]


def count_waiting(local: sqlite3.Connection) -> int:
    """How many scans this device still has to upload."""
    return int(local.execute("SELECT COUNT(*) FROM queue WHERE uploaded_at IS NULL").fetchone()[0])


@dataclass
class Uploaded:
    """What an upload did: scans sent, of which replays (the server had them), double entries, new codes."""

    sent: int = 0
    replayed: int = 0
    duplicates: int = 0
    recoded: dict[str, str] = field(default_factory=dict)


def upload_waiting(
    db: Database,
    local: sqlite3.Connection,
    *,
    now: Callable[[], dt.datetime] | None = None,
    limit: int | None = None,
    on_sent: Callable[[], object] | None = None,
) -> Uploaded:
    """Send the waiting scans to the server, in order, once each; each is marked here after its commit there.

    Stops at the first fault (a StoreError is raised: the rest waits for the next try). `limit`
    sends at most that many. `now` stamps when each was uploaded (the real clock by default);
    `on_sent()` is called after each one is marked (a banner's count goes down as they go).
    """
    done = Uploaded()
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    for q in waiting(local)[:limit]:
        result, recoded = upload_one(db, q)
        done.sent += 1
        done.replayed += result.replayed
        done.duplicates += result.reason is Reason.OFFLINE_DUPLICATE
        if recoded:
            done.recoded[q.raw_code] = recoded
        with local_write(local):
            local.execute("UPDATE queue SET uploaded_at = ?, uploaded_reason = ?, scan_id = ? WHERE id = ?",
                          (stamp(clock()), result.reason.value, result.scan_id, q.id))
        if on_sent is not None:
            on_sent()
    return done


def upload_one(db: Database, q: Queued) -> tuple[ScanResult, str | None]:
    """One queued scan in the server's scan transaction; returns its result and a walk-in's new code, if it needed one."""
    at = dt.datetime.fromisoformat(q.at)
    with scan_transaction(db, q.nonce, q.raw_code if q.kind == "scan" else None) as tx:
        if tx.replay:
            return tx.replay, None
        conn, person, recoded = tx.conn, tx.person, None
        if q.kind == "walk_in":
            person, recoded = _add_walk_in(conn, q)
        door = q.kind == "scan" and q.list != VENUE  # a session's door (kiosk.store.offline_door): its rules
        server = judge_scan(conn, person, q.direction, q.list, q.device, at,
                            Bounce.EITHER_DIRECTION if door else Bounce.SAME_DIRECTION)
        outcome = uploaded_outcome(ScanOutcome(Reason(q.reason), q.direction), server)
        if door and outcome.reason in LETS_IN:
            bring_along(conn, tx.nonce, person, q.list, at, q.device)  # the venue arrival, a move out of another room
        scan_id = append_scan(conn, tx.nonce, at, q.device, q.list, outcome.direction,
                              person.code if q.kind == "walk_in" and person else q.raw_code,
                              person.id if person else None, outcome.reason)
        return scan_result(conn, scan_id), recoded


def _add_walk_in(conn: Database, q: Queued) -> tuple[Person, str | None]:
    """The offline walk-in's attendee row on the server, under its offline code unless that is taken."""
    code, recoded = q.raw_code, None
    if find_by_code(conn, code) is not None:
        code = recoded = unique_code(conn)
    new_id = conn.execute(
        INSERT_ATTENDEE + " RETURNING id",
        (normalise_code(code), q.name, q.organisation, q.city, q.email, "registered", "walk_in",
         search_text(q.name, q.organisation, q.city), q.at, q.at),
    ).fetchone()[0]
    row = conn.execute(f"SELECT {PERSON_COLUMNS} FROM attendees WHERE id = ?", (new_id,)).fetchone()
    return person_from_row(row), recoded
