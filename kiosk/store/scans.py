"""The scan log: check-in, check-out, undo, walk-ins. Every scan is appended, accepted or refused.

One check-in code path for the desk screen, the CLI and the benchmarks (`record_scan`), the
walk-in (`create_walk_in`) and the door (kiosk/store/door.py). Each scan is one `BEGIN
IMMEDIATE` transaction of the same steps:

1. open it: `scan_transaction` takes the write lock, returns the result already logged under
   the scan's nonce (a replay: nothing more is written) and the person the code belongs to;
2. judge it: `judge_scan` reads the facts (`scan_facts`: status, inside, entries, this device's
   last scan there) and asks the pure rules, kiosk.domain.scan_rules.scan_outcome, for the
   reason and the direction to log;
3. append it: `append_scan` writes the row and, when it was accepted, brings `presence` in step;
4. describe it: `scan_result`, read inside the lock, returned after COMMIT.

An undo is the same transaction with other middle steps: find the scan to annul
(`undoable_scan`), then `append_annulment` (the one writer of annulling scans, reason `undo`,
for the desk's Ctrl+Z and F9, `undo_scan` and the door's undo) or, when there is none,
`nothing_to_undo`. Nothing is ever deleted.

The steps are public for store/door.py and store/undo.py, which compose them into their own
transactions; each step after the first runs on the transaction's connection, inside its block.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import NamedTuple

from kiosk.domain.outcomes import Person, Reason, ScanResult
from kiosk.domain.scan_rules import (
    ENTRY,
    Bounce,
    LastScan,
    ScanFacts,
    ScanOutcome,
    is_accepted,
    scan_outcome,
)
from kiosk.domain.scan_rules import (
    VENUE as VENUE,  # the venue's list name, imported from here by many
)
from kiosk.store.attendees import (
    INSERT_ATTENDEE,
    PERSON_COLUMNS,
    find_by_code,
    person_from_row,
    unique_code,
)
from kiosk.store.db import Database, immediate
from kiosk.store.presence import recompute_presence
from kiosk.store.schema import search_text
from kiosk.store.tallies import tally

# How much of what was scanned or typed the log keeps: its first 200 characters.
RAW_CODE_CHARS = 200


def logged_text(raw_code: str) -> str:
    """What the log keeps of a scanned text: its first RAW_CODE_CHARS characters, a NUL as U+FFFD.

    A NUL is no text a person sees (screens show control characters as U+FFFD too); PostgreSQL's
    text cannot hold one, and SQLite's own text functions stop at it: both logs keep the same row.
    """
    return raw_code[:RAW_CODE_CHARS].replace("\x00", "\ufffd")


def stamp(now: dt.datetime) -> str:
    """The log's time format: ISO 8601 with milliseconds and the UTC offset."""
    return now.isoformat(timespec="milliseconds")


def new_nonce() -> str:
    """A unique id for one scan, so that a scan sent twice is recorded once."""
    return uuid.uuid4().hex


@dataclass(slots=True)
class ScanTransaction:
    """An open scan transaction: its connection, the scan's nonce, a replay, and the person.

    `replay`: the result of the scan already logged under `nonce` (the writer returns it and
    writes nothing), else None. `person`: who the scanned code belongs to (None for an unknown
    code, and when no code was given or the scan is a replay).
    """

    conn: Database
    nonce: str
    replay: ScanResult | None
    person: Person | None = None


@contextmanager
def scan_transaction(
    db: Database, nonce: str | None, raw_code: str | None = None
) -> Iterator[ScanTransaction]:
    """Open one scan's `BEGIN IMMEDIATE ... COMMIT`: the nonce (a new one for None), replay, person.

    The block's writes are committed when it exits normally and rolled back when it raises
    (StoreError for a database fault); `raw_code` None looks no one up (undo, walk-in).
    """
    nonce = nonce or new_nonce()
    with immediate(db) as conn:
        replay = replayed_scan(conn, nonce)
        person = find_by_code(conn, raw_code) if raw_code is not None and replay is None else None
        yield ScanTransaction(conn, nonce, replay, person)


def record_scan(
    db: Database,
    raw_code: str,
    *,
    now: dt.datetime,
    device: str,
    direction: str = ENTRY,
    list_: str = VENUE,
    nonce: str | None = None,
) -> ScanResult:
    """Scan a code in or out of the venue (or a session list) and return what it came to.

    The desk's bounce rule (a repeat in the same direction); ValueError for a direction that is
    neither entry nor exit, with nothing written.
    """
    with scan_transaction(db, nonce, raw_code) as tx:
        if tx.replay:
            return tx.replay
        outcome = judge_scan(tx.conn, tx.person, direction, list_, device, now)
        scan_id = append_scan(tx.conn, tx.nonce, now, device, list_, outcome.direction, raw_code,
                              tx.person.id if tx.person else None, outcome.reason)
        return scan_result(tx.conn, scan_id)


