"""SQLite checkpoints off the scan's commit (kiosk/store/checkpoints.py): what the database file holds.

A process that holds the file (the app's writer threads) has a thread copy the WAL back into the
database file in a quiet moment; its commits no longer do it. Each test looks at the database
file on its own (a copy of it without its -wal, opened read-only): what it holds is what was
checkpointed. The thresholds are made small here, so that a few hundred scans cross them.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.domain.roster import RosterRow
from kiosk.store import checkpoints, connect
from kiosk.store.attendees import upsert_attendees
from kiosk.store.scans import record_scan
from tests.support.event import ROOT, at
from tests.support.pilot import settle

FRAME_BYTES = 4096 + 24  # a page and its frame header in the WAL


@pytest.fixture
def quick(monkeypatch):
    """Checkpoint thresholds a test reaches in a few hundred scans, and a thread that looks often."""
    for name, value in (("THRESHOLD_FRAMES", 40), ("HARD_FRAMES", 150), ("QUIET_SECONDS", 0.05),
                        ("IDLE_SECONDS", 0.3), ("POLL_SECONDS", 0.01), ("RETRY_SECONDS", 0.05)):
        monkeypatch.setattr(checkpoints, name, value)


def roster(db, count: int) -> list[str]:
    """`count` people with codes P0000..; their codes."""
    codes = [f"P{i:04d}" for i in range(count)]
    upsert_attendees(db, [RosterRow(f"Person {i}", code=code) for i, code in enumerate(codes)], at("08:00").isoformat())
    return codes


def file_alone(db_path: Path, tmp_path: Path, sql: str) -> object:
    """`sql`'s answer from the database file itself: a copy without its WAL, opened read-only."""
    copy = tmp_path / "file-alone.db"
    shutil.copyfile(db_path, copy)
    with sqlite3.connect(f"file:{copy}?immutable=1", uri=True) as conn:
        return conn.execute(sql).fetchone()[0]


def pending(db_path: Path) -> int:
    """WAL frames not yet copied into the database file (-1 while the WAL index cannot be read)."""
    state = checkpoints.wal_state(db_path)
    return state.pending if state else -1


def wait_until(condition, what: str, guard: float = 30.0) -> None:
    """Wait until `condition()` holds; only a hang reaches `guard`."""
    deadline = time.monotonic() + guard
    while not condition():
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.02)


def scans_in_file(db_path: Path, tmp_path: Path) -> int:
    return file_alone(db_path, tmp_path, "SELECT count(*) FROM scans WHERE reason = 'ok'")  # type: ignore[return-value]


def test_after_a_burst_the_database_file_holds_every_scan_and_the_wal_stayed_small(db_path, db, quick, tmp_path):
    codes = roster(db, 600)
    held = checkpoints.hold(db)
    assert held is not None
    biggest = 0
    try:
        # A scanner's pace with never a quarter second's pause: the copies must keep up meanwhile.
        for code in codes:
            assert record_scan(db, code, now=at("09:30"), device="desk-1").accepted
            biggest = max(biggest, os.path.getsize(f"{db_path}-wal"))
            time.sleep(0.001)
        wait_until(lambda: pending(db_path) == 0, "the WAL copied back")
        assert scans_in_file(db_path, tmp_path) == 600
    finally:
        held.release()
    # SQLite left alone would have kept every one of these scans in a WAL of thousands of frames.
    assert biggest <= 8 * checkpoints.HARD_FRAMES * FRAME_BYTES, f"the WAL grew to {biggest // FRAME_BYTES} frames"
    # The thread ends with the last hold: a long day of screens coming and going leaves none behind.
    wait_until(lambda: not [t for t in threading.enumerate() if t.name == "kiosk-checkpoints"], "the thread to end")
    assert checkpoints.checkpointer(db_path) is None
    assert connect(db_path).execute("SELECT count(*) FROM scans").fetchone()[0] == 600


