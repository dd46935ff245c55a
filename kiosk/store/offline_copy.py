"""A desk's or door's own copy of what it needs to answer a scan while the server is gone.

At a venue of several machines every device runs against one PostgreSQL server; when the network
or the server drops, the desk answers from this copy (kiosk/ui/offline_desk.py) and keeps each
scan in a queue beside it (kiosk.store.offline_queue), in the same small SQLite file: the device's
own, readable by its owner only (0600), in the folder the kiosk keeps its data in
(kiosk.store.offline_files: `local_path`), and removed by `kiosk purge` with the rest (`purge_local`).

It holds the attendees (code, name, organisation, city, status, and their folded words for a
name search; no e-mail) and who has arrived: the venue's presence, and for a door that session's
too, with the session's capacity, whether it is chosen at the kiosk, and its sign-ups (attendee,
confirmed or waitlisted, in the server's order: the door's "not signed up" and waitlist place
offline, kiosk.store.offline_door). One file per device and database (`local_path`): a copy, and
above all a queue, of one database is never read or uploaded against another. `refresh` brings it up to date from the
server's changes since the last look, not a full reload each time:

- attendees, and a door's session's sign-ups, by id (every new row has a higher id: ids are
  given out under the one write lock, in commit order) and by `updated_at` (an import or a
  correction; a sign-up cancelled or promoted), read again from a little before the newest change
  seen, since a change's time is taken before its commit (`_catch_up`), until that change has
  stood still for as long (`_settle`): changes newer than any seen at every refresh, the window
  before them again every REREAD_SECONDS only, compared with the copy a page at a time;
- presence for the people of the scans with an id above the last one seen.

A refresh is background work beside a person scanning: `pause` (the desk's switch gives its own,
kiosk.store.offline_switch) is called before each page read from the server and each local
write, so that none of it runs while a scan is being answered.

The file's schema is its own (kiosk/store/offline_schema.py), not the server's: a file of an
older version is brought up to date when it is opened, and what it did not hold yet is read at
the next refresh (until then a door claims nothing about sign-ups).

The copy is a cache: it may lag the server by a refresh. An answer from it says what this
device knows ("already here" as far as this desk can tell); the server judges each queued scan
again when it is uploaded (kiosk.domain.scan_rules.uploaded_outcome).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.domain.codes import normalise_code
from kiosk.domain.scan_rules import VENUE
from kiosk.store.db import Database, connect_sqlite
from kiosk.store.offline_schema import LOCAL_SCHEMA as LOCAL_SCHEMA  # the file's schema, imported from here too
from kiosk.store.offline_schema import LOCAL_V2 as LOCAL_V2
from kiosk.store.offline_schema import LOCAL_VERSION, migrate_local
from kiosk.store.schema import search_text

# Rows read from the server per statement while catching up (the first look reads every attendee):
# a page is one piece of background work between two of the desk's scans (`pause`), ~0.1 ms a row.
BATCH = 1000
# How far back of the newest change seen a refresh reads attendees again (see the module's docstring),
# until that change has stood still this long (`_settle`, on `wall_clock`: this device's seconds).
LOOKBACK = dt.timedelta(minutes=2)
# How often that window, before the newest change seen, is read again while it has not settled:
# it catches a commit that landed late with an older stamp, not a change after every other one
# (those are read at every refresh). Every 2 s it was the whole roster each refresh for the two
# minutes after an import or a desk's first copy: 1.6 s of the desk's CPU each (100,000 rows),
# beside its scans.
REREAD_SECONDS = 10.0
wall_clock = time.time


def _no_pause() -> None:
    """No one to wait for (a refresh outside a desk: tests, tools)."""


def open_local(path: Path, source: str = "") -> sqlite3.Connection:
    """Open (and on first use create, 0600) the device's local file, with `synchronous=FULL`.

    The kiosk's storage rules hold here too (kiosk.store.db.connect_sqlite): a queued scan is on
    disk before its answer is shown. `source`: the database this file is for, recorded at once
    when the file names none yet, so `kiosk purge` knows it before its first refresh.
    """
    conn = connect_sqlite(path)
    os.chmod(path, 0o600)  # created 0600 by connect_sqlite; narrowed again if someone widened it
    if int(conn.execute("PRAGMA user_version").fetchone()[0]) < LOCAL_VERSION or (
            source and not local_state(conn, "source")):
        with _local_write(conn):
            migrate_local(conn)
            if source and not local_state(conn, "source"):
                set_local_state(conn, "source", source)
    return conn


def local_state(local: sqlite3.Connection, key: str, default: str = "") -> str:
    """One value the local file keeps about itself (where the copy stands, the walk-in number)."""
    row = local.execute("SELECT value FROM copy_state WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def set_local_state(local: sqlite3.Connection, key: str, value: object) -> None:
    """Keep one value about the local file (inside a local transaction)."""
    local.execute("INSERT INTO copy_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                  (key, str(value)))


@dataclass
class Refreshed:
    """What one refresh brought: attendees and sign-ups added or changed, presence rows read, the newest scan seen."""

    attendees: int = 0
    presence: int = 0
    scan_id: int = 0
    signups: int = 0


def refresh(db: Database, local: sqlite3.Connection, lists: Sequence[str] = (VENUE,), source: str = "",
            pause: Callable[[], object] = _no_pause) -> Refreshed:
    """Bring the local copy up to date with the server's changes since the last refresh.

    `lists`: the presence to keep (the venue; a door adds its session). `source` names the server's
    database (a URL without its password): a copy made from another one is started again.
    Reads on `db` (no write lock), writes the local file in one transaction per batch.
    `pause()` is called before each page read and each local write (it may wait: see the module).
    """
    if source and local_state(local, "source") not in ("", source):
        with _local_write(local):
            local.execute("DELETE FROM copy_attendees")
            local.execute("DELETE FROM copy_presence")
            local.execute("DELETE FROM copy_signups")
            local.execute("DELETE FROM copy_state WHERE key != 'walk_in_number'")  # codes handed out stay handed out
    done = Refreshed()
    done.attendees = _catch_up(db, local, ATTENDEES, pause)
    done.presence, done.scan_id = _refresh_presence(db, local, tuple(lists), pause)
    rooms = [list_ for list_ in lists if list_ != VENUE]
    for list_ in rooms:  # a door's room: who signed up for it
        done.signups += _catch_up(db, local, signups_of(list_), pause)
    pause()
    facts = [(list_, db.execute("SELECT capacity, signup FROM sessions WHERE id = ?", (list_,)).fetchone())
             for list_ in rooms]
    with _local_write(local):
        set_local_state(local, "source", source)
        set_local_state(local, "lists", " ".join(lists))
        for list_, row in facts:  # its capacity, for the count it shows offline; whether its seats are chosen
            set_local_state(local, f"capacity:{list_}", "" if row is None or row[0] is None else row[0])
            set_local_state(local, f"signup:{list_}", int(bool(row and row[1])))
        # An offline walk-in's stand-in (a negative id) made way for the server's row of the same code.
        local.execute("""DELETE FROM copy_presence WHERE attendee_id < 0
                         AND attendee_id NOT IN (SELECT id FROM copy_attendees)""")
    return done


class _local_write:
    """BEGIN IMMEDIATE ... COMMIT on the local file (ROLLBACK on failure)."""

    def __init__(self, local: sqlite3.Connection) -> None:
        self.local = local

    def __enter__(self) -> sqlite3.Connection:
        self.local.execute("BEGIN IMMEDIATE")
        return self.local

    def __exit__(self, kind: object, *_: object) -> None:
        self.local.execute("COMMIT" if kind is None else "ROLLBACK")


def local_write(local: sqlite3.Connection) -> _local_write:
    """One transaction on the local file, taken up front (for kiosk.store.offline_queue too)."""
    return _local_write(local)


def _put_attendees(local: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    # OR REPLACE: the row of the same id, and a walk-in's placeholder of the same code, make way.
    local.executemany(
        """INSERT OR REPLACE INTO copy_attendees (id, code, name, organisation, city, status, updated_at, words)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [(row[0], normalise_code(str(row[1])), *row[2:], search_text(str(row[2]), str(row[3]), str(row[4])))
         for row in rows],
    )


