"""A frozen PostgreSQL server never freezes a screen: the desk and the door answer from their copy, and come back.

A server that hangs (its processes stopped by SIGSTOP: `PgCluster.freeze()`, as a server machine
that hangs on its disk, swaps, or a paused VM) still has a kernel that takes connections and
acknowledges what is sent, so no TCP timeout or keepalive fires and its statement timeout never
runs. The desk's code look-up runs on the screen's own thread: without the client's own deadline
(kiosk/store/pg_deadline.py) it waited, screen and keys stopped, until the server went on.

Each test freezes the server with a guard that thaws it after GUARD_SECONDS whatever happens (a
test without the fix would otherwise wait for good); what a test asserts is that the screen
answered while the server was still frozen (the guard had not fired), and that once the server
goes on the device is online again by itself with each scan in the server's log once.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest

from kiosk.clock import Clock
from kiosk.store import connect
from kiosk.ui.widgets.offline_banner import OfflineBanner
from tests.support.door import door_scan_at, door_text
from tests.support.event import at
from tests.support.own_server import PEOPLE, own_database
from tests.support.pilot import answer, screen_text, until

pytestmark = pytest.mark.postgres

# Longer than any wait of the kiosk's own (a few seconds): reached only by a screen that hangs.
GUARD_SECONDS = 45.0
ROOM = "lunch-vaartocht"  # a door's session (15 seats)


@pytest.fixture
def own_url(own_server):
    """A fresh database with the roster; the server runs (and is thawed) again afterwards."""
    with own_database(own_server, "frozen", PEOPLE) as url:
        yield url


class Guard:
    """Thaws the frozen server after GUARD_SECONDS if the test has not by then; `fired` says it had to."""

    def __init__(self, cluster) -> None:
        self.cluster = cluster
        self.fired = False
        self._thawed = threading.Lock()
        self._timer = threading.Timer(GUARD_SECONDS, self._fire)
        self._timer.daemon = True

    def _fire(self) -> None:
        self.fired = True
        self.thaw()

    def thaw(self) -> None:
        """Let the server go on (once)."""
        self._timer.cancel()
        if self._thawed.acquire(blocking=False):
            self.cluster.thaw()


@contextmanager
def frozen(cluster) -> Iterator[Guard]:
    """The server frozen for the block (thawed by its end at the latest, or by the guard)."""
    cluster.freeze()
    guard = Guard(cluster)
    guard._timer.start()
    try:
        yield guard
    finally:
        guard.thaw()


def _scans(url: str, device: str) -> list[tuple[str, str, str]]:
    db = connect(url)
    rows = db.execute("SELECT raw_code, list, reason FROM scans WHERE device = ? ORDER BY id", (device,)).fetchall()
    db.close()
    return [tuple(row) for row in rows]


async def test_a_desk_answers_from_its_copy_while_its_server_is_frozen_and_comes_back(
        own_server, own_url, make_app, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_OFFLINE_DIR", str(tmp_path))
    app = make_app("desk", settings=replace(settings, db_path=own_url, device="desk-f"), lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        switch = app.ctx.offline
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: switch.person("ANNA44") is not None, "the local copy")
        await pilot.press(*"CELIK1", "enter")
        await until(pilot, lambda: "WELCOME" in answer(app), "the online answer")
        with frozen(own_server) as guard:
            # Enter on the screen's thread: the look-up meets the deadline, the scan is answered from the copy.
            await pilot.press(*"SOREN3", "enter")
            await until(pilot, lambda: "Søren Ødegaard" in answer(app) or guard.fired, "the offline answer")
            assert not guard.fired, "the desk answered only once the server went on"
            await until(pilot, lambda: banner.text.startswith("OFFLINE") or guard.fired, "the banner")
            # Keys still answered at once from the copy: a name search, then a scan.
            await pilot.press(*"anna")
            await until(pilot, lambda: "Anna de Vries" in screen_text(app) or guard.fired, "the search in the copy")
            await pilot.press("escape", *"ANNA44", "enter")
            await until(pilot, lambda: "Anna de Vries" in answer(app) or guard.fired, "the second offline answer")
            await until(pilot, lambda: banner.text == "OFFLINE: scans are kept on this desk, 2 waiting"
                        or guard.fired, "2 waiting")
            assert not guard.fired, "the desk stopped answering while the server was frozen"
            guard.thaw()
        await until(pilot, lambda: banner.text == "Online again: every scan is on the server", "back online")
        app.ctx.clock = Clock(at("11:50"))  # past the scanner's bounce window
        await pilot.press(*"celik1", "enter")  # online again: the server's own answer
        await until(pilot, lambda: "ALREADY CHECKED IN" in answer(app), "the online answer again")
    assert _scans(own_url, "desk-f") == [("CELIK1", "venue", "ok"), ("SOREN3", "venue", "ok"),
                                         ("ANNA44", "venue", "ok"), ("celik1", "venue", "already_in")]


async def test_a_door_answers_from_its_copy_while_its_server_is_frozen_and_comes_back(
        own_server, own_url, make_app, settings, tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_OFFLINE_DIR", str(tmp_path))
    app = make_app("door", "12:40", settings=replace(settings, db_path=own_url, device="door-f"), lang="en",
                   session_id=ROOM)
    async with app.run_test(size=(100, 30)) as pilot:
        switch = app.ctx.offline
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: switch.person("ANNA44") is not None, "the local copy")
        await door_scan_at(app, pilot, "CELIK1", 0)
        assert "Inside 1 / 15" in door_text(app)
        await until(pilot, lambda: switch.inside(ROOM) == 1, "the door's own scan in the copy")
        with frozen(own_server) as guard:
            await door_scan_at(app, pilot, "SOREN3", 5)
            await until(pilot, lambda: "Søren Ødegaard" in door_text(app) or guard.fired, "the offline answer")
            assert not guard.fired, "the door answered only once the server went on"
            await until(pilot, lambda: "Inside 2 / 15" in door_text(app) or guard.fired, "the offline count")
            await until(pilot, lambda: banner.text == "OFFLINE: scans are kept at this door, 1 waiting"
                        or guard.fired, "the banner")
            assert not guard.fired, "the door stopped answering while the server was frozen"
            guard.thaw()
        await until(pilot, lambda: banner.text == "Online again: every scan is on the server", "back online")
        await door_scan_at(app, pilot, "ANNA44", 10)  # online again: straight to the server
        assert "Inside 3 / 15" in door_text(app)
    rows = [row for row in _scans(own_url, "door-f") if row[1] == ROOM]
    assert rows == [("CELIK1", ROOM, "ok"), ("SOREN3", ROOM, "ok"), ("ANNA44", ROOM, "ok")]
