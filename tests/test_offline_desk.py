"""The desk's screen on PostgreSQL goes offline by itself when the server stops, and back when it returns.

A Pilot test on a server of this module's own (`PgCluster.start_new()`; `pause()` stops it,
`resume()` starts it again): the banner says in the screen's language that scans are kept on this
desk and how many wait, the scans are answered from the local copy, and once the server is back
the count goes to 0 and each scan is in the server's log once. Also: the banner's words, the
self-service kiosk's "choosing is paused" and the dashboard's list of devices.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from kiosk.store import connect
from kiosk.ui.widgets.offline_banner import OfflineBanner, banner_text
from tests.support.event import at
from tests.support.own_server import CANCELLED, PEOPLE, own_database
from tests.support.pilot import answer, settle, until


@pytest.fixture
def own_url(own_server):
    """A fresh database with the roster; the server runs again afterwards."""
    with own_database(own_server, "offdesk", [*PEOPLE, CANCELLED]) as url:
        yield url


async def _scan(app, pilot, code: str) -> None:
    await pilot.press(*code, "enter")
    await settle(app, pilot)


def test_the_banner_says_how_many_wait_in_both_languages():
    assert banner_text(True, 7, "en") == "OFFLINE: scans are kept on this desk, 7 waiting"
    assert banner_text(True, 7, "nl") == "OFFLINE: scans worden op deze balie bewaard, 7 wachten"
    assert banner_text(True, 1, "nl") == "OFFLINE: scans worden op deze balie bewaard, 1 wacht"
    assert banner_text(False, 0, "nl") == ""


@pytest.mark.postgres
async def test_the_desk_goes_offline_by_itself_and_comes_back(own_server, own_url, make_app, settings, tmp_path,
                                                              monkeypatch):
    monkeypatch.setenv("KIOSK_OFFLINE_DIR", str(tmp_path))
    app = make_app("desk", settings=replace(settings, db_path=own_url, device="desk-2"), lang="en")
    async with app.run_test(size=(100, 30)) as pilot:
        switch = app.ctx.offline
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: switch.person("CELIK1") is not None, "the local copy")
        await _scan(app, pilot, "CELIK1")
        assert "WELCOME" in answer(app)
        assert not banner.display
        await asyncio.to_thread(own_server.pause)
        await _scan(app, pilot, "SOREN3")
        await until(pilot, lambda: "Søren Ødegaard" in answer(app), "the offline answer")
        assert "WELCOME" in answer(app)
        await _scan(app, pilot, "CANC55")
        assert "REGISTRATION CANCELLED" in answer(app)
        await _scan(app, pilot, "NOSUCH")
        assert "KEPT, NOT CHECKED YET" in answer(app)  # the server may know it: judged on upload, never "unknown" here
        await _scan(app, pilot, "celik1")
        assert "ALREADY CHECKED IN" in answer(app)  # as far as this desk knows
        await until(pilot, lambda: banner.text == "OFFLINE: scans are kept on this desk, 4 waiting", "the banner")
        assert banner.display
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: banner.text == "Online again: every scan is on the server", "back online")
        await _scan(app, pilot, "ANNA44")  # online again: straight to the server
        assert "WELCOME" in answer(app)
    db = connect(own_url)
    rows = db.execute("SELECT raw_code, reason FROM scans WHERE device = 'desk-2' ORDER BY id").fetchall()
    db.close()
    assert rows == [("CELIK1", "ok"), ("SOREN3", "ok"), ("CANC55", "cancelled"), ("NOSUCH", "unknown_code"),
                    ("celik1", "already_in"), ("ANNA44", "ok")]


@pytest.mark.postgres
async def test_a_desks_first_scan_after_the_server_went_is_answered_offline(own_server, own_url, make_app, settings,
                                                                            tmp_path, monkeypatch):
    """The desk's writer opens its connection at its first scan: with the server gone then, it still answers."""
    monkeypatch.setenv("KIOSK_OFFLINE_DIR", str(tmp_path))
    app = make_app("desk", settings=replace(settings, db_path=own_url, device="desk-3"))
    async with app.run_test(size=(100, 30)) as pilot:
        switch = app.ctx.offline
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: switch.person("ANNA44") is not None, "the local copy")
        await asyncio.to_thread(own_server.pause)
        await _scan(app, pilot, "ANNA44")
        await until(pilot, lambda: "Anna de Vries" in answer(app), "the offline answer")
        assert "WELKOM" in answer(app)
        await until(pilot, lambda: banner.text == "OFFLINE: scans worden op deze balie bewaard, 1 wacht", "the banner")
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: banner.text == "Weer online: alle scans staan op de server", "back online")
    db = connect(own_url)
    assert db.execute("SELECT raw_code, reason FROM scans WHERE device = 'desk-3'").fetchall() == [("ANNA44", "ok")]
    db.close()


@pytest.mark.postgres
async def test_the_kiosk_pauses_choosing_while_the_server_is_gone(own_server, own_url, make_app, settings):
    from kiosk.ui.key_burst import BURST_SECONDS
    from tests.support.selfservice import scan, texts

    app = make_app("selfservice", "09:45", settings=replace(settings, db_path=own_url), lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "ANNA44")
        await until(pilot, lambda: "Anna de Vries" in texts(app), "her day")
        await asyncio.to_thread(own_server.pause)
        await pilot.press("2")
        await pilot.pause(BURST_SECONDS * 3)
        await until(pilot, lambda: "Choosing is paused for a moment" in texts(app), "the pause")
        assert "Choosing is paused for a moment. Please try again, or ask at the desk." in texts(app)
        await pilot.press("escape")
        await pilot.pause()
        await scan(pilot, "SOREN3")  # a badge while the server is gone: the same words, no day of someone's
        await until(pilot, lambda: "Choosing is paused for a moment" in texts(app), "the pause at the welcome")
        assert "Søren" not in texts(app)
        await asyncio.to_thread(own_server.resume)
    db = connect(own_url)
    assert db.execute("SELECT COUNT(*) FROM signups").fetchone()[0] == 0  # nothing promised, nothing written
    db.close()


async def test_the_dashboard_lists_each_device_with_its_waiting_scans_and_when_it_was_seen(make_app, db):
    import datetime as dt

    from kiosk.store.devices import heartbeat
    from tests.support.pilot import screen_text, until

    heartbeat(db, "desk-2", "desk", at("11:44") + dt.timedelta(seconds=20), 12, at("11:40").isoformat())
    heartbeat(db, "desk-1", "desk", at("11:45"), 1)
    app = make_app("dashboard", "11:45", lang="en")
    async with app.run_test(size=(160, 60)) as pilot:
        await until(pilot, lambda: "desk-2: 12 waiting, last seen 40 s ago" in screen_text(app), "the devices")
        shown = screen_text(app)
        assert "desk-2: 12 waiting, last seen 40 s ago · offline" in shown
        assert "desk-1: 1 waiting, last seen 0 s ago" in shown
