"""A desk back online shows the server's figures at once; offline it shows what its copy knows; a start-up calm.

On a PostgreSQL of this module's own (`own_server`; `pause()` stops it, `resume()` starts it again).
- A desk started while its server is away shows its copy's counters; once the server answers and
  its switch is online the side panel reads the server's counters and this desk's last scans at
  once, with no scan of its own and no timer's re-read (WINDOW_SECONDS is put out of reach): the
  listener hears the server again while the switch is still offline, and what the panel read
  then was the copy's (the switch's tick is held until then, as the two one-second loops may fall).
- A desk whose server went before its copy was ever filled says its figures are unknown, not 0 / 0.
- A start whose programme sync finds the server gone (a second after the start) shows no error
  popup ("nothing was saved", beside the desk's amber "kept"): the desk's banner says OFFLINE, and
  the sync is done once the server is back; the programme, self-service and dashboard screens
  likewise show no popup and sync once the server answers.
Screen text at 80x24, in Dutch and English.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import replace

import pytest

from kiosk.env import Env
from kiosk.store import connect
from kiosk.store.db import StoreFault
from kiosk.store.offline_switch import OfflineSwitch, make_switch
from kiosk.store.scans import record_scan
from kiosk.ui.offline_desk import offline_folder
from kiosk.ui.offline_start import offline_app
from kiosk.ui.widgets import desk_counters
from kiosk.ui.widgets.desk_counters import DeskCounters
from kiosk.ui.widgets.offline_banner import OfflineBanner
from tests.support.event import at
from tests.support.own_server import CANCELLED, PEOPLE, own_database
from tests.support.pilot import answer, screen_text, settle, until, written

OFFLINE = {"nl": "OFFLINE: scans worden op deze balie bewaard, {n} wachten",
           "en": "OFFLINE: scans are kept on this desk, {n} waiting"}
OFFLINE_ONE = {"nl": "OFFLINE: scans worden op deze balie bewaard, 1 wacht",
               "en": "OFFLINE: scans are kept on this desk, 1 waiting"}
BACK = {"nl": "Weer online: alle scans staan op de server", "en": "Online again: every scan is on the server"}
ARRIVED = {"nl": "Aangekomen {a} / {e}", "en": "Arrived {a} / {e}"}
UNKNOWN = {"nl": "Aangekomen: onbekend (offline)", "en": "Arrived: unknown (offline)"}
WAITING = {"nl": "(wacht)", "en": "(waiting)"}
KEPT = {"nl": "BEWAARD, NOG NIET GECONTROLEERD", "en": "KEPT, NOT CHECKED YET"}
ROOM = "lunch-vaartocht"
ROOM_TITLE = "Vaartocht over de Zaan"


@pytest.fixture
def own_url(own_server):
    """A fresh database with the roster (three registered, one cancelled); the server runs again afterwards."""
    with own_database(own_server, "backon", [*PEOPLE, CANCELLED]) as url:
        yield url


@pytest.fixture
def no_window_refresh(monkeypatch):
    """The side panel's 20 s re-read of "last 10 min" out of reach: only the return online may bring the figures."""
    monkeypatch.setattr(desk_counters, "WINDOW_SECONDS", 3600.0)


class HeldTicks:
    """An offline switch's background round held until `release()` (no refresh, no upload, no return online)."""

    def __init__(self, switch: OfflineSwitch) -> None:
        self.released = threading.Event()
        self._tick = switch.tick
        switch.tick = self._held  # type: ignore[method-assign]  # its thread calls self.tick() each round

    def _held(self) -> bool:
        return self._tick() if self.released.is_set() else False

    def release(self) -> None:
        """Let the next round run."""
        self.released.set()


def _start_while_down(settings):
    """What `kiosk --role desk` does at a start whose server is away (kiosk.ui.launch.launch)."""
    env = Env(settings)
    with pytest.raises(StoreFault) as caught:
        env.db(defer_programme=True, raise_faults=True)
    return offline_app(env, "desk", caught.value)


