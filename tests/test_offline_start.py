"""A desk or door that starts while its server is down: up offline from its own copy, online by itself.

kiosk/ui/offline_start.py, on a PostgreSQL of this module's own (`own_server`,
tests/support/own_server.py; `pause()` stops it, `resume()` starts it again). The desk ran on the
server once (its copy was made), the server stops, the desk laptop restarts: the desk comes up
with the banner, answers from the copy (a name search folds `celik` to Çelik; the side panel
counts the offline scan and marks it waiting; the programme opens by F2, the door and the kiosk
say they need the server), and once the server answers it uploads and goes online, and the
start's skipped work is done (the programme synced). A door likewise, from a copy made at its
session's door: the room's count from the copy, the "not signed up" warning as online, F7 stays on
the copy's session, each scan on the server once afterwards. Without a copy of that database (a
door: none made at that session's door) the start says in one sentence, in the screen's
language, that the server is needed once first (exit 2).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from dataclasses import replace

import pytest

from kiosk.env import Env
from kiosk.store import connect
from kiosk.store.db import StoreFault
from kiosk.store.door import door_scan
from kiosk.store.offline_switch import make_switch
from kiosk.store.signups import signup
from kiosk.ui.offline_desk import offline_folder
from kiosk.ui.offline_start import offline_app
from kiosk.ui.widgets.offline_banner import OfflineBanner
from tests.support.cli_db import db_args
from tests.support.door import door_scan_at, door_text
from tests.support.event import at
from tests.support.own_server import CANCELLED, PEOPLE, own_database
from tests.support.pilot import answer, screen_text, settle, until


@pytest.fixture
def own_url(own_server):
    """A fresh database with the roster (no programme synced yet); the server runs again afterwards."""
    with own_database(own_server, "offstart", [*PEOPLE, CANCELLED]) as url:
        yield url


def _start_while_down(settings, role="desk", session_id=None):
    """What `kiosk --role ROLE [--session S]` does at a start whose server is away (kiosk.ui.launch.launch)."""
    env = Env(settings)
    with pytest.raises(StoreFault) as caught:
        env.db(defer_programme=True, raise_faults=True)
    return offline_app(env, role, caught.value, session_id)


def _kiosk(url, tmp_path, lang, *args):
    """`kiosk --db URL ARGS` as its own process, on this test's offline folder, in `lang`: (exit code, stderr)."""
    cli, env = db_args(url, {**os.environ, "KIOSK_OFFLINE_DIR": str(tmp_path / "offline"), "KIOSK_LANG": lang})
    done = subprocess.run([sys.executable, "-m", "kiosk", *cli, *args], env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert "Traceback" not in done.stderr
    return done.returncode, done.stderr.strip().splitlines()


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
        await until(pilot, lambda: banner.text == "OFFLINE: scans are kept on this desk, 0 waiting", "the banner")
        await pilot.press(*"celik")  # a name search in the copy, folded
        await until(pilot, lambda: "Ayşe [b]Çelik[/b]" in screen_text(app), "the search hit")
        await pilot.press("enter")
        await settle(app, pilot)
        await until(pilot, lambda: "Ayşe [b]Çelik[/b]" in answer(app), "the offline answer")
        assert "WELCOME" in answer(app)
        await pilot.press(*"SOREN3", "enter")
        await settle(app, pilot)
        await until(pilot, lambda: banner.text == "OFFLINE: scans are kept on this desk, 2 waiting", "2 waiting")
        # The side panel counts them, and lists them as waiting for the server.
        await until(pilot, lambda: "Arrived 2 / 3" in screen_text(app), "the offline counts")
        await until(pilot, lambda: screen_text(app).count("(waiting)") == 2, "the waiting rows")
        # Other roles while offline: the door and the kiosk say they need the server; the programme opens.
        await pilot.press("f4")
        refusal = ("The door needs the database server to open, and it cannot be reached now; this desk scans on "
                   "offline. Try again once the desk is online.")
        # Notifications as the app holds them (on screen their text wraps).
        await until(pilot, lambda: refusal in [n.message for n in app._notifications], "the refusal")
        assert app.screen.query(OfflineBanner)  # still the desk
        await pilot.press("f2")
        await until(pilot, lambda: type(app.screen).__name__ == "ProgrammeScreen", "the programme")
        await pilot.pause(0.3)
        assert app.is_running
        await pilot.press("f3")
        await until(pilot, lambda: app.screen.query(OfflineBanner), "the desk again")
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: banner.text == "Online again: every scan is on the server", "back online")
        await until(pilot, lambda: "(waiting)" not in screen_text(app), "the rows uploaded")
        assert "Arrived 2 / 3" in screen_text(app)  # now the server's count
        await pilot.press(*"ANNA44", "enter")  # online again: straight to the server
        await settle(app, pilot)
        await until(pilot, lambda: "Anna de Vries" in answer(app), "the online answer")
    db = connect(own_url)
    rows = db.execute("SELECT raw_code, reason FROM scans WHERE device = 'desk-5' ORDER BY id").fetchall()
    synced = db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    db.close()
    assert rows == [("CELIK1", "ok"), ("SOREN3", "ok"), ("ANNA44", "ok")]  # each once
    assert synced > 0  # what the start skipped: the programme's sessions, synced once the server answered


