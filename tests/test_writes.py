"""The one write path off the UI thread (kiosk/ui/writes.py), and the screens that use it.

The module: jobs run in the order put, off the UI thread, each answered by exactly one message to
the queue's owner; a bug fails only its own job, said as "internal error" and never by its own
text; a damaged file fails every job and runs none. The screens: the desk, the door, the walk-in
form and the desk's badge print show a failed write as failed (red, NOT SAVED) and never the
error's text, and the scans queued behind a failed one are still written.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

from textual.app import App, ComposeResult
from textual.widgets import Static

import kiosk.ui.desk_jobs as desk_jobs
import kiosk.ui.print_job as print_job
import kiosk.ui.screens.door as door_screen
import kiosk.ui.screens.walk_in as walk_in
from kiosk.store import StoreError
from kiosk.store.db import explain
from kiosk.store.signups import signup
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue, all_written
from tests.support.event import at
from tests.support.faults import damage_header, logged
from tests.support.pilot import answer, burst, screen_text, settle

# Text a bug's message may carry: none of it may reach a screen.
SECRET = "Pieter van 't Hof <HOF222>"


@dataclass
class Step:
    """A job that notes its name and thread; `fails` raises a bug whose text holds a name."""

    name: str
    ran: list[tuple[str, int]] = field(default_factory=list)
    fails: bool = False

    def run(self, db, ctx) -> str:
        time.sleep(0.01)  # the next jobs are put while this one runs
        self.ran.append((self.name, threading.get_ident()))
        if self.fails:
            raise RuntimeError(f"bug while writing {SECRET}")
        return self.name.upper()


class Owner(Static):
    """Owns a queue and notes each message it receives, in order."""

    def on_mount(self) -> None:
        self.writes: WriteQueue[Step] = WriteQueue(self, "steps")

    def on_write_done(self, message: WriteDone) -> None:
        self.app.seen.append(("done", message.job.name, message.result))

    def on_write_failed(self, message: WriteFailed) -> None:
        self.app.seen.append(("failed", message.job.name, message.said("nl")))


class QueueApp(App[None]):
    """The least an owner's app gives a queue: `ctx.db()` and `checked_file()`."""

    def __init__(self, damaged: StoreError | None = None) -> None:
        super().__init__()
        self.ctx = SimpleNamespace(db=lambda: None)
        self.damaged = damaged
        self.seen: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        yield Owner()

    def checked_file(self) -> StoreError | None:
        return self.damaged

    def on_write_done(self, message: WriteDone) -> None:
        self.seen.append(("bubbled", message.job.name, ""))  # must never happen: for the owner only


async def test_jobs_run_in_order_off_the_ui_thread_and_a_bug_fails_only_its_own():
    app = QueueApp()
    ran: list[tuple[str, int]] = []
    async with app.run_test() as pilot:
        owner = app.query_one(Owner)
        for name in ("a", "b", "c", "d"):
            owner.writes.put(Step(name, ran, fails=name == "b"))
        for _ in range(100):
            await pilot.pause(0.02)
            if len(app.seen) == 4:
                break
    assert app.seen == [("done", "a", "A"), ("failed", "b", "interne fout"), ("done", "c", "C"), ("done", "d", "D")]
    assert [name for name, _ in ran] == ["a", "b", "c", "d"]
    assert threading.main_thread().ident not in {thread for _, thread in ran}


async def test_a_damaged_file_fails_every_job_and_runs_none():
    damaged = explain(sqlite3.DatabaseError("database disk image is malformed"))
    app = QueueApp(damaged=damaged)
    ran: list[tuple[str, int]] = []
    async with app.run_test() as pilot:
        owner = app.query_one(Owner)
        owner.writes.put(Step("a", ran))
        owner.writes.put(Step("b", ran))
        for _ in range(100):
            await pilot.pause(0.02)
            if len(app.seen) == 2:
                break
    assert ran == []
    assert [(kind, name) for kind, name, _ in app.seen] == [("failed", "a"), ("failed", "b")]
    assert all("beschadigd" in said for _, _, said in app.seen)


@dataclass
class Held:
    """A job that waits until `go` is set (a commit waiting for the disk), then notes that it ran."""

    name: str
    go: threading.Event
    ran: list[str]

    def run(self, db, ctx) -> str:
        self.go.wait(5)
        self.ran.append(self.name)
        return self.name


async def test_all_written_waits_for_every_job_put_and_for_nothing_else():
    app = QueueApp()
    go, ran = threading.Event(), []
    async with app.run_test() as pilot:
        owner = app.query_one(Owner)
        await all_written(app)  # nothing was put: returns at once
        owner.writes.put(Held("a", go, ran))
        owner.writes.put(Held("b", go, ran))
        waiting = asyncio.ensure_future(all_written(app))
        await pilot.pause(0.1)
        assert not waiting.done() and ran == []  # both still being written
        go.set()
        await asyncio.wait_for(waiting, 5)
        assert ran == ["a", "b"]
        await pilot.pause()
        assert [name for _, name, _ in app.seen] == ["a", "b"]


async def test_a_job_put_as_the_app_ends_is_still_written():
    app = QueueApp()
    go, ran = threading.Event(), []
    async with app.run_test():
        app.query_one(Owner).writes.put(Held("last", go, ran))
    go.set()  # the app has ended; its writer thread has not
    for _ in range(100):
        if ran:
            break
        time.sleep(0.02)
    assert ran == ["last"]


