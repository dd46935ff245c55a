"""LISTEN/NOTIFY on PostgreSQL: another process's commit reaches a watcher without polling tables.

The watcher (kiosk/store/pg_watch.py) listens on its own connection; a check-in committed by
another process calls its `on_change` and makes `changed()` true once; a commit of this process's
own only makes `changed()` true (the screens' poll); a write rolled back sends nothing; the
SQLite watcher still works from the same factory.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.db import immediate
from kiosk.store.scans import record_scan
from kiosk.store.watch import ChangeWatcher, watch_changes
from tests.support.event import ROOT, at

BOTH_BACKENDS = True

CHECK_IN = textwrap.dedent(
    """
    import sys
    from kiosk.store import connect
    from kiosk.store.scans import record_scan
    from tests.support.event import at
    db = connect(sys.argv[1])
    print(record_scan(db, sys.argv[2], now=at("09:41"), device="desk-2").reason.value)
    """
)


def _listening(watcher, timeout=10.0) -> None:
    """Wait until a PostgreSQL watcher's LISTEN is in place (SQLite's is at once)."""
    listening = getattr(watcher, "listening", None)
    if listening is not None:
        assert listening.wait(timeout), "the watcher never connected"


def _becomes_changed(watcher, timeout=10.0) -> bool:
    """Whether `changed()` turns true within `timeout` (a notification's way across is not instant)."""
    stop = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if watcher.changed():
            return True
        stop.wait(0.05)
    return False


def test_another_process_check_in_is_heard(db, target):
    upsert_attendees(db, [RosterRow("Ayşe [b]Çelik[/b]", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1")], at("08:00").isoformat())
    heard = threading.Event()
    watcher = watch_changes(target, heard.set)
    try:
        _listening(watcher)
        assert not watcher.changed()
        done = subprocess.run([sys.executable, "-c", CHECK_IN, str(target), "celik1"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == "ok", done.stderr
        if isinstance(watcher, ChangeWatcher):
            assert watcher.changed()  # SQLite: the screen's timer asks
        else:
            assert heard.wait(10), "no notification reached the watcher"
            assert watcher.changed()
        assert not watcher.changed()  # once per change
    finally:
        watcher.close()


def test_a_rolled_back_write_is_not_heard(db, target):
    upsert_attendees(db, [RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3")],
                     at("08:00").isoformat())
    watcher = watch_changes(target)
    try:
        _listening(watcher)
        try:
            with immediate(db) as conn:
                conn.execute("UPDATE attendees SET city = 'Ergens' WHERE code = 'SOREN3'")
                raise RuntimeError("changed my mind")
        except RuntimeError:
            pass
        threading.Event().wait(1.0)  # a notification of the rolled-back write would be here by now
        assert not watcher.changed()
        record_scan(db, "nobody-knows-this", now=at("09:00"), device="desk-1")  # a committed write (a refused scan)
        assert _becomes_changed(watcher)
        assert db.execute("SELECT city FROM attendees WHERE code = 'SOREN3'").fetchone()[0] == "Haarlem"
    finally:
        watcher.close()


def test_this_process_own_commit_is_left_for_the_poll_and_another_process_commit_calls_at_once(pg_url):
    # The desk's own check-in (its writer thread) must not make its side panel re-read in the frame
    # that shows the answer: its screens see it at their next poll, as on SQLite. Another
    # machine's check-in still calls the screen at once.
    db = open_store(pg_url)
    upsert_attendees(db, [RosterRow("Ayşe [b]Çelik[/b]", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1"),
                          RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3")],
                     at("08:00").isoformat())
    calls: list[int] = []
    heard = threading.Event()
    watcher = watch_changes(pg_url, lambda: (calls.append(1), heard.set()))
    try:
        _listening(watcher)
        assert record_scan(db, "celik1", now=at("09:40"), device="desk-1").reason.value == "ok"
        assert _becomes_changed(watcher)  # the screen's poll sees this process's commit
        assert calls == []  # ... and the screen was not called for it
        done = subprocess.run([sys.executable, "-c", CHECK_IN, pg_url, "soren3"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        assert done.stdout.strip() == "ok", done.stderr
        assert heard.wait(10), "another process's check-in did not call the screen"
        assert watcher.changed()
    finally:
        watcher.close()
        db.close()
