"""Faults made for real in tests: a full disk, a damaged file, and a count of what was written.

Used by tests/test_faults.py (store and command line), tests/test_faults_desk.py (the desk) and
tests/test_desk_speed.py (a damaged page found after start).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kiosk.store import StoreError
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.scans import record_scan
from tests.support.event import at

# SQLite's largest max_page_count: no limit.
NO_LIMIT = 1_073_741_823
FILLERS = 400


def fillers(db, count: int = FILLERS) -> None:
    """People to check in until the disk is full."""
    upsert_attendees(db, [RosterRow(f"Vul Persoon {i}", code=f"F{i:04}") for i in range(count)], at("09:00").isoformat())


def logged(db_path: Path, code: str) -> int:
    """How many scans of `code` the file holds (read on a fresh connection)."""
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT COUNT(*) FROM scans WHERE raw_code = ?", (code,)).fetchone()[0]
    finally:
        conn.close()


def fill_until_full(db, limit: int) -> str:
    """Check fillers in on a connection held at `limit` pages until one fails; returns that code."""
    db.execute(f"PRAGMA max_page_count = {limit}")
    try:
        for i in range(FILLERS):
            code = f"F{i:04}"
            try:
                record_scan(db, code, now=at("10:00"), device="filler")
            except StoreError as error:
                assert error.kind == "full", error
                return code
    finally:
        db.execute(f"PRAGMA max_page_count = {NO_LIMIT}")
    raise AssertionError("the disk never filled up")


def damage_header(path: Path) -> bytes:
    """Checkpoint, keep the file's bytes, write garbage over its header; returns the good bytes."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    good = path.read_bytes()
    with open(path, "r+b") as handle:
        handle.write(b"this is not a database at all!!" * 4)
    return good


def damage_page(path: Path, page: int) -> None:
    """Garbage over one page (1-based) after a checkpoint."""
    conn = sqlite3.connect(path)
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with open(path, "r+b") as handle:
        handle.seek(size * (page - 1) + 8)
        handle.write(b"\xa5" * (size - 16))