def test_a_store_fault_is_said_in_its_sentence_and_a_bug_never_by_its_text():
    fault = WriteFailed(None, None, explain(sqlite3.OperationalError("attempt to write a readonly database")))
    bug = WriteFailed(None, None, RuntimeError(f"bug while writing {SECRET}"))
    assert "alleen-lezen" in fault.said("nl") and "read-only" in fault.said("en")
    assert (bug.said("nl"), bug.said("en")) == ("interne fout", "internal error")


# ---- the screens -----------------------------------------------------------------------------


def bug_for(code: str, real):
    """Stands in for a store call: a bug (carrying a name) for `code`, the real call for the rest."""

    def call(db, scanned, *args, **kwargs):
        if scanned == code:
            raise RuntimeError(f"bug while writing {SECRET}")
        return real(db, scanned, *args, **kwargs)

    return call


async def test_a_bug_in_one_desk_scan_is_red_without_its_text_and_the_scans_behind_it_are_written(
        make_app, db, people, monkeypatch):
    monkeypatch.setattr(desk_jobs, "record_scan", bug_for("HOF222", desk_jobs.record_scan))
    app = make_app("desk")
    async with app.run_test(size=(80, 24)) as pilot:
        burst(app, [key for code in ("CELIK1", "HOF222", "ANNA44") for key in (*code, "enter")])
        await settle(app, pilot)
        assert "Anna de Vries" in answer(app) and "WELKOM" in answer(app)  # the scan behind the bug
        await pilot.press(*"HOF222", "enter")
        await settle(app, pilot)
        said = answer(app)
        assert app.screen.query_one("#desk-answer").has_class("-red")
        assert "NIET OPGESLAGEN" in said and "interne fout" in said and "WELKOM" not in said
        assert "bug while" not in screen_text(app) and "RuntimeError" not in screen_text(app)
    assert [row[0] for row in db.execute("SELECT raw_code FROM scans ORDER BY id")] == ["CELIK1", "ANNA44"]


def door_answer(app) -> tuple[str, str]:
    """The door's answer box: its text and its light."""
    box = app.screen.query_one("#door-result")
    light = next((c.removeprefix("light-") for c in box.classes if c.startswith("light-")), "")
    return str(app.screen.query_one("#door-message", Static).render()), light


async def test_a_bug_in_one_door_scan_is_red_without_its_text_and_the_scans_behind_it_are_written(
        make_app, db, people, monkeypatch):
    monkeypatch.setattr(door_screen, "door_scan", bug_for("HOF222", door_screen.door_scan))
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, [key for code in ("CELIK1", "HOF222", "ANNA44") for key in (*code, "enter")])
        await settle(app, pilot)
        assert "Anna de Vries" in str(app.screen.query_one("#door-name", Static).render())
        await pilot.press(*"HOF222", "enter")
        await settle(app, pilot)
        text, light = door_answer(app)
        assert light == "red" and text == "Niet opgeslagen: interne fout"
        assert "bug while" not in screen_text(app)
    assert [row[0] for row in db.execute("SELECT raw_code FROM scans WHERE list = 'lunch-vaartocht' ORDER BY id")] \
        == ["CELIK1", "ANNA44"]


async def test_a_door_scan_on_a_damaged_file_is_red_in_dutch_then_works(make_app, db_path, db, people):
    signup(db, "ANNA44", "lunch-vaartocht", now=at("10:00"))  # then her scan at the door is green
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        good = damage_header(db_path)
        await pilot.press(*"ANNA44", "enter")
        await settle(app, pilot)
        text, light = door_answer(app)
        assert light == "red" and text.startswith("Niet opgeslagen: Het databasebestand is beschadigd")
        assert "Welkom" not in text
        db_path.write_bytes(good)
        assert logged(db_path, "ANNA44") == 0
        await pilot.press(*"ANNA44", "enter")
        await settle(app, pilot)
        assert door_answer(app)[1] == "green"
    # Her scan at the door, and the venue arrival it brings along: written once, after the file was back.
    assert logged(db_path, "ANNA44") == 2


async def test_a_walk_in_that_fails_by_a_bug_shows_none_of_its_text(make_app, db, people, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError(f"bug while writing {SECRET}")

    monkeypatch.setattr(walk_in, "create_walk_in", broken)
    app = make_app("desk")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"Gast", "enter", *"Ede", "enter", "enter", "enter")
        await settle(app, pilot)
        said = str(app.screen.query_one("#walkin-message").render())
        assert said.startswith("Niet opgeslagen") and said.endswith("(interne fout)")
        assert "bug while" not in screen_text(app) and "RuntimeError" not in screen_text(app)


async def test_a_badge_print_that_fails_by_a_bug_is_said_without_its_text_beside_the_scans(
        make_app, db, people, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError(f"bug while printing {SECRET}")

    monkeypatch.setattr(print_job, "print_badge", broken)
    app = make_app("desk", printer="kiosk-test-printer")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"ANNA44", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"CELIK1", "enter")  # scanned while the print is on its way
        await settle(app, pilot)
        status = app.screen.query_one("#desk-print", Static)
        for _ in range(50):
            if "niet geprint" in str(status.render()):
                break
            await pilot.pause(0.05)
        assert str(status.render()) == "✖ Badge van Anna de Vries niet geprint. interne fout"
        assert "bug while" not in screen_text(app) and "Ayşe Çelik" in answer(app)
    assert [row[0] for row in db.execute("SELECT raw_code FROM scans ORDER BY id")] == ["ANNA44", "CELIK1"]