def scan_facts(conn: Database, person: Person | None, list_: str, device: str) -> ScanFacts:
    """What the scan rules need about one person on one list: inside, entries, this device's last scan.

    One statement, run inside the write lock.
    """
    if person is None or person.status == "cancelled":
        return ScanFacts(status=person.status if person else None)
    last_at, last_direction, inside, entries = conn.execute(
        """SELECT last.at, last.direction, coalesce(p.inside, 0), coalesce(p.entries, 0)
           FROM (SELECT 1 AS one) AS one LEFT JOIN presence p ON p.attendee_id = ?1 AND p.list = ?2
           LEFT JOIN (SELECT at, direction FROM scans WHERE attendee_id = ?1 AND list = ?2 AND device = ?3
                      ORDER BY id DESC LIMIT 1) AS last ON 1 = 1""",
        (person.id, list_, device),
    ).fetchone()
    last = LastScan(dt.datetime.fromisoformat(last_at), last_direction) if last_at else None
    return ScanFacts(status=person.status, inside=bool(inside), entries=entries, last=last)


def judge_scan(
    conn: Database,
    person: Person | None,
    direction: str,
    list_: str,
    device: str,
    now: dt.datetime,
    bounce: Bounce = Bounce.SAME_DIRECTION,
) -> ScanOutcome:
    """What a scan comes to for this person, list and direction: `scan_facts`, then the pure rules.

    Inside the write lock; `bounce` is the writer's bounce rule (kiosk.domain.scan_rules.Bounce).
    """
    return scan_outcome(scan_facts(conn, person, list_, device), direction, now, bounce)


