"""A desk that starts while its server is down: up offline from its own copy, online by itself (kiosk/ui/offline_start.py).

On a PostgreSQL of this module's own (`PgCluster.start_new()`; `pause()` stops it, `resume()`
starts it again). The desk ran on the server once (its copy was made), the server stops, the desk
laptop restarts: the desk comes up with the banner, answers from the copy (a name search folds
`celik` to Çelik; the side panel counts the offline scan and marks it waiting; the programme
opens by F2, the door and the kiosk say they need the server), and once the
server answers it uploads and goes online, and the start's skipped work is done (the programme
synced). Without a copy of that database the start says in one sentence that the server is
needed once first.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import replace

import pytest

from kiosk.env import Env
from kiosk.store import connect, open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.db import StoreFault
from kiosk.store.offline_switch import make_switch
from kiosk.ui.offline_desk import offline_folder
from kiosk.ui.offline_start import offline_app
from kiosk.ui.widgets.offline_banner import OfflineBanner
from tests.support.cli_db import db_args
from tests.support.event import at
from tests.support.pg_cluster import PgCluster
from tests.support.pilot import answer, screen_text, settle

PEOPLE = [RosterRow("Ayşe [b]Çelik[/b]", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1"),
          RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3"),
          RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44"),
          RosterRow("Cancelled Person", "Gemeente Ede", "Ede", "", "CANC55", status="cancelled")]
GUARD = 60.0  # longer than any wait of the desk's own: only a hang reaches it


@pytest.fixture(scope="module")
def own_server():
    """A PostgreSQL of this module's own, which these tests stop and start."""
    cluster = PgCluster.start_new()
    yield cluster
    cluster.stop()


@pytest.fixture
def own_url(own_server):
    """A fresh database with the roster (no programme synced yet); the server runs again afterwards."""
    name = own_server.unique_name("offstart")
    url = own_server.create_database(name)
    db = open_store(url)
    upsert_attendees(db, PEOPLE, at("08:00").isoformat())
    db.close()
    yield url
    if own_server.server_pid() is None:
        own_server.resume()
    own_server.drop_database(name)


async def _until(pilot, condition, what: str) -> None:
    deadline = time.monotonic() + GUARD
    while not condition():
        assert time.monotonic() < deadline, f"waited too long for {what}:\n{screen_text(pilot.app)}"
        await pilot.pause(0.05)


def _start_while_down(settings):
    """What `kiosk --role desk` does at a start whose server is away (kiosk.ui.launch.launch)."""
    env = Env(settings)
    with pytest.raises(StoreFault) as caught:
        env.db(defer_programme=True, raise_faults=True)
    return offline_app(env, "desk", caught.value)


@pytest.mark.postgres
async def test_a_desk_started_while_the_server_is_down_scans_from_its_copy_and_goes_online(
        own_server, own_url, settings):
    settings = replace(settings, db_path=own_url, device="desk-5", lang="en")
    first_day = make_switch(own_url, offline_folder(), "desk-5")
    assert first_day.tick()  # the desk ran on the server once: its copy is made
    first_day.close()
    await asyncio.to_thread(own_server.pause)  # the network drops; the desk laptop is rebooted
    app = _start_while_down(settings)
    assert app is not None
    async with app.run_test(size=(110, 32)) as pilot:
        banner = app.screen.query_one(OfflineBanner)
        await _until(pilot, lambda: banner.text == "OFFLINE: scans are kept on this desk, 0 waiting", "the banner")
        await pilot.press(*"celik")  # a name search in the copy, folded
        await _until(pilot, lambda: "Ayşe [b]Çelik[/b]" in screen_text(app), "the search hit")
        await pilot.press("enter")
        await settle(app, pilot)
        await _until(pilot, lambda: "Ayşe [b]Çelik[/b]" in answer(app), "the offline answer")
        assert "WELCOME" in answer(app)
        await pilot.press(*"SOREN3", "enter")
        await settle(app, pilot)
        await _until(pilot, lambda: banner.text == "OFFLINE: scans are kept on this desk, 2 waiting", "2 waiting")
        # The side panel counts them, and lists them as waiting for the server.
        await _until(pilot, lambda: "Arrived 2 / 3" in screen_text(app), "the offline counts")
        await _until(pilot, lambda: screen_text(app).count("(waiting)") == 2, "the waiting rows")
        # Other roles while offline: the door and the kiosk say they need the server; the programme opens.
        await pilot.press("f4")
        refusal = ("The door needs the database server to open, and it cannot be reached now; this desk scans on "
                   "offline. Try again once the desk is online.")
        # Notifications as the app holds them (on screen their text wraps).
        await _until(pilot, lambda: refusal in [n.message for n in app._notifications], "the refusal")
        assert app.screen.query(OfflineBanner)  # still the desk
        await pilot.press("f2")
        await _until(pilot, lambda: type(app.screen).__name__ == "ProgrammeScreen", "the programme")
        await pilot.pause(0.3)
        assert app.is_running
        await pilot.press("f3")
        await _until(pilot, lambda: app.screen.query(OfflineBanner), "the desk again")
        await asyncio.to_thread(own_server.resume)
        await _until(pilot, lambda: banner.text == "Online again: every scan is on the server", "back online")
        await _until(pilot, lambda: "(waiting)" not in screen_text(app), "the rows uploaded")
        assert "Arrived 2 / 3" in screen_text(app)  # now the server's count
        await pilot.press(*"ANNA44", "enter")  # online again: straight to the server
        await settle(app, pilot)
        await _until(pilot, lambda: "Anna de Vries" in answer(app), "the online answer")
    db = connect(own_url)
    rows = db.execute("SELECT raw_code, reason FROM scans WHERE device = 'desk-5' ORDER BY id").fetchall()
    synced = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    db.close()
    assert rows == [("CELIK1", "ok"), ("SOREN3", "ok"), ("ANNA44", "ok")]  # each once
    assert synced > 0  # what the start skipped: the programme's sessions, synced once the server answered


@pytest.mark.postgres
def test_a_desk_without_a_copy_of_this_database_says_it_needs_the_server_once(own_server, own_url, tmp_path):
    own_server.pause()
    args, env = db_args(own_url, {**os.environ, "KIOSK_OFFLINE_DIR": str(tmp_path / "offline"),
                                  "KIOSK_DEVICE": "desk-7"})
    done = subprocess.run([sys.executable, "-m", "kiosk", *args, "--role", "desk"], env=env, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Desk desk-7 cannot start offline: it has no copy of postgresql://")
    assert "needs the database server once first" in lines[0]
    assert "Traceback" not in done.stderr