def _put_signups(local: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    local.executemany("""INSERT OR REPLACE INTO copy_signups (id, attendee_id, session_id, status, updated_at)
                         VALUES (?, ?, ?, ?, ?)""", [tuple(row) for row in rows])


@dataclass(frozen=True)
class Feed:
    """One server table the copy follows by id and by time of change (its columns: id first, updated_at last).

    `where`: which of the server's rows (with `args`); `key`: the copy_state names of the last id and
    of the newest change seen; `mine`: the copy's own rows of the ids in a JSON list (`?`), id first,
    then as the server's columns after it.
    """

    table: str
    columns: str
    put: Callable[[sqlite3.Connection, list[tuple[object, ...]]], None]
    key: tuple[str, str]
    mine: str
    where: str = "1 = 1"
    args: tuple[object, ...] = ()


ATTENDEES = Feed("attendees", "id, code, name, organisation, city, status, updated_at", _put_attendees,
                 ("attendee_id", "attendee_at"),
                 "SELECT id, code, name, organisation, city, status, updated_at FROM copy_attendees "
                 "WHERE id IN (SELECT value FROM json_each(?))")


def signups_of(session_id: str) -> Feed:
    """The sign-ups of one session (a door's), of every status: a cancellation is a change like any other."""
    return Feed("signups", "id, attendee_id, session_id, status, updated_at", _put_signups,
                (f"signup_id:{session_id}", f"signup_at:{session_id}"),
                "SELECT id, attendee_id, session_id, status, updated_at FROM copy_signups "
                "WHERE id IN (SELECT value FROM json_each(?))",
                "session_id = ?", (session_id,))


def _catch_up(db: Database, local: sqlite3.Connection, feed: Feed, pause: Callable[[], object] = _no_pause) -> int:
    """Read the rows of `feed` added or changed since the last look into the copy; how many were new to it."""
    id_key, at_key = feed.key
    changed = 0
    last_id = int(local_state(local, id_key, "0"))
    seen_before = local_state(local, at_key)  # the newest change the last refresh saw
    while True:  # new rows, by id
        pause()
        rows = db.execute(f"SELECT {feed.columns} FROM {feed.table} WHERE {feed.where} AND id > ? ORDER BY id LIMIT ?",
                          (*feed.args, last_id, BATCH)).fetchall()
        if not rows:
            break
        with _local_write(local):
            feed.put(local, rows)
            last_id = int(rows[-1][0])
            set_local_state(local, id_key, last_id)
            _seen_at(local, at_key, rows)
        changed += len(rows)
    seen_at = local_state(local, at_key)
    if seen_at:
        since, after_id = _before(seen_at, LOOKBACK), 0
        reread = f"{at_key}:reread"
        if (settled := local_state(local, f"{at_key}:settled")) >= since:
            since, after_id = settled, last_id  # only the changes stamped after the settled window
        elif seen_before and wall_clock() - float(local_state(local, reread, "0")) < REREAD_SECONDS:
            since, after_id = seen_before, last_id  # the window was read a moment ago: what is newer only
        else:
            with _local_write(local):
                set_local_state(local, reread, wall_clock())
        while True:  # changed rows, by their time of change (and id, to page through equal times)
            pause()
            rows = db.execute(
                f"""SELECT {feed.columns} FROM {feed.table} WHERE {feed.where} AND updated_at >= ? AND id <= ? AND
                        (updated_at > ? OR id > ?) ORDER BY updated_at, id LIMIT ?""",
                (*feed.args, since, last_id, since, after_id, BATCH),
            ).fetchall()
            fresh = _differing(local, feed, rows)
            if fresh:
                pause()
                with _local_write(local):
                    feed.put(local, fresh)
                    _seen_at(local, at_key, fresh)
                changed += len(fresh)
            if len(rows) < BATCH:
                break
            since, after_id = str(rows[-1][-1]), int(rows[-1][0])
        _settle(local, at_key)
    return changed


def _settle(local: sqlite3.Connection, at_key: str) -> None:
    """The newest change seen is settled once it has stood still for LOOKBACK of this device's time.

    Till then each refresh reads the changes stamped up to LOOKBACK before it again (a commit may
    land after a later change's stamp was taken); after, no write can still be on its way with such
    a stamp, and those rows are not read again (an import's 100,000 rows share one stamp).
    """
    newest, (still, _, since) = local_state(local, at_key), local_state(local, f"{at_key}:still").partition(" ")
    if still != newest:
        with _local_write(local):
            set_local_state(local, f"{at_key}:still", f"{newest} {wall_clock()}")
    elif local_state(local, f"{at_key}:settled") != newest and wall_clock() - float(since) >= LOOKBACK.total_seconds():
        with _local_write(local):
            set_local_state(local, f"{at_key}:settled", newest)


def _seen_at(local: sqlite3.Connection, at_key: str, rows: list[tuple[object, ...]]) -> None:
    """Keep the newest change time among `rows` (inside a local transaction)."""
    newest = max(str(row[-1]) for row in rows)
    if newest > local_state(local, at_key):
        set_local_state(local, at_key, newest)


def _differing(local: sqlite3.Connection, feed: Feed, rows: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The server's rows that are not what the copy holds (the lookback reads some rows again).

    The copy's rows of the page in one statement: one local look-up a row was two thirds of a
    refresh's CPU when an import's 100,000 rows were read again.
    """
    if not rows:
        return []
    mine = {row[0]: tuple(row[1:]) for row in local.execute(feed.mine, (json.dumps([row[0] for row in rows]),))}
    attendees = feed is ATTENDEES
    return [row for row in rows
            if mine.get(row[0]) != ((normalise_code(str(row[1])), *row[2:]) if attendees else tuple(row[1:]))]


def _before(stamp: str, delta: dt.timedelta) -> str:
    """An ISO time `delta` earlier, in the same form (a stamp that does not parse is used as it is)."""
    try:
        return (dt.datetime.fromisoformat(stamp) - delta).isoformat(timespec="milliseconds")
    except ValueError:
        return stamp


def _refresh_presence(db: Database, local: sqlite3.Connection, lists: tuple[str, ...],
                      pause: Callable[[], object] = _no_pause) -> tuple[int, int]:
    pause()
    last_scan = int(local_state(local, "scan_id", "0"))
    known_lists = local_state(local, "lists")
    top = int(db.execute("SELECT coalesce(max(id), 0) FROM scans").fetchone()[0])
    marks = ", ".join("?" for _ in lists)
    if last_scan == 0 or known_lists != " ".join(lists):
        rows = db.execute(
            f"SELECT attendee_id, list, inside, entries, first_entry_at, first_entry_device, last_change_at FROM presence "
            f"WHERE list IN ({marks})",
            lists,
        ).fetchall()
        with _local_write(local):
            local.execute("DELETE FROM copy_presence")
            _put_presence(local, rows)
            set_local_state(local, "scan_id", top)
        return len(rows), top
    if top <= last_scan:
        return 0, last_scan
    people = [int(row[0]) for row in db.execute(
        "SELECT DISTINCT attendee_id FROM scans WHERE id > ? AND id <= ? AND attendee_id IS NOT NULL",
        (last_scan, top),
    )]
    read = 0
    for start in range(0, len(people), 500):
        pause()
        chunk = people[start:start + 500]
        held = ", ".join("?" for _ in chunk)
        rows = db.execute(
            f"""SELECT attendee_id, list, inside, entries, first_entry_at, first_entry_device, last_change_at
                FROM presence WHERE list IN ({marks}) AND attendee_id IN ({held})""",
            (*lists, *chunk),
        ).fetchall()
        with _local_write(local):
            # An undone only entry leaves no presence row on the server: gone here too.
            local.execute(f"DELETE FROM copy_presence WHERE attendee_id IN ({held})", chunk)
            _put_presence(local, rows)
        read += len(rows)
    pause()
    with _local_write(local):
        set_local_state(local, "scan_id", top)
    return read, top


def _put_presence(local: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    local.executemany(
        """INSERT OR REPLACE INTO copy_presence (attendee_id, list, inside, entries, first_entry_at, first_entry_device,
                                                 since) VALUES (?, ?, ?, ?, ?, ?, ?)""",
        [tuple(row) for row in rows],
    )