def test_a_reader_keeps_its_snapshot_and_the_scans_go_on_until_it_is_done(db_path, db, quick, tmp_path):
    codes = roster(db, 300)
    # The dashboard's look at the day, started before the scans (a read transaction kept open).
    reader = connect(db_path)
    reader.execute("BEGIN")
    assert reader.execute("SELECT count(*) FROM scans").fetchone()[0] == 0
    held = checkpoints.hold(db)
    try:
        for code in codes:
            assert record_scan(db, code, now=at("09:30"), device="desk-1").accepted
        worker = checkpoints.checkpointer(db_path)
        assert worker is not None
        wait_until(lambda: worker.counts.passive > 0, "a checkpoint tried")
        # The checkpoint could not copy what the reader may still need, and waited for no one:
        assert reader.execute("SELECT count(*) FROM scans").fetchone()[0] == 0
        assert pending(db_path) > 0
        reader.execute("COMMIT")
        wait_until(lambda: pending(db_path) == 0, "the WAL copied back once the reader is done")
        assert scans_in_file(db_path, tmp_path) == 300
        assert reader.execute("SELECT count(*) FROM scans").fetchone()[0] == 300
    finally:
        held.release()
        reader.close()


CHILD = """
import sys, time
from kiosk.clock import Clock
from kiosk.store import checkpoints, connect
from kiosk.store.scans import record_scan
# This process holds the file but never gets round to a checkpoint before it is killed.
checkpoints.THRESHOLD_FRAMES = checkpoints.HARD_FRAMES = 10**9
checkpoints.IDLE_SECONDS = 10.0**9
db = connect(sys.argv[1])
checkpoints.hold(db)
now = Clock.fixed(sys.argv[2]).now()
for code in sys.argv[3:]:
    record_scan(db, code, now=now, device="desk-killed")
print("DONE", flush=True)
time.sleep(120)
"""


def test_a_desk_killed_with_its_wal_unchecked_leaves_a_file_the_next_one_opens_and_checkpoints(db_path, db, quick,
                                                                                                tmp_path):
    codes = roster(db, 120)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # the roster in the file; the killed desk's scans only in its WAL
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(db_path), at("09:30").isoformat(), *codes],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "DONE", child.stderr.read() if child.stderr else ""
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    # Every scan is in the WAL the killed desk left, none in the database file yet.
    assert scans_in_file(db_path, tmp_path) == 0
    # The next desk opens it (the test's own connection stays open, so closing it checkpoints nothing).
    nxt = connect(db_path)
    held = checkpoints.hold(nxt)
    assert held is not None
    try:
        wait_until(lambda: pending(db_path) == 0, "the next desk to copy the WAL back")
        assert scans_in_file(db_path, tmp_path) == 120
        assert nxt.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert nxt.execute("SELECT count(*) FROM scans WHERE device = 'desk-killed' AND reason = 'ok'").fetchone()[0] == 120
    finally:
        held.release()
        nxt.close()


@pytest.fixture
def desk(make_app, db):
    """The desk at 11:45, on a database of 30 people."""
    roster(db, 30)
    return make_app("desk")


async def test_the_desk_checkpoints_beside_its_scans(desk, db_path, quick, tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoints, "THRESHOLD_FRAMES", 1)
    async with desk.run_test(size=(80, 24)) as pilot:
        for code in ("P0001", "P0002", "P0003"):
            await pilot.press(*code, "enter")
            await settle(desk, pilot)
        assert "Person 3" in desk.screen.query_one("ScanAnswer").text
        deadline = time.monotonic() + 30
        while pending(db_path) != 0 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        # The desk's own thread copied its scans into the file while the desk stays open.
        assert scans_in_file(db_path, tmp_path) == 3


def test_without_a_hold_sqlite_still_checkpoints_at_a_scans_commit(db_path, db, tmp_path):
    # A process with no checkpoint thread (the CLI, a script on the store) relies on SQLite's own
    # checkpoint at COMMIT; the check-in's answer, read after COMMIT, must not leave a statement
    # open across it, or SQLite skips that checkpoint and the WAL grows with every scan.
    codes = roster(db, 300)
    db.execute("PRAGMA wal_autocheckpoint = 50")
    biggest = 0
    for code in codes:
        assert record_scan(db, code, now=at("09:30"), device="desk-1").person is not None
        biggest = max(biggest, os.path.getsize(f"{db_path}-wal"))
    assert biggest <= 4 * 50 * FRAME_BYTES, f"the WAL grew to {biggest // FRAME_BYTES} frames"
    assert scans_in_file(db_path, tmp_path) >= 250