def append_scan(
    conn: Database,
    nonce: str,
    now: dt.datetime,
    device: str,
    list_: str,
    direction: str,
    raw_code: str,
    attendee_id: int | None,
    reason: Reason,
    annuls: int | None = None,
) -> int:
    """Append one row to the log, bring presence in step when it was accepted; returns its id.

    The one INSERT into `scans`: whether the row is accepted follows from its reason
    (kiosk.domain.scan_rules.ACCEPTED); at most RAW_CODE_CHARS of the scanned text are kept.
    """
    accepted = is_accepted(reason)
    row = conn.execute(
        """INSERT INTO scans (nonce, at, device, list, direction, raw_code, attendee_id, accepted, reason, annuls)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
        (nonce, stamp(now), device, list_, direction, logged_text(raw_code), attendee_id, int(accepted),
         reason.value, annuls),
    ).fetchone()
    if accepted and attendee_id is not None:
        recompute_presence(conn, attendee_id, list_)
    return int(row[0])


def replayed_scan(conn: Database, nonce: str) -> ScanResult | None:
    """The result of a scan already recorded under this nonce, or None."""
    row = conn.execute("SELECT id FROM scans WHERE nonce = ?", (nonce,)).fetchone()
    if not row:
        return None
    result = scan_result(conn, row[0])
    result.replayed = True
    return result


def scan_result(conn: Database, scan_id: int) -> ScanResult:
    """Describe a logged scan with the person, their first entry, their sessions and the counts.

    One statement: this runs inside every check-in's write lock, so it is kept to one round trip.
    """
    row = conn.execute(
        f"""SELECT s.at, s.device, s.list, s.direction, s.raw_code, s.accepted, s.reason,
                   p.first_entry_at, p.first_entry_device,
                   (SELECT value FROM tallies WHERE key = 'arrived:venue'),
                   (SELECT value FROM tallies WHERE key = 'expected'),
                   (SELECT group_concat(session_id, ' ') FROM (
                        SELECT g.session_id FROM signups g LEFT JOIN sessions x ON x.id = g.session_id
                        WHERE g.attendee_id = s.attendee_id AND g.status = 'confirmed'
                        ORDER BY x.starts_at, g.id) AS confirmed),
                   u.at, u.direction,
                   {', '.join('a.' + c for c in PERSON_COLUMNS.split(', '))}
            FROM scans s
            LEFT JOIN attendees a ON a.id = s.attendee_id
            LEFT JOIN presence p ON p.attendee_id = s.attendee_id AND p.list = s.list
            LEFT JOIN scans u ON u.id = s.annuls
            WHERE s.id = ?""",
        (scan_id,),
    ).fetchone()
    at, device, list_, direction, raw_code, accepted, reason, first_at, first_device, arrived, expected, sessions = row[:12]
    undone_at, undone_direction = row[12:14]
    person = person_from_row(row[14:]) if row[14] is not None else None
    return ScanResult(
        scan_id=scan_id,
        accepted=bool(accepted),
        reason=Reason(reason),
        at=at,
        device=device,
        list_id=list_,
        direction=direction,
        raw_code=raw_code,
        person=person,
        first_entry_at=first_at,
        first_entry_device=first_device,
        arrivals=arrived or 0,
        expected=expected or 0,
        sessions=sessions.split() if sessions else [],
        undone_at=undone_at,
        undone_direction=undone_direction,
    )


def count_arrivals(conn: Database) -> int:
    """How many people have arrived at the venue (each counted once, undone arrivals not)."""
    return tally(conn, f"arrived:{VENUE}")


class LoggedScan(NamedTuple):
    """A logged scan as an undo needs it: what the annulling scan copies."""

    id: int
    list: str
    direction: str
    attendee_id: int
    raw_code: str


def undo_scan(
    db: Database,
    *,
    now: dt.datetime,
    device: str,
    scan_id: int | None = None,
    nonce: str | None = None,
    list_: str | None = None,
) -> ScanResult:
    """Annul a scan by appending an annulling one: the given scan, else this device's last accepted one.

    `list_`: only a scan on that list (the desk passes `venue`). Returns the annulling scan's
    result (reason UNDO), or NOTHING_TO_UNDO when there is none.
    """
    with scan_transaction(db, nonce) as tx:
        if tx.replay:
            return tx.replay
        target = undoable_scan(tx.conn, device, scan_id, list_)
        if target is None:
            return nothing_to_undo(tx.conn, now, device, tx.nonce)
        return scan_result(tx.conn, append_annulment(tx.conn, [target], now, device, tx.nonce))


def nothing_to_undo(
    conn: Database, now: dt.datetime, device: str, nonce: str, list_: str = VENUE
) -> ScanResult:
    """Log an undo that found nothing to annul on `list_` (refused, changes nothing); in the transaction."""
    return scan_result(conn, append_scan(conn, nonce, now, device, list_, ENTRY, "", None, Reason.NOTHING_TO_UNDO))


def append_annulment(
    conn: Database, targets: Sequence[LoggedScan], now: dt.datetime, device: str, nonce: str
) -> int:
    """Append the scans that annul `targets` (reason `undo`), in order, and bring presence in step.

    The one writer of annulments. Each copies its target's list, direction, person and text and
    names it in `annuls`; the first carries `nonce`, the n-th after it `<nonce>:<n>` (a door's
    undo annuls its scan and what that scan brought along). Returns the first one's id. Inside
    the scan transaction; nothing is deleted.
    """
    first_id = 0
    for number, target in enumerate(targets):
        scan_id = append_scan(conn, nonce if number == 0 else f"{nonce}:{number}", now, device, target.list,
                              target.direction, target.raw_code, target.attendee_id, Reason.UNDO, annuls=target.id)
        first_id = first_id or scan_id
    return first_id


def undoable_scan(
    conn: Database, device: str, scan_id: int | None, list_: str | None = None
) -> LoggedScan | None:
    """The scan an undo would annul: accepted, not an undo itself, not annulled yet.

    `scan_id`, else this device's last one; with `list_`, only on that list and never a scan
    another scan brought along (`<nonce>:...`): the desk undoes its own check-ins, not a door's
    room entry made under the same device name, and a door only its own room's scans.
    """
    params: list[int | str]
    if scan_id is not None:
        where, params = "id = ?", [scan_id]
    else:
        where, params = "device = ?", [device]
        if list_ is not None:
            where += " AND list = ? AND instr(nonce, ':') = 0"
            params.append(list_)
    row = conn.execute(
        f"""SELECT id, list, direction, attendee_id, raw_code FROM scans
            WHERE {where} AND accepted = 1 AND annuls IS NULL AND attendee_id IS NOT NULL
              AND id NOT IN (SELECT annuls FROM scans WHERE annuls IS NOT NULL)
            ORDER BY id DESC LIMIT 1""",
        params,
    ).fetchone()
    return LoggedScan(*row) if row else None


def create_walk_in(
    db: Database,
    name: str,
    organisation: str = "",
    city: str = "",
    email: str = "",
    *,
    now: dt.datetime,
    device: str,
    nonce: str | None = None,
    rng: random.Random | None = None,
) -> ScanResult:
    """Add a walk-in with a generated code and check them in, in one transaction.

    Either both the attendee and their arrival scan are written, or neither is. Returns the
    arrival's ScanResult (reason OK); the new code is `result.person.code`. A `nonce` sent twice
    (a double Enter, a retry) returns the first walk-in's result and adds no second person.
    ValueError, with nothing written, for an empty name or a NUL in any field (no form lets one
    through; PostgreSQL's text cannot hold it, so neither store takes it).
    """
    name = " ".join(name.split())
    if not name:
        raise ValueError("a walk-in needs a name")
    if any("\x00" in text for text in (name, organisation, city, email)):
        raise ValueError("a walk-in's details cannot hold a NUL character")
    with scan_transaction(db, nonce) as tx:
        if tx.replay:
            return tx.replay
        conn = tx.conn
        code = unique_code(conn, rng)
        organisation, city, email = organisation.strip(), city.strip(), email.strip()
        new_id = conn.execute(
            INSERT_ATTENDEE + " RETURNING id",
            (code, name, organisation, city, email, "registered", "walk_in", search_text(name, organisation, city),
             stamp(now), stamp(now)),
        ).fetchone()[0]
        row = conn.execute(f"SELECT {PERSON_COLUMNS} FROM attendees WHERE id = ?", (new_id,)).fetchone()
        person = person_from_row(row)
        outcome = judge_scan(conn, person, ENTRY, VENUE, device, now)
        scan_id = append_scan(conn, tx.nonce, now, device, VENUE, outcome.direction, code, person.id, outcome.reason)
        return scan_result(conn, scan_id)
