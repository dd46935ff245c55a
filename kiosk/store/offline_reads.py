"""What a desk or door reads from its local copy while offline: whose code, name search, counts, its last scans.

While the server is away the desk's own reads (kiosk/ui/offline_desk.py) go to the device's local
file (kiosk.store.offline_copy) instead: whose code a scan is (`copy_person`; whether the copy has
been filled at all, `copy_refreshed`), a name search over the copy's folded words (`celik`
finds Çelik, as on the server: kiosk.store.attendees.query_words, each a prefix of a word), the
arrivals and expected as the copy counts them (`copy_counts`: this desk's offline scans included), the first
arrivals of the last ten minutes, and this desk's last scans with those still in the queue
marked as waiting (`RecentScan.waiting`). Before the copy's first whole refresh (a desk whose
server went before it) it knows no figures: the side panel's are None, never a made-up 0 / 0.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

from kiosk.domain.codes import normalise_code
from kiosk.domain.outcomes import Person, Reason
from kiosk.domain.scan_rules import VENUE, is_accepted
from kiosk.domain.views import RecentScan, SearchHit
from kiosk.store.attendees import query_words
from kiosk.store.offline_copy import local_state
from kiosk.store.scans import stamp


def copy_search(local: sqlite3.Connection, text: str, limit: int = 20) -> list[SearchHit]:
    """The copy's attendees with a word starting with each typed word (folded), by name; whether they arrived."""
    typed = query_words(text)
    if not typed:
        return []
    # The words are letters and digits only (query_words): nothing LIKE would read as a wildcard.
    where = " AND ".join("(' ' || a.words) LIKE ?" for _ in typed)
    rows = local.execute(
        f"""SELECT a.id, a.code, a.name, a.organisation, a.city, a.status, p.inside, p.first_entry_at
            FROM copy_attendees a LEFT JOIN copy_presence p ON p.attendee_id = a.id AND p.list = ?
            WHERE {where} ORDER BY a.name, a.id LIMIT ?""",
        (VENUE, *(f"% {word}%" for word in typed), limit),
    ).fetchall()
    return [SearchHit(Person(id=r[0], code=r[1], name=r[2], organisation=r[3], city=r[4], status=r[5]),
                      bool(r[6]), r[7]) for r in rows]


def copy_person(local: sqlite3.Connection, raw: str) -> Person | None:
    """The attendee whose code this is, as the copy knows them (case-insensitive, spaces ignored)."""
    row = local.execute(
        "SELECT id, code, name, organisation, city, status FROM copy_attendees WHERE code = ?", (normalise_code(raw),)
    ).fetchone()
    if row is None:
        return None
    return Person(id=row[0], code=row[1], name=row[2], organisation=row[3], city=row[4], status=row[5])


def copy_is_empty(local: sqlite3.Connection) -> bool:
    """True before the first refresh: an offline answer then knows no one."""
    return local.execute("SELECT 1 FROM copy_attendees LIMIT 1").fetchone() is None


def copy_refreshed(local: sqlite3.Connection) -> bool:
    """True once a refresh has read the server's roster into the copy (an offline walk-in of this desk's does not count).

    Before that an offline answer knows no one: every code is one the copy does not hold yet.
    """
    if local.execute("SELECT 1 FROM copy_attendees WHERE id > 0 LIMIT 1").fetchone() is not None:
        return True
    return bool(local_state(local, "lists"))  # refreshed from a server that holds nobody yet


def copy_counts(local: sqlite3.Connection) -> tuple[int, int]:
    """(arrived, expected) at the venue as this copy knows them, this device's offline scans included."""
    arrived = local.execute(
        "SELECT COUNT(*) FROM copy_presence WHERE list = ? AND first_entry_at IS NOT NULL", (VENUE,)
    ).fetchone()[0]
    expected = local.execute("SELECT COUNT(*) FROM copy_attendees WHERE status = 'registered'").fetchone()[0]
    return int(arrived), int(expected)


def copy_arrivals_since(local: sqlite3.Connection, since: dt.datetime) -> int:
    """First arrivals at the venue at or after `since`, as the copy knows them (kiosk.store.scan_log.arrivals_since)."""
    return int(local.execute("SELECT COUNT(*) FROM copy_presence WHERE list = ? AND first_entry_at >= ?",
                             (VENUE, stamp(since))).fetchone()[0])


def queued_scans(local: sqlite3.Connection, device: str, list_: str = VENUE,
                 limit: int = 10) -> list[tuple[RecentScan, int | None]]:
    """This device's scans in the queue, newest first, as "last scans" rows, each with its id on the server.

    The row's id is the queue's, negated (as the offline answer's scan_id); `waiting`: not on the
    server yet (id None). An uploaded one shows what the server logged it as.
    """
    rows = local.execute(
        """SELECT q.id, q.at, q.device, q.list, q.direction, coalesce(q.uploaded_reason, q.reason), q.raw_code,
                  a.name, a.code, a.organisation, a.city, q.uploaded_at IS NULL, q.scan_id
           FROM queue q LEFT JOIN copy_attendees a ON a.id = q.attendee_id
           WHERE q.device = ? AND q.list = ? ORDER BY q.id DESC LIMIT ?""",
        (device, list_, limit),
    ).fetchall()
    known = {reason.value for reason in Reason}
    return [(RecentScan(-id_, at, dev, list_id, direction, reason in known and is_accepted(Reason(reason)), reason,
                        None, raw, name, code, org, city, waiting=bool(waiting)), scan_id)
            for id_, at, dev, list_id, direction, reason, raw, name, code, org, city, waiting, scan_id in rows]


# What a desk's side panel shows offline: arrived, expected, first arrivals in the last ten minutes
# (each None while the copy has never been filled), and its last scans.
PanelFigures = tuple[int | None, int | None, int | None, list[RecentScan]]


def side_panel(local: sqlite3.Connection, device: str, now: dt.datetime, shown: Sequence[RecentScan] = (),
               limit: int = 10) -> PanelFigures:
    """(arrived, expected, first arrivals in the last ten minutes, last scans) for a desk that is offline.

    The three figures are None before the copy's first whole refresh (`lists` is recorded at its
    end, kiosk.store.offline_copy.refresh): a copy still empty, or half read, counts nobody right.
    `shown`: the last scans read from the server before it went away; this desk's scans still
    waiting go on top, newest first, then the rest by their time (one uploaded meanwhile is not
    listed twice).
    """
    arrived: int | None
    expected: int | None
    recent_ten: int | None
    if local_state(local, "lists"):
        arrived, expected = copy_counts(local)
        recent_ten = copy_arrivals_since(local, now - dt.timedelta(minutes=10))
    else:
        arrived = expected = recent_ten = None
    on_server = {row.id for row in shown if row.id > 0}
    queued = queued_scans(local, device, VENUE, limit)
    # The waiting ones are this desk's newest, in the order it made them; the rest by their time.
    waiting = [row for row, _ in queued if row.waiting]
    rest = [row for row, scan_id in queued if not row.waiting and scan_id not in on_server]
    rest += [row for row in shown if row.id > 0]
    rest.sort(key=lambda row: _moment(row.at), reverse=True)
    return arrived, expected, recent_ten, (waiting + rest)[:limit]


def _moment(stamp_text: str) -> dt.datetime:
    """A logged time, for ordering (a text that does not parse sorts last)."""
    try:
        moment = dt.datetime.fromisoformat(stamp_text)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
