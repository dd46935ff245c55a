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
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import kiosk.store.db as store_db
import kiosk.ui.context as ui_context
from kiosk.cli import main
from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.loader import load_programme
from kiosk.store import StoreError, connect, open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.db import check_integrity, explain
from kiosk.store.scans import record_scan
from kiosk.store.sessions import sync_programme
from kiosk.ui.fault import fault_message
from kiosk.ui.launch import build_app
from kiosk.ui.widgets.scan_answer import ScanAnswer

from conftest import EVENT_DAY, PROGRAMME_PATH, at

SIZE = (80, 24)
NO_LIMIT = 1_073_741_823
FILLERS = 400


class Faults:
    """Applies a simulated fault to every connection the app opens (and to those it opens later)."""

    def __init__(self) -> None:
        self.read_only = False
        self.page_limit: int | None = None
        self.connections: list[sqlite3.Connection] = []

    def connect(self, path, **kwargs):
        """Stands in for kiosk.ui.context.connect: the real one, then the fault of the moment."""
        db = connect(path, **kwargs)
        self.connections.append(db.conn)
        self._apply(db.conn)
        return db

    def _apply(self, conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA query_only = {'ON' if self.read_only else 'OFF'}")
        conn.execute(f"PRAGMA max_page_count = {self.page_limit or NO_LIMIT}")

    def set(self, *, read_only: bool = False, page_limit: int | None = None) -> None:
        """Switch the fault on (or off, with no arguments) for every connection at once."""
        self.read_only, self.page_limit = read_only, page_limit
        for conn in self.connections:
            self._apply(conn)


@pytest.fixture
def faults(monkeypatch) -> Faults:
    """Every connection the UI opens goes through Faults.connect."""
    f = Faults()
    monkeypatch.setattr(ui_context, "connect", f.connect)
    return f


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


async def settle(app, pilot) -> None:
    """Let queued writes finish and the screen catch up."""
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not getattr(getattr(app.screen, "jobs", None), "busy", False):
            break
    await pilot.pause()


async def scan(app, pilot, code: str) -> ScanAnswer:
    """Type a code and Enter at the desk; returns the answer widget once the write came back."""
    await pilot.press(*code, "enter")
    await settle(app, pilot)
    return app.screen.query_one(ScanAnswer)


def assert_not_saved(answer: ScanAnswer, sentence: str) -> None:
    """Red, NOT SAVED, the fault's sentence: never a green welcome."""
    assert answer.has_class("-red") and not answer.has_class("-green"), answer.text
    assert "NIET OPGESLAGEN" in answer.text and sentence in answer.text, answer.text
    assert "WELKOM" not in answer.text


def assert_welcome(answer: ScanAnswer) -> None:
    assert answer.has_class("-green") and "WELKOM" in answer.text, answer.text


def desk(settings):
    return build_app(settings, role="desk", clock=Clock.fixed("11:45", event_date=EVENT_DAY))


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
    assert logged(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]), failed) == 0
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


# ---- the desk screen --------------------------------------------------------------------------


async def test_desk_read_only_shows_not_saved_then_works_again(settings, db_path, people, faults):
    app = desk(settings)
    async with app.run_test(size=SIZE) as pilot:
        faults.set(read_only=True)
        assert_not_saved(await scan(app, pilot, "ANNA44"), "alleen-lezen")
        assert logged(db_path, "ANNA44") == 0
        assert app.focused is app.screen.query_one("#desk-input")
        faults.set()
        assert_welcome(await scan(app, pilot, "ANNA44"))
    assert logged(db_path, "ANNA44") == 1


async def test_desk_full_disk_shows_not_saved_then_works_again(settings, db_path, db, people, faults):
    fillers(db)
    limit = db.execute("PRAGMA page_count").fetchone()[0]
    fill_until_full(db, limit)
    app = desk(settings)
    async with app.run_test(size=SIZE) as pilot:
        faults.set(page_limit=limit)
        # Check fillers in until the disk is full: the one that fails is shown red and not logged.
        for i in range(FILLERS):
            code = f"F{i:04}"
            if logged(db_path, code):
                continue
            answer = await scan(app, pilot, code)
            if not answer.has_class("-green"):
                break
        else:
            raise AssertionError("the disk never filled up")
        assert_not_saved(answer, "schijf is vol")
        assert logged(db_path, code) == 0
        faults.set()
        assert_welcome(await scan(app, pilot, code))
    assert logged(db_path, code) == 1


async def test_desk_locked_too_long_says_busy_then_works(settings, db_path, people, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 150)
    app = desk(settings)
    holder = connect(db_path)
    async with app.run_test(size=SIZE) as pilot:
        holder.execute("BEGIN IMMEDIATE")
        try:
            assert_not_saved(await scan(app, pilot, "ANNA44"), "bezet")
        finally:
            holder.execute("ROLLBACK")
        assert logged(db_path, "ANNA44") == 0
        assert_welcome(await scan(app, pilot, "ANNA44"))
    assert logged(db_path, "ANNA44") == 1


async def test_desk_damaged_file_says_damaged_keeps_running_then_works(settings, db_path, people):
    app = desk(settings)
    async with app.run_test(size=SIZE) as pilot:
        good = damage_header(db_path)
        assert_not_saved(await scan(app, pilot, "ANNA44"), "beschadigd")
        await pilot.press(*"anna")  # searching on a damaged file must not crash the desk either
        await pilot.pause()
        await pilot.press("escape")
        db_path.write_bytes(good)
        assert logged(db_path, "ANNA44") == 0
        assert_welcome(await scan(app, pilot, "ANNA44"))
    assert logged(db_path, "ANNA44") == 1


async def test_desk_folder_gone_says_so_then_works_when_back(tmp_path, programme):
    folder = tmp_path / "event"
    folder.mkdir()
    path = folder / "kiosk.db"
    db = open_store(path)
    sync_programme(db, programme)
    upsert_attendees(db, [RosterRow("Anna de Vries", code="ANNA44"), RosterRow("Bob", code="BOB555")],
                     at("09:00").isoformat())
    db.close()
    settings = Settings(db_path=path, programme_path=PROGRAMME_PATH, lang="nl", staff_pin="1234", device="desk-test")
    app = desk(settings)
    async with app.run_test(size=SIZE) as pilot:
        assert_welcome(await scan(app, pilot, "BOB555"))  # the worker's connection is open now
        folder.rename(tmp_path / "unplugged")
        assert_not_saved(await scan(app, pilot, "ANNA44"), "niet te openen")
        (tmp_path / "unplugged").rename(folder)
        assert_welcome(await scan(app, pilot, "ANNA44"))
    assert logged(path, "ANNA44") == 1


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