@pytest.mark.postgres
@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_desk_started_offline_shows_the_servers_counters_and_its_last_scans_once_back_online(
        own_server, own_url, settings, lang, no_window_refresh):
    settings = replace(settings, db_path=own_url, device="desk-5", lang=lang)
    # The desk ran on the server once: the programme synced (so the return online syncs nothing, and
    # no commit of its own wakes the listener), its copy made while nobody had arrived yet.
    Env(settings).db().close()
    first_day = make_switch(own_url, offline_folder(), "desk-5")
    assert first_day.tick()
    first_day.close()
    db = connect(own_url)  # then, before the laptop's reboot: one scan here, one at another desk
    record_scan(db, "CELIK1", now=at("09:00"), device="desk-5", nonce="back-1")
    record_scan(db, "SOREN3", now=at("09:01"), device="desk-9", nonce="back-2")
    db.close()
    await asyncio.to_thread(own_server.pause)
    app = _start_while_down(settings)
    assert app is not None
    held = HeldTicks(app.ctx.offline)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: banner.text == OFFLINE[lang].format(n=0), "the banner")
        await until(pilot, lambda: ARRIVED[lang].format(a=0, e=3) in screen_text(app), "the copy's counters")
        await asyncio.to_thread(own_server.resume)
        # The listener hears the server first and the panel re-reads, from the copy: the switch is still offline.
        watcher = app.screen.query_one(DeskCounters)._watcher
        await until(pilot, lambda: watcher.listening.is_set(), "the listener back")
        await settle(app, pilot)
        assert ARRIVED[lang].format(a=0, e=3) in screen_text(app)
        held.release()
        await until(pilot, lambda: banner.text == BACK[lang], "back online")
        await until(pilot, lambda: ARRIVED[lang].format(a=2, e=3) in screen_text(app), "the server's counters")
        shown = screen_text(app)
        assert "Ayşe [b]Çelik[/b]" in shown  # this desk's scan before the reboot, in its last scans
        assert "Søren" not in shown  # another desk's scan is not this desk's
        assert answer(app) == "" or "Ayşe" not in answer(app)  # nobody was scanned here: no answer brought them


@pytest.mark.postgres
@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_desk_whose_server_went_before_its_copy_was_filled_says_its_counts_are_unknown(
        own_server, own_url, make_app, settings, lang, monkeypatch, no_window_refresh):
    held: list[HeldTicks] = []
    made = make_switch

    def held_switch(*args, **options):
        switch = made(*args, **options)
        held.append(HeldTicks(switch))
        return switch

    monkeypatch.setattr("kiosk.ui.offline_desk.make_switch", held_switch)
    app = make_app("desk", settings=replace(settings, db_path=own_url, device="desk-6"), lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: ARRIVED[lang].format(a=0, e=3) in screen_text(app), "the server's counters")
        await asyncio.to_thread(own_server.pause)  # before the switch's first refresh filled the copy
        await pilot.press(*"ANNA44", "enter")
        await settle(app, pilot)
        await until(pilot, lambda: KEPT[lang] in answer(app), "the offline answer")  # kept: the copy knows no one
        await until(pilot, lambda: banner.text == OFFLINE_ONE[lang], "the banner")
        await until(pilot, lambda: WAITING[lang] in screen_text(app), "the waiting row")
        shown = screen_text(app)
        assert UNKNOWN[lang] in shown
        assert ARRIVED[lang].format(a=0, e=0) not in shown
        await asyncio.to_thread(own_server.resume)
        held[0].release()
        await until(pilot, lambda: banner.text == BACK[lang], "back online")
        await until(pilot, lambda: ARRIVED[lang].format(a=1, e=3) in screen_text(app), "the server's counters")
        await until(pilot, lambda: WAITING[lang] not in screen_text(app), "the row uploaded")
        assert "Anna de Vries" in screen_text(app)


def _deferred_start_env(settings):
    """The store as a start on an unchanged programme file leaves it: the sync deferred to after the first screen."""
    Env(settings).db().close()  # an earlier start synced this file (its digest is stored)
    db = connect(settings.db_path)
    db.execute("UPDATE sessions SET title = 'changed by hand' WHERE id = ?", (ROOM,))  # the sync has work to do
    db.close()
    env = Env(settings)
    env.db(defer_programme=True)
    assert not env.deferred().ready
    return env


def _title(url: str) -> str:
    db = connect(url)
    try:
        return db.execute("SELECT title FROM sessions WHERE id = ?", (ROOM,)).fetchone()[0]
    finally:
        db.close()


