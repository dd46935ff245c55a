"""The rehearsal clocks a database shares: `meta` rows `rehearsal:<KIOSK_NOW moment>` = real start.

A process started with a running KIOSK_NOW (not frozen) asks `shared_rehearsal` which clock to
run: the stored one of its value while that rehearsal's day lasts, else a new one that begins now
and is stored for the processes after it. Joining reads only; beginning writes in
`BEGIN IMMEDIATE` and reads again inside the lock, so two processes started at once share one.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from kiosk.clock import Rehearsal, choose_rehearsal
from kiosk.store.db import Database, immediate

PREFIX = "rehearsal:"


def stored_rehearsals(conn: Database, tz: ZoneInfo) -> list[Rehearsal]:
    """Every rehearsal clock the database holds, oldest begun first (rows it cannot read are skipped)."""
    return sorted(_read(conn, tz).values(), key=lambda r: r.began)


def shared_rehearsal(
    conn: Database, start: dt.datetime, *, real: dt.datetime | None = None
) -> tuple[Rehearsal, bool, list[Rehearsal]]:
    """The rehearsal clock for KIOSK_NOW=`start`: (it, whether it began now, what was stored before).

    Beginning one also drops the rows of rehearsals whose day is over, so `meta` holds only
    clocks that may still be continued.
    """
    real = real or dt.datetime.now(dt.UTC)
    tz = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else ZoneInfo("UTC")
    stored = stored_rehearsals(conn, tz)
    if (chosen := choose_rehearsal(stored, start, real)) is not None:
        return chosen, False, stored
    with immediate(conn) as locked:
        rows = _read(locked, tz)
        stored = sorted(rows.values(), key=lambda r: r.began)
        if (chosen := choose_rehearsal(stored, start, real)) is not None:
            return chosen, False, stored  # another process began it a moment ago
        chosen = Rehearsal(start, real)
        over = [(key,) for key, rehearsal in rows.items() if rehearsal.is_over(real) or rehearsal.start == start]
        locked.executemany("DELETE FROM meta WHERE key = ?", over)
        locked.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (PREFIX + start.isoformat(), real.isoformat()))
    return chosen, True, stored


def _read(conn: Database, tz: ZoneInfo) -> dict[str, Rehearsal]:
    """The readable `rehearsal:` rows of `meta` by key."""
    found: dict[str, Rehearsal] = {}
    for key, value in conn.execute("SELECT key, value FROM meta WHERE key LIKE 'rehearsal:%'"):
        try:
            start = dt.datetime.fromisoformat(key.removeprefix(PREFIX))
            began = dt.datetime.fromisoformat(value or "")
        except ValueError:
            continue  # hand-edited in Datasette, say: a bad row must not stop a desk from starting
        if start.tzinfo is not None and began.tzinfo is not None:
            found[key] = Rehearsal(start.astimezone(tz), began.astimezone(dt.UTC))
    return found