@pytest.mark.postgres
def test_a_desk_without_a_copy_of_this_database_says_it_needs_the_server_once(own_server, own_url, tmp_path):
    own_server.pause()
    code, lines = _kiosk(own_url, tmp_path, "en", "--role", "desk", "--device", "desk-7")
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith("Desk desk-7 cannot start offline: it has no copy of postgresql://")
    assert "needs the database server once first" in lines[0]
    code, lines = _kiosk(own_url, tmp_path, "nl", "--role", "desk", "--device", "desk-7")
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith("Balie desk-7 kan niet offline starten: hij heeft nog geen eigen kopie van postgresql://")
    assert "de databaseserver eerst één keer nodig" in lines[0]


ROOM = "lunch-vaartocht"  # 15 seats, chosen at the kiosk


@pytest.mark.postgres
async def test_a_door_started_while_the_server_is_down_scans_from_its_copy_and_goes_online(
        own_server, own_url, settings):
    settings = replace(settings, db_path=own_url, device="door-1", lang="en")
    db = Env(settings).db()  # the day before: the programme synced, Ayşe signed up for the boat
    signup(db, "CELIK1", ROOM, now=at("09:00"))
    first_day = make_switch(own_url, offline_folder(), "door-1", role="door", lists=("venue", ROOM))
    assert first_day.tick()  # the door ran on the server once, at this session: its copy is made
    first_day.close()
    door_scan(db, "ANNA44", ROOM, now=at("12:35"), device="door-2")  # the room's other door: after the copy
    db.close()
    await asyncio.to_thread(own_server.pause)  # the network drops; the door laptop is rebooted
    app = _start_while_down(replace(settings, device="door-1"), "door", ROOM)
    assert app is not None
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: banner.text == "OFFLINE: scans are kept at this door, 0 waiting", "the banner")
        assert "Vaartocht over de Zaan" in door_text(app) and "Inside 0 / 15" in door_text(app)  # as the copy knows it
        await door_scan_at(app, pilot, "CELIK1", 0)
        await until(pilot, lambda: "Ayşe [b]Çelik[/b]" in door_text(app), "the offline answer")
        shown = door_text(app)
        assert "✔ Signed up for this session" in shown and "Inside 1 / 15" in shown and "In · " in shown
        await door_scan_at(app, pilot, "SOREN3", 5)
        await until(pilot, lambda: "Søren Ødegaard" in door_text(app), "the second answer")
        assert "! NOT SIGNED UP for this session" in door_text(app) and "Inside 2 / 15" in door_text(app)
        assert app.screen.query_one("#door-result").has_class("light-amber")
        await until(pilot, lambda: banner.text == "OFFLINE: scans are kept at this door, 2 waiting", "2 waiting")
        await pilot.press("f7", "down", "enter")  # another session: its count and sign-ups are not in the copy
        await until(pilot, lambda: any(n.message.startswith("Offline this door scans only for Vaartocht over de Zaan")
                                       for n in app._notifications), "the refusal")
        await until(pilot, lambda: app.screen.session_id == ROOM, "back on the copy's session")
        await pilot.press("f3")  # the desk, offline too; F4 goes back to this door, which needs nothing new
        await until(pilot, lambda: "OFFLINE: scans are kept on this desk, 2 waiting" in screen_text(app), "the desk")
        await pilot.press("f4")
        await until(pilot, lambda: "Vaartocht over de Zaan" in door_text(app) and "Inside 2 / 15" in door_text(app),
                    "the door again")
        await pilot.press("f6")
        refusal = ("The self-service kiosk needs the database server to open, and it cannot be reached now; this door "
                   "scans on offline. Try again once the door is online.")
        await until(pilot, lambda: refusal in [n.message for n in app._notifications], "the kiosk's refusal")
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: banner.text == "Online again: every scan is on the server", "back online")
        await until(pilot, lambda: "Inside 3 / 15" in door_text(app), "the server's count, Anna's scan at door-2 in it")
    db = connect(own_url)
    rows = db.execute("SELECT raw_code, list, reason FROM scans WHERE device = 'door-1' ORDER BY id").fetchall()
    db.close()
    assert rows == [("CELIK1", "venue", "ok"), ("CELIK1", ROOM, "ok"),
                    ("SOREN3", "venue", "ok"), ("SOREN3", ROOM, "ok")]  # each once, with its venue arrival



