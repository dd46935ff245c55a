"""The scan transaction's reads: its first SELECT (replay, person, facts) and its answer (`scan_result`).

Each is one statement, because on PostgreSQL each statement is a round trip to the server inside
the write lock (kiosk/store/scans.py composes them). `read_result` sends the answer's statement
without reading it, so on PostgreSQL a check-in's writes go with it (kiosk.store.pg).
"""

from __future__ import annotations

import datetime as dt

from kiosk.domain.codes import normalise_code
from kiosk.domain.outcomes import Person, Reason, ScanResult
from kiosk.domain.scan_rules import LastScan, ScanFacts
from kiosk.store.attendees import PERSON_COLUMNS, person_from_row
from kiosk.store.db import Cursor, Database, read_after_commit


def opening_read(
    conn: Database, nonce: str, raw_code: str, facts_for: tuple[str, str] | None
) -> tuple[int | None, Person | None, ScanFacts | None]:
    """The transaction's first read: a scan already logged under `nonce`, the code's person, their facts.

    One statement (`find_by_code`'s look-up and `scan_facts`' read joined), so that on PostgreSQL
    it is the only round trip before the rules judge. Without `facts_for` the facts are None.
    """
    list_, device = facts_for if facts_for is not None else (None, None)
    columns = ", ".join("a." + c for c in PERSON_COLUMNS.split(", "))
    # The last scan by `device` is the highest id among the person's scans on the list whose device
    # it is: found through the person's index (scans_attendee). `... AND device = ? ORDER BY id DESC
    # LIMIT 1` let PostgreSQL walk a new device's scans backwards (scans_device) for a person it
    # never scanned, a walk that grows with every scan of the day until the table is analysed again.
    row = conn.execute(
        f"""SELECT (SELECT id FROM scans WHERE nonce = ?), {columns},
                   last.at, last.direction, coalesce(p.inside, 0), coalesce(p.entries, 0)
            FROM (SELECT 1 AS one) AS one
            LEFT JOIN attendees a ON a.code = ? COLLATE NOCASE
            LEFT JOIN presence p ON p.attendee_id = a.id AND p.list = ?
            LEFT JOIN scans last ON last.id = (SELECT max(CASE WHEN device = ? THEN id END) FROM scans
                                               WHERE attendee_id = a.id AND list = ?)""",
        (nonce, normalise_code(raw_code), list_, device, list_),
    ).fetchone()
    replay_id = row[0]
    person = person_from_row(row[1:9]) if row[1] is not None else None
    if facts_for is None:
        return replay_id, person, None
    if person is None or person.status == "cancelled":
        return replay_id, person, ScanFacts(status=person.status if person else None)
    last_at, last_direction, inside, entries = row[9:13]
    last = LastScan(dt.datetime.fromisoformat(last_at), last_direction) if last_at else None
    return replay_id, person, ScanFacts(status=person.status, inside=bool(inside), entries=entries, last=last)


def scan_facts(conn: Database, person: Person | None, list_: str, device: str) -> ScanFacts:
    """What the scan rules need about one person on one list: inside, entries, this device's last scan.

    One statement, run inside the write lock.
    """
    if person is None or person.status == "cancelled":
        return ScanFacts(status=person.status if person else None)
    # This device's last scan there through the person's index, as in `opening_read`.
    last_at, last_direction, inside, entries = conn.execute(
        """SELECT last.at, last.direction, coalesce(p.inside, 0), coalesce(p.entries, 0)
           FROM (SELECT 1 AS one) AS one LEFT JOIN presence p ON p.attendee_id = ?1 AND p.list = ?2
           LEFT JOIN scans last ON last.id = (SELECT max(CASE WHEN device = ?3 THEN id END) FROM scans
                                              WHERE attendee_id = ?1 AND list = ?2)""",
        (person.id, list_, device),
    ).fetchone()
    last = LastScan(dt.datetime.fromisoformat(last_at), last_direction) if last_at else None
    return ScanFacts(status=person.status, inside=bool(inside), entries=entries, last=last)


def replayed_scan(conn: Database, nonce: str) -> ScanResult | None:
    """The result of a scan already recorded under this nonce, or None."""
    row = conn.execute("SELECT id FROM scans WHERE nonce = ?", (nonce,)).fetchone()
    return replayed_result(conn, row[0]) if row else None


def replayed_result(conn: Database, scan_id: int) -> ScanResult:
    result = scan_result(conn, scan_id)
    result.replayed = True
    return result


def scan_result(conn: Database, scan_id: int) -> ScanResult:
    """Describe a logged scan with the person, their first entry, their sessions and the counts.

    One statement: this runs inside every check-in's write lock, so it is kept to one round trip.
    The sessions are ordered by a look-up of each one's start (not a join with `sessions`, which
    PostgreSQL made a hash of the whole programme at every check-in).
    """
    return result_of(read_result(conn, "s.id = ?", scan_id))


def read_result(conn: Database, where: str, key: int | str) -> Cursor:
    """Send `scan_result`'s statement for the scan `where` names (by id or nonce); its row taken later.

    `read_after_commit`: inside the write transaction, the row is read once COMMIT has returned.
    """
    return read_after_commit(conn,
        f"""SELECT s.id, s.at, s.device, s.list, s.direction, s.raw_code, s.accepted, s.reason,
                   p.first_entry_at, p.first_entry_device,
                   (SELECT value FROM tallies WHERE key = 'arrived:venue'),
                   (SELECT value FROM tallies WHERE key = 'expected'),
                   (SELECT group_concat(session_id, ' ') FROM (
                        SELECT g.session_id FROM signups g
                        WHERE g.attendee_id = s.attendee_id AND g.status = 'confirmed'
                        ORDER BY (SELECT x.starts_at FROM sessions x WHERE x.id = g.session_id), g.id) AS confirmed),
                   u.at, u.direction,
                   {', '.join('a.' + c for c in PERSON_COLUMNS.split(', '))}
            FROM scans s
            LEFT JOIN attendees a ON a.id = s.attendee_id
            LEFT JOIN presence p ON p.attendee_id = s.attendee_id AND p.list = s.list
            LEFT JOIN scans u ON u.id = s.annuls
            WHERE {where}""",
        (key,),
    )


def result_of(cursor: Cursor) -> ScanResult:
    """The ScanResult of `read_result`'s row."""
    scan_id, *row = cursor.fetchone()
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