def _popups(app) -> list[str]:
    """The notifications the app holds (on screen they wrap), errors and warnings."""
    return [n.message for n in app._notifications if n.severity in ("error", "warning")]


@pytest.mark.postgres
@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_desk_whose_server_went_before_the_programme_sync_says_offline_calmly_and_syncs_later(
        own_server, own_url, make_app, settings, lang):
    settings = replace(settings, db_path=own_url, device="desk-7", lang=lang)
    env = _deferred_start_env(settings)
    await asyncio.to_thread(own_server.pause)  # a second after the start, before the sync
    app = make_app("desk", settings=settings, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: banner.text == OFFLINE[lang].format(n=0), "the banner")
        # A code the copy does not hold: amber, kept. (No settle(): the sync's worker waits for the server.)
        await pilot.press(*"NOSUCH", "enter")
        await until(pilot, lambda: KEPT[lang] in answer(app), "the kept answer")
        await until(pilot, lambda: banner.text == OFFLINE_ONE[lang], "one waiting")
        assert _popups(app) == []
        shown = screen_text(app)
        assert "niets opgeslagen" not in shown and "nothing was saved" not in shown.replace("\n", " ")
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: banner.text == BACK[lang], "back online")
        await until(pilot, lambda: _title(own_url) == ROOM_TITLE, "the programme synced once the server answered")
        assert _popups(app) == []


@pytest.mark.postgres
@pytest.mark.parametrize("role", ["programme", "selfservice", "dashboard"])
async def test_other_roles_whose_server_went_before_the_programme_sync_show_no_popup_and_sync_later(
        own_server, own_url, make_app, settings, role):
    settings = replace(settings, db_path=own_url, lang="en", staff_pin="4821")
    env = _deferred_start_env(settings)
    await asyncio.to_thread(own_server.pause)
    app = make_app(role, settings=settings, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        # The sync's first try has failed by now (a refused connection fails at once). No settle(): its
        # worker waits for the server.
        await pilot.pause(1.0)
        assert _popups(app) == []
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: _title(own_url) == ROOM_TITLE, "the programme synced once the server answered")
        assert _popups(app) == []
        assert app.is_running


@pytest.mark.postgres
async def test_a_door_whose_server_went_before_the_programme_sync_says_offline_calmly_and_syncs_later(
        own_server, own_url, make_app, settings):
    settings = replace(settings, db_path=own_url, device="door-7", lang="nl")
    env = _deferred_start_env(settings)
    first_day = make_switch(own_url, offline_folder(), "door-7", role="door", lists=("venue", ROOM))
    assert first_day.tick()  # the door ran at this session before: its copy is made
    first_day.close()
    await asyncio.to_thread(own_server.pause)
    app = make_app("door", settings=settings, env=env, session_id=ROOM)
    async with app.run_test(size=(80, 24)) as pilot:
        banner = app.screen.query_one(OfflineBanner)
        await until(pilot, lambda: banner.text == "OFFLINE: scans worden bij deze deur bewaard, 0 wachten", "the banner")
        assert ROOM_TITLE in screen_text(app)  # its session as the programme file has it (the server is away)
        assert _popups(app) == []
        await asyncio.to_thread(own_server.resume)
        await until(pilot, lambda: banner.text == BACK["nl"], "back online")
        await until(pilot, lambda: _title(own_url) == ROOM_TITLE, "the programme synced once the server answered")
        assert _popups(app) == []


async def test_a_start_up_sync_refused_for_another_reason_is_said_once_as_before(make_app, settings, monkeypatch):
    """Not the network: the disk is full (SQLite here). The sentence is shown once, not tried again."""
    from kiosk.store import sessions
    from kiosk.store.db import FaultKind, StoreError

    env = _deferred_start_env(settings)
    tries: list[int] = []

    def full(*_args, **_kwargs):
        tries.append(1)
        raise StoreError("disk full", kind=FaultKind.FULL)

    monkeypatch.setattr(sessions, "sync_programme", full)
    app = make_app("desk", settings=settings, env=env)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: _popups(app), "the popup")
        await written(app)
        await pilot.pause()
        assert _popups(app) == ["De schijf is vol; er is niets opgeslagen. Vraag de organisatie ruimte vrij te maken."]
        assert tries == [1] and app.is_running
