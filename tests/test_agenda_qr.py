"""The self-service agenda offers the person's day as a QR code that a phone reads as a calendar."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from kiosk.store.signups import signup
from kiosk.ui.screens.agenda_qr import AgendaQr
from kiosk.ui.widgets.qr_code import QrCode
from tests.support.event import EVENT_DAY, at
from tests.support.pilot import burst, written


async def _agenda_qr(make_app, size):
    app = make_app("selfservice", "09:30")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press(*"ANNA44", "enter")
        await pilot.pause()
        await pilot.press("f10")  # to the agenda
        await pilot.pause()
        await pilot.click("#agenda-qr")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AgendaQr)
        texts = " ".join(str(w.render()) for w in screen.query("Static"))
        codes = list(screen.query(QrCode))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, AgendaQr)  # Close returns to the agenda, still locked
        assert app.locked
        return screen.ics, texts, codes


async def test_large_screen_shows_the_agenda_qr(make_app, people, db):
    signup(db, "ANNA44", "r1-slim-met-stroom", now=at("09:00"))
    signup(db, "ANNA44", "pijler-fysiek", now=at("09:00"))
    ics, texts, codes = await _agenda_qr(make_app, (200, 90))
    assert "BEGIN:VCALENDAR" in ics and ics.count("BEGIN:VEVENT") == 2
    assert "Slim met Stroom" in ics and "Anna" not in ics  # the person's own day, without their name
    assert codes and "telefoon" in texts


async def test_small_screen_says_so_instead_of_a_broken_code(make_app, people, db):
    signup(db, "ANNA44", "r1-slim-met-stroom", now=at("09:00"))
    _, texts, codes = await _agenda_qr(make_app, (80, 24))
    assert not codes and "te klein" in texts


@pytest.mark.skipif(shutil.which("zbarimg") is None, reason="zbarimg (Debian zbar-tools) is not installed")
def test_the_agenda_qr_decodes_to_the_calendar(tmp_path, programme):
    import segno

    from kiosk.interop.ics import agenda_ics

    ics = agenda_ics(programme, ["r1-slim-met-stroom", "pijler-fysiek"], brief=True, now=at("09:30"), on=EVENT_DAY)
    path = tmp_path / "agenda.png"
    segno.make_qr(ics).save(path, scale=4)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True).stdout
    assert out.strip().replace("\r\n", "\n") == ics.strip().replace("\r\n", "\n")


async def test_the_next_badge_scanned_while_the_qr_shows_opens_that_persons_day(make_app, people, db):
    from textual.widgets import Static

    app = make_app("selfservice", "09:30")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"ANNA44", "enter")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        await pilot.click("#agenda-qr")
        await pilot.pause()
        assert isinstance(app.screen, AgendaQr)
        burst(app, [*"SOREN3", "enter"])  # the next person scans while Anna's QR dialog is up
        await pilot.pause(0.3)
        await written(app)
        await pilot.pause()
        shown = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert not isinstance(app.screen, AgendaQr)
        assert "Søren Ødegaard" in shown and "Anna de Vries" not in shown
