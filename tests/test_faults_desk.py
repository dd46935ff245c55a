"""Faults at the desk screen (issue 7, item 4): read-only, full disk, locked, damaged, folder gone.

How each fault is made, and why some are simulated, is said in tests/test_faults.py. Here the desk
must say so in words, stay usable, never show a check-in as done that was not written (red
"NIET OPGESLAGEN", the scan not in the log), and take the next scan once the fault is gone.
"""

from __future__ import annotations

import sqlite3

import pytest

import kiosk.store.db as store_db
import kiosk.ui.context as ui_context
from kiosk.config import Settings
from kiosk.store import connect, open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.sessions import sync_programme
from kiosk.ui.widgets.scan_answer import ScanAnswer
from tests.support.event import PROGRAMME_PATH, at
from tests.support.faults import FILLERS, NO_LIMIT, damage_header, fill_until_full, fillers, logged
from tests.support.pilot import settle

SIZE = (80, 24)


class Faults:
    """Applies a simulated fault to every connection the app opens (and to those it opens later)."""

    def __init__(self) -> None:
        self.read_only = False
        self.page_limit: int | None = None
        self.connections: list[sqlite3.Connection] = []

    def connect(self, path, **kwargs):
        """Stands in for kiosk.ui.context.connect: the real one, then the fault of the moment."""
        db = connect(path, **kwargs)
        self.connections.append(db)
        self._apply(db)
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


# ---- the desk screen --------------------------------------------------------------------------


async def test_desk_read_only_shows_not_saved_then_works_again(make_app, db_path, people, faults):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        faults.set(read_only=True)
        assert_not_saved(await scan(app, pilot, "ANNA44"), "alleen-lezen")
        assert logged(db_path, "ANNA44") == 0
        assert app.focused is app.screen.query_one("#desk-input")
        faults.set()
        assert_welcome(await scan(app, pilot, "ANNA44"))
    assert logged(db_path, "ANNA44") == 1


async def test_desk_full_disk_shows_not_saved_then_works_again(make_app, db_path, db, people, faults):
    fillers(db)
    limit = db.execute("PRAGMA page_count").fetchone()[0]
    fill_until_full(db, limit)
    app = make_app("desk")
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


async def test_desk_locked_too_long_says_busy_then_works(make_app, db_path, people, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 150)
    app = make_app("desk")
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


async def test_desk_damaged_file_says_damaged_keeps_running_then_works(make_app, db_path, people):
    app = make_app("desk")
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


async def test_desk_folder_gone_says_so_then_works_when_back(make_app, tmp_path, programme):
    folder = tmp_path / "event"
    folder.mkdir()
    path = folder / "kiosk.db"
    db = open_store(path)
    sync_programme(db, programme)
    upsert_attendees(db, [RosterRow("Anna de Vries", code="ANNA44"), RosterRow("Bob", code="BOB555")],
                     at("09:00").isoformat())
    db.close()
    settings = Settings(db_path=path, programme_path=PROGRAMME_PATH, lang="nl", staff_pin="1234", device="desk-test")
    app = make_app("desk", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        assert_welcome(await scan(app, pilot, "BOB555"))  # the worker's connection is open now
        folder.rename(tmp_path / "unplugged")
        assert_not_saved(await scan(app, pilot, "ANNA44"), "niet te openen")
        (tmp_path / "unplugged").rename(folder)
        assert_welcome(await scan(app, pilot, "ANNA44"))
    assert logged(path, "ANNA44") == 1
