"""The print keys without a printer at hand: what Ctrl+P at the desk and the kiosk's button say before
anything is sent (no printer set, nobody on the answer, a cancelled registration), and that a
badge is never printed for someone no longer on screen. tests/test_print_cups.py prints for real.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Static

import kiosk.ui.screens.desk as desk_screen
from kiosk.clock import Clock
from kiosk.ui.launch import build_app
from tests.conftest import EVENT_DAY
from tests.desk_pilot import screen_lines, screen_text, settle


def texts(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


def desk(settings, lang: str = "nl", printer: str | None = None):
    return build_app(replace(settings, lang=lang, printer=printer), role="desk",
                     clock=Clock.fixed("10:15", event_date=EVENT_DAY))


async def test_without_a_printer_ctrl_p_says_so_at_once(settings, db, people):
    for lang, said in (("nl", "Geen printer ingesteld: start met --printer NAAM (of zet KIOSK_PRINTER)"),
                       ("en", "No printer set: start with --printer NAME (or set KIOSK_PRINTER)")):
        app = desk(settings, lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"ANNA44", "enter")
            await settle(app, pilot)
            await pilot.press("ctrl+p")
            await pilot.pause()
            assert said in texts(app)
            assert "^p Badge" in screen_lines(app)[-1]  # the key is there, and says what it needs
    assert db.execute("SELECT COUNT(*) FROM badge_prints").fetchone()[0] == 0


async def test_ctrl_p_prints_only_who_the_answer_shows(settings, db, people, monkeypatch):
    app = desk(settings, printer="nowhere-printer")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")  # nothing shown yet
        await pilot.pause()
        assert "Niemand om te printen: scan of zoek eerst de persoon" in texts(app)
        await pilot.press(*"QQQ999", "enter")  # an unknown code is no one to print
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert "Niemand om te printen" in texts(app)
        await pilot.press(*"CANC55", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert "De registratie van Cancelled Person is geannuleerd: geen badge." in texts(app)
        monkeypatch.setattr(desk_screen, "ANSWER_SECONDS", 0.3)
        await pilot.press(*"ANNA44", "enter")
        await settle(app, pilot)
        await pilot.pause(0.6)  # the answer's time is over: back to "scan a badge"
        assert "Anna de Vries" not in texts(app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert "Niemand om te printen" in texts(app)
    assert db.execute("SELECT COUNT(*) FROM badge_prints").fetchone()[0] == 0


async def test_the_kiosk_shows_no_print_button_without_a_printer(settings, db, people):
    for printer, shown in ((None, False), ("kiosk-pdf", True)):
        app = build_app(replace(settings, printer=printer), role="selfservice",
                        clock=Clock.fixed("09:45", event_date=EVENT_DAY))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press(*"ANNA44", "enter")
            await pilot.pause()
            await pilot.press("f10")
            await pilot.pause()
            assert "Uw dag, Anna de Vries" in screen_text(app)
            assert ("Print mijn badge" in screen_text(app)) is shown