@pytest.mark.postgres
async def test_a_door_started_offline_without_its_session_takes_the_one_its_copy_was_made_at(
        own_server, own_url, settings):
    settings = replace(settings, db_path=own_url, device="door-4", lang="nl")
    Env(settings).db().close()
    first_day = make_switch(own_url, offline_folder(), "door-4", role="door", lists=("venue", ROOM))
    assert first_day.tick()
    first_day.close()
    await asyncio.to_thread(own_server.pause)
    app = _start_while_down(settings, "door", None)  # `kiosk --role door`, as the laptop's start-up runs it
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: banner.text == "OFFLINE: scans worden bij deze deur bewaard, 0 wachten",
                    "the banner")
        assert "Vaartocht over de Zaan" in door_text(app) and "Binnen 0 / 15" in door_text(app)

@pytest.mark.postgres
def test_a_door_without_a_copy_made_at_its_session_says_it_needs_the_server_once(own_server, own_url, tmp_path):
    own_server.pause()
    code, lines = _kiosk(own_url, tmp_path, "en", "--role", "door", "--session", ROOM, "--device", "door-3")
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith("Door door-3 cannot start offline: it has no copy of postgresql://")
    assert f"made at the door of {ROOM} yet, so it needs the database server once first" in lines[0]
    code, lines = _kiosk(own_url, tmp_path, "nl", "--role", "door", "--session", ROOM, "--device", "door-3")
    assert code == 2 and len(lines) == 1, lines
    assert lines[0].startswith("Deur door-3 kan niet offline starten: hij heeft nog geen kopie van postgresql://")
    assert f"bij de deur van {ROOM} is gemaakt" in lines[0]
    # A copy this laptop made as a desk holds no room's count: not one a door starts from.
    own_server.resume()
    desk = make_switch(own_url, offline_folder(), "door-3", role="desk")
    assert desk.tick()
    desk.close()
    own_server.pause()
    code, lines = _kiosk(own_url, tmp_path, "en", "--role", "door", "--device", "door-3")
    assert code == 2 and lines[0].startswith("Door door-3 cannot start offline"), lines
    assert "made at the door of a session yet" in lines[0]
