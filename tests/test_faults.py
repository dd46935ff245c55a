"""Faults (issue 7, item 4): read-only, missing folder, full disk, locked too long, damaged file.

Each fault is made for real where the test can do so as root, and simulated where root would
ignore it: tests run as root, for whom `chmod 0444` does not stop a write, and no other user can
run the venv's Python (it lives under /root). A read-only file is therefore simulated with
`PRAGMA query_only = ON` on the connections the code under test opens: SQLite then refuses every
write with SQLITE_READONLY, "attempt to write a readonly database", the very error a read-only
file gives. A full disk is `PRAGMA max_page_count` held at the file's size (SQLITE_FULL, "database
or disk is full"). Locked, missing and damaged are real: another connection holding BEGIN
IMMEDIATE, a folder renamed away, garbage over the file's header.

What must hold each time: the desk says so in words, stays usable, never shows a check-in as done
that was not written (red "NIET OPGESLAGEN", the scan not in the log), and the next scan works once
the fault is gone; the CLI prints one sentence and exits 2.

This file: the sentences, the store and the command line. The desk screen under the same faults
is tests/test_faults_desk.py; the helpers that make the faults are tests/fault_making.py.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import kiosk.store.db as store_db
from kiosk.cli import main
from kiosk.store import StoreError, connect, open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.db import check_integrity, explain
from kiosk.store.scans import record_scan
from kiosk.store.sessions import sync_programme
from kiosk.ui.fault import fault_message
from tests.support.event import at
from tests.support.faults import damage_header, damage_page, fill_until_full, fillers, logged

# ---- the words ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "kind", "words"),
    [
        ("database is locked", "busy", "busy"),
        ("attempt to write a readonly database", "readonly", "read-only"),
        ("database or disk is full", "full", "disk is full"),
        ("unable to open database file", "missing", "cannot be opened"),
        ("database disk image is malformed", "damaged", "damaged"),
        ("file is not a database", "damaged", "damaged"),
        ("disk I/O error", "io", "disk could not be read or written"),
        ("something new", "other", "refused"),
    ],
)
def test_each_sqlite_error_gets_a_sentence_and_a_dutch_one(message, kind, words):
    error = explain(sqlite3.OperationalError(message))
    assert error.kind == kind and words in str(error) and "nothing was saved" in str(error)
    dutch = fault_message(error, "nl")
    assert "niets opgeslagen" in dutch and dutch != fault_message(error, "en")


# ---- the store --------------------------------------------------------------------------------


def count_scans(db) -> int:
    return db.execute("SELECT COUNT(*) FROM scans").fetchone()[0]


def test_store_read_only_refuses_and_writes_nothing(db, people):
    db.execute("PRAGMA query_only = ON")
    with pytest.raises(StoreError) as caught:
        record_scan(db, "ANNA44", now=at("10:00"), device="d")
    db.execute("PRAGMA query_only = OFF")
    assert caught.value.kind == "readonly" and count_scans(db) == 0


def test_store_full_disk_refuses_and_writes_nothing(db, people):
    fillers(db)
    limit = db.execute("PRAGMA page_count").fetchone()[0]
    failed = fill_until_full(db, limit)
    assert logged(Path(db.execute("PRAGMA database_list").fetchone()[2]), failed) == 0
    record_scan(db, failed, now=at("10:01"), device="filler")  # space again: it works


def test_store_locked_too_long_says_busy_and_writes_nothing(db_path, db, people, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 100)
    desk_db = connect(db_path)
    holder = connect(db_path)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError) as caught:
            record_scan(desk_db, "ANNA44", now=at("10:00"), device="d")
    finally:
        holder.execute("ROLLBACK")
    assert caught.value.kind == "busy" and count_scans(db) == 0
    assert record_scan(desk_db, "ANNA44", now=at("10:00"), device="d").accepted


def test_store_file_deleted_under_an_open_connection_refuses(tmp_path, programme):
    folder = tmp_path / "event"
    folder.mkdir()
    db = open_store(folder / "kiosk.db")
    sync_programme(db, programme)
    upsert_attendees(db, [RosterRow("Anna", code="ANNA44")], at("09:00").isoformat())
    folder.rename(tmp_path / "elsewhere")
    with pytest.raises(StoreError) as caught:
        record_scan(db, "ANNA44", now=at("10:00"), device="d")
    assert caught.value.kind == "missing" and "gone" in str(caught.value)
    (tmp_path / "elsewhere").rename(folder)
    assert record_scan(db, "ANNA44", now=at("10:00"), device="d").accepted


def test_store_missing_folder_is_not_created(tmp_path):
    with pytest.raises(StoreError) as caught:
        connect(tmp_path / "no" / "such" / "kiosk.db")
    assert caught.value.kind == "missing" and "does not exist" in str(caught.value)
    assert not (tmp_path / "no").exists()


def test_store_damaged_header_and_page_are_said_as_damaged(db_path, db, people):
    db.close()
    damage_page(db_path, 4)  # the attendees table's first page
    with pytest.raises(StoreError) as caught:
        check_integrity(connect(db_path))
    assert caught.value.kind == "damaged"
    damage_header(db_path)
    with pytest.raises(StoreError) as caught:
        connect(db_path)
    assert caught.value.kind == "damaged"


# ---- the command line ---------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def one_sentence(result, words: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_cli_start_on_a_missing_folder_is_one_sentence(tmp_path):
    result = run("--role", "desk", "--db", str(tmp_path / "nonexistent" / "dir" / "x.db"))
    one_sentence(result, "does not exist")
    assert not (tmp_path / "nonexistent").exists()


def test_cli_start_and_checkin_on_a_damaged_file_are_one_sentence(db_path, db, people):
    db.close()
    damage_page(db_path, 4)
    one_sentence(run("--role", "desk", "--db", str(db_path)), "damaged")
    damage_header(db_path)
    one_sentence(run("--role", "desk", "--db", str(db_path)), "damaged")
    one_sentence(run("--db", str(db_path), "checkin", "ANNA44"), "damaged")


def test_cli_checkin_read_only_locked_and_full(db_path, db, people, monkeypatch):
    # Read-only: every connection the CLI opens refuses writes.
    real = store_db.connect

    def read_only(path, **kwargs):
        opened = real(path, **kwargs)
        opened.execute("PRAGMA query_only = ON")
        return opened

    monkeypatch.setattr(store_db, "connect", read_only)
    one_sentence(run("--db", str(db_path), "checkin", "ANNA44"), "read-only")
    monkeypatch.setattr(store_db, "connect", real)
    # Locked longer than the (shortened) timeout.
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 100)
    db.execute("BEGIN IMMEDIATE")
    try:
        one_sentence(run("--db", str(db_path), "checkin", "ANNA44"), "busy")
    finally:
        db.execute("ROLLBACK")
    assert logged(db_path, "ANNA44") == 0
    assert run("--db", str(db_path), "checkin", "ANNA44").exit_code == 0


def test_cli_import_on_a_full_disk_writes_nothing(db_path, db, people, tmp_path, monkeypatch):
    fillers(db)
    limit = db.execute("PRAGMA page_count").fetchone()[0]
    real = store_db.connect

    def small_disk(path, **kwargs):
        opened = real(path, **kwargs)
        opened.execute(f"PRAGMA max_page_count = {limit}")
        return opened

    monkeypatch.setattr(store_db, "connect", small_disk)
    roster = tmp_path / "many.csv"
    roster.write_text("name;code\n" + "\n".join(f"Nieuw {i};N{i:04}" for i in range(500)) + "\n", encoding="utf-8")
    before = db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0]
    one_sentence(run("--db", str(db_path), "import", "attendees", str(roster)), "disk is full")
    assert db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == before
