"""A door scanning on while its server is stopped, and the dashboard staying up through it.

On a PostgreSQL of this module's own (`PgCluster.start_new()`; `pause()` stops it, `resume()`
starts it again). The door screen on PostgreSQL keeps its session's presence in its local copy:
with the server gone it answers from it (in, already inside since, the room's count), says so in
the same banner as the desk ("OFFLINE: scans are kept at this door, 2 waiting"), and once the
server is back uploads each scan once with the venue arrival it brings along, and goes online
by itself. The dashboard, whose figures are read on its UI thread, says in one sentence that the
server cannot be reached instead of ending with a traceback, and recovers by itself.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from kiosk.store import connect
from kiosk.store.scans import record_scan
from kiosk.ui.widgets.offline_banner import OfflineBanner
from kiosk.ui.widgets.server_away import away_text
from tests.support.door import door_scan_at, door_text
from tests.support.event import at
from tests.support.own_server import PEOPLE, own_database
from tests.support.pilot import screen_text, until

ROOM = "lunch-vaartocht"  # 15 seats


@pytest.fixture
def own_url(own_server):
    """A fresh database with the roster; the server runs again afterwards."""
    with own_database(own_server, "offdoor", PEOPLE) as url:
        yield url


@pytest.mark.postgres
async def test_the_door_scans_on_offline_and_uploads_each_scan_once_with_the_venue_arrival(
        own_server, own_url, make_app, settings):
    app = make_app("door", "12:40", settings=replace(settings, db_path=own_url, device="door-1"), lang="en",
                   session_id=ROOM)
    async with app.run_test(size=(100, 30)) as pilot:
        switch = app.ctx.offline
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: switch.person("ANNA44") is not None and switch.lists == ("venue", ROOM),
                     "the local copy")
        await door_scan_at(app, pilot, "CELIK1", 0)
        assert "Inside 1 / 15" in door_text(app)
        await until(pilot, lambda: switch.inside(ROOM) == 1, "the door's own scan in the copy")
        await asyncio.to_thread(own_server.pause)
        await door_scan_at(app, pilot, "SOREN3", 5)
        await until(pilot, lambda: "Søren Ødegaard" in door_text(app), "the offline answer")
        shown = door_text(app)
        assert "Inside 2 / 15" in shown and "In · " in shown and "Also checked in at the venue" in shown
        await door_scan_at(app, pilot, "CELIK1", 10)
        assert "Already inside since 12:40" in door_text(app)
        await pilot.press("f8")
        await door_scan_at(app, pilot, "ANNA44", 15)
        assert "Anna de Vries" in door_text(app) and "Inside 2 / 15" in door_text(app)  # not inside: nobody left
        await until(pilot, lambda: banner.text == "OFFLINE: scans are kept at this door, 3 waiting", "the banner")
        assert banner.display
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: banner.text == "Online again: every scan is on the server", "back online")
        await pilot.press("f8")
        await door_scan_at(app, pilot, "ANNA44", 20)  # online again: straight to the server
        assert "Inside 3 / 15" in door_text(app)
    db = connect(own_url)
    rows = db.execute("SELECT raw_code, list, direction, reason FROM scans WHERE device = 'door-1' ORDER BY id").fetchall()
    inside = db.execute("SELECT value FROM tallies WHERE key = ?", (f"inside:{ROOM}",)).fetchone()[0]
    arrived = db.execute("SELECT value FROM tallies WHERE key = 'arrived:venue'").fetchone()[0]
    db.close()
    assert rows == [("CELIK1", "venue", "entry", "ok"), ("CELIK1", ROOM, "entry", "ok"),
                    ("SOREN3", "venue", "entry", "ok"), ("SOREN3", ROOM, "entry", "ok"),
                    ("CELIK1", ROOM, "entry", "already_in"), ("ANNA44", ROOM, "exit", "not_inside"),
                    ("ANNA44", "venue", "entry", "ok"), ("ANNA44", ROOM, "entry", "ok")]
    assert (inside, arrived) == (3, 3)


def test_the_dashboards_sentence_in_both_languages():
    moment = at("11:42")
    assert away_text("en", moment) == ("The database server cannot be reached; the figures below are from 11:42:00 "
                                       "and update by themselves once it is back.")
    assert away_text("nl", moment) == ("De databaseserver is niet bereikbaar; de cijfers hieronder zijn van 11:42:00 "
                                       "en worden vanzelf weer bijgewerkt zodra hij terug is.")
    assert away_text("en", None) == "The database server cannot be reached; the figures appear by themselves once it is back."


@pytest.mark.postgres
async def test_the_dashboard_stays_up_while_the_server_is_stopped_and_recovers_by_itself(
        own_server, own_url, make_app, settings):
    app = make_app("dashboard", "11:45", settings=replace(settings, db_path=own_url), lang="en")
    away = "The database server cannot be reached; the figures below are from 11:45:00"
    async with app.run_test(size=(160, 60)) as pilot:
        await pilot.pause(0.2)
        assert away not in screen_text(app)
        await asyncio.to_thread(own_server.pause)
        await until(pilot, lambda: away in screen_text(app), "the sentence")
        await pilot.pause(1.5)  # a few more rounds of the figures read each second
        assert app.is_running and away in screen_text(app)
        await pilot.press("f10")  # a refresh asked for by hand fails the same quiet way
        await pilot.pause(0.2)
        assert app.is_running
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: away not in screen_text(app), "the recovery")
        db = connect(own_url)
        record_scan(db, "SOREN3", now=at("11:45"), device="desk-1")
        db.close()
        await until(pilot, lambda: "Søren Ødegaard" in screen_text(app), "a new scan, live again")
