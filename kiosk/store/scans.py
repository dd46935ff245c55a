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

A check-in (`record_scan`) does the same in as few statements as the steps allow, because on
PostgreSQL each is a round trip to the server: the nonce, the person and the facts in the
transaction's first SELECT (sent with BEGIN and the write lock), then the INSERT, presence and the
answer, with nothing read in between (sent together: kiosk.store.pg), then COMMIT. The rules still
decide in Python, between the two.

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
    person_from_row,
    unique_code,
)
from kiosk.store.db import Database, immediate
from kiosk.store.presence import recompute_presence, step_presence
from kiosk.store.scan_reads import opening_read, read_result, replayed_result, result_of
from kiosk.store.scan_reads import replayed_scan as replayed_scan  # the steps, public from here as before
from kiosk.store.scan_reads import scan_facts as scan_facts
from kiosk.store.scan_reads import scan_result as scan_result
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
    code, and when no code was given or the scan is a replay). `facts`: what the scan rules need
    about them on the list and device `scan_transaction` was asked about (None when it was not).
    """

    conn: Database
    nonce: str
    replay: ScanResult | None
    person: Person | None = None
    facts: ScanFacts | None = None


@contextmanager
def scan_transaction(
    db: Database, nonce: str | None, raw_code: str | None = None, facts_for: tuple[str, str] | None = None
) -> Iterator[ScanTransaction]:
    """Open one scan's `BEGIN IMMEDIATE ... COMMIT`: the nonce (a new one for None), replay, person.

    The block's writes are committed when it exits normally and rolled back when it raises
    (StoreError for a database fault); `raw_code` None looks no one up (undo, walk-in).
    `facts_for` (list, device): the person's `scan_facts` there too, read in the same statement.
    """
    nonce = nonce or new_nonce()
    with immediate(db) as conn:
        if raw_code is None:
            yield ScanTransaction(conn, nonce, replayed_scan(conn, nonce))
            return
        replay_id, person, facts = opening_read(conn, nonce, raw_code, facts_for)
        replay = replayed_result(conn, replay_id) if replay_id is not None else None
        if replay is not None:
            person, facts = None, None
        yield ScanTransaction(conn, nonce, replay, person, facts)


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
    with scan_transaction(db, nonce, raw_code, facts_for=(list_, device)) as tx:
        if tx.replay:
            return tx.replay
        assert tx.facts is not None
        outcome = scan_outcome(tx.facts, direction, now, Bounce.SAME_DIRECTION)
        # Nothing is read between the writes, the answer and COMMIT: PostgreSQL sends the four in one
        # round trip. The answer is read once COMMIT has returned (a failed COMMIT raises first).
        write_scan(tx.conn, tx.nonce, now, device, list_, outcome.direction, raw_code,
                   tx.person.id if tx.person else None, outcome.reason)
        answer = read_result(tx.conn, "s.nonce = ?", tx.nonce)
    return result_of(answer)


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

    `write_scan`, then the new row's id.
    """
    write_scan(conn, nonce, now, device, list_, direction, raw_code, attendee_id, reason, annuls)
    return int(conn.execute("SELECT id FROM scans WHERE nonce = ?", (nonce,)).fetchone()[0])


def write_scan(
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
) -> None:
    """Write one row to the log and, when it was accepted, bring presence in step; nothing read back.

    The one INSERT into `scans`: whether the row is accepted follows from its reason
    (kiosk.domain.scan_rules.ACCEPTED); at most RAW_CODE_CHARS of the scanned text are kept. A new
    scan is added to the person's presence (`step_presence`); an annulment replays their scans.
    """
    accepted = is_accepted(reason)
    conn.execute(
        """INSERT INTO scans (nonce, at, device, list, direction, raw_code, attendee_id, accepted, reason, annuls)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (nonce, stamp(now), device, list_, direction, logged_text(raw_code), attendee_id, int(accepted),
         reason.value, annuls),
    )
    if accepted and attendee_id is not None:
        if annuls is None:
            step_presence(conn, nonce, attendee_id, list_, direction, stamp(now), device)
        else:
            recompute_presence(conn, attendee_id, list_)


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
