"""The self-service kiosk: lock-down, hostile names, the staff PIN, idle reset, choosing, waitlist."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import Input, Static

from kiosk.domain.pin import LOCK_SECONDS, REDACTED, PinOutcome, StaffPin
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.signups import cancel, signup
from kiosk.ui.key_burst import BURST_SECONDS
from kiosk.ui.screens.pin_prompt import PinPrompt
from kiosk.ui.screens.selfservice import SelfServiceScreen
from kiosk.ui.screens.selfservice_guard import ENTER_GUARD_SECONDS
from kiosk.ui.widgets.option_card import OptionCard
from tests.support.pilot import written
from tests.support.selfservice import active, scan, texts

VAARTOCHT = "lunch-vaartocht"


async def choose(pilot, key: str) -> None:
    """Press a choice key and wait for the worker's committed answer."""
    await pilot.press(key)
    await pilot.pause(BURST_SECONDS * 3)  # a person's single key acts once no scanner burst follows it
    await written(pilot.app)
    await pilot.pause()


@pytest.fixture
def crowd(db, now) -> list[str]:
    """Fifteen other attendees to fill the Vaartocht with."""
    rows = [RosterRow(f"Deelnemer {i}", code=f"CROWD{i:02d}") for i in range(15)]
    upsert_attendees(db, rows, now.isoformat())
    return [row.code for row in rows]


async def test_lockdown_keys_and_clicks_do_nothing_harmful(make_app, people):
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.locked and isinstance(app.screen, SelfServiceScreen)
        shown = {b.binding.action for b in app.screen.active_bindings.values() if b.binding.show}
        assert not [a for a in shown if "switch_role" in a or "quit" in a]
        for key in ["ctrl+c", "ctrl+q", "ctrl+p", "escape", *[f"f{n}" for n in range(1, 13)], "ctrl+z", "ctrl+backslash"]:
            await pilot.press(key)
            await pilot.pause()
            assert app.is_running and app.return_code is None, key
            assert isinstance(app.screen, SelfServiceScreen), key
        for where in ["#header-event", "#header-title", "#header-clock", "#welcome-title", "#welcome-lang",
                      "#welcome-contrast", "#welcome-code"]:
            await pilot.click(where)
            await pilot.pause()
        for x in range(0, 80, 9):
            await pilot.click(offset=(x, 23))  # the Footer: its keys go through the same checks
            await pilot.pause()
            if isinstance(app.screen, PinPrompt):
                await pilot.press("escape")
                await pilot.pause()
        assert app.is_running and isinstance(app.screen, SelfServiceScreen) and app.locked
        assert app.ALLOW_SELECT is False and app.ENABLE_COMMAND_PALETTE is False


async def test_markup_name_is_shown_literally_and_is_harmless(make_app, people):
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await scan(pilot, "MARKUP")
        hello = app.screen.query_one("#day-hello", Static)
        assert "[@click=app.quit]x[/]" in str(hello.render())
        await pilot.click("#day-hello")
        await pilot.click("#day-hello", offset=(10, 0))
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, SelfServiceScreen)
        await pilot.press("f10")
        await pilot.pause()
        assert "[@click=app.quit]x[/]" in texts(app)
        await pilot.click("#agenda-title", offset=(10, 0))
        await pilot.pause()
        assert app.is_running


async def test_pin_locks_out_after_five_wrong(make_app, people):
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PinPrompt)
        for _attempt in range(5):
            await pilot.press(*"9999")
            await pilot.click("#pin-desk")
            await pilot.pause()
        assert app.screen.query_one("#pin-input", Input).disabled
        assert "vergrendeld" in str(app.screen.query_one("#pin-message", Static).render())
        # Even the right PIN does nothing while locked (the check refuses it too).
        assert app.staff_pin.check("1234").outcome is PinOutcome.LOCKED
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SelfServiceScreen) and app.locked


async def test_right_pin_leaves_or_switches_role(make_app, settings, people):
    app = make_app("selfservice", "09:45")
    assert settings.staff_pin == REDACTED and not app.pin_is_default  # the clear PIN is gone
    assert "1234" not in repr(app.staff_pin)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "ANNA44")
        await pilot.press("ctrl+s", *"1234")
        await pilot.click("#pin-programme")
        await pilot.pause()
        assert not app.locked and app.current_mode == "programme"
        kiosk_screen = app.get_screen_stack("selfservice")[0]
        assert not kiosk_screen.query("#day-hello") and "Anna" not in texts(app)
        await pilot.press("f6")  # back to the kiosk: locked again, and fresh
        await pilot.pause()
        assert app.locked and isinstance(app.screen, SelfServiceScreen)
        assert "Anna" not in texts(app)
        await pilot.press("ctrl+s", *"1234")
        await pilot.click("#pin-quit")
        await pilot.pause()
    assert app.return_code == 0


async def test_default_pin_works_but_only_staff_are_told_of_it(make_app, settings, people):
    settings.staff_pin = None
    app = make_app("desk", "09:30")
    assert app.pin_is_default
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f6")  # staff hand the terminal to the public: they are warned, once
        await pilot.pause()
        assert any("standaard-PIN" in n.message for n in app._notifications)
        app.clear_notifications()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "standaard" not in texts(app) and "0000" not in texts(app)  # nothing for passers-by
        await pilot.press(*"0000")
        await pilot.click("#pin-quit")
        await pilot.pause()
    assert app.return_code == 0


def test_staff_pin_lock_out_expires_on_the_clock():
    moment = [dt.datetime(2026, 11, 29, 10, 0)]
    pin = StaffPin("4321", is_default=False, now=lambda: moment[0])
    assert pin.check("1111").attempts_left == 4
    for _ in range(4):
        result = pin.check("1111")
    assert result.outcome is PinOutcome.LOCKED and result.locked_seconds == LOCK_SECONDS
    assert pin.check("4321").outcome is PinOutcome.LOCKED
    moment[0] += dt.timedelta(seconds=LOCK_SECONDS + 1)
    assert pin.check("4321").ok and pin.check(" 4321 ").ok


async def _until(pilot, condition, timeout: float) -> bool:
    """Wait (in app time) until `condition()` holds; False when `timeout` seconds pass first."""
    waited = 0.0
    while not condition():
        if waited >= timeout:
            return False
        await pilot.pause(0.05)
        waited += 0.05
    return True


async def test_idle_reset_with_countdown_clears_the_person(make_app, people, monkeypatch):
    monkeypatch.setattr(SelfServiceScreen, "IDLE_SECONDS", 3.0)
    monkeypatch.setattr(SelfServiceScreen, "COUNTDOWN_SECONDS", 2.0)
    monkeypatch.setattr(SelfServiceScreen, "TICK", 0.05)
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, "ANNA44")
        assert "Anna de Vries" in texts(app)
        countdown = app.screen.query_one("#idle-countdown", Static)
        # Polled rather than slept: under a loaded CI machine a fixed pause lands anywhere.
        assert await _until(pilot, lambda: countdown.has_class("-shown"), 6)
        assert "terug naar het begin" in str(countdown.render())
        assert "Anna de Vries" in texts(app)  # still theirs while the countdown runs
        assert await _until(pilot, lambda: bool(app.screen.query("#welcome-code")), 6)
        assert "Anna de Vries" not in texts(app) and not app.screen.query("#day")
        assert not countdown.has_class("-shown")


async def test_choosing_through_the_day_then_confirm(make_app, people, db):
    app = make_app("selfservice", "09:45")
    code = people["Anna de Vries"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        await choose(pilot, "2")  # Ronde 1: Slim met Stroom
        await choose(pilot, "3")  # Lunch: Stadswandeling Monet
        # The ambassador talk clashes with the walk: flagged on the card, refused by the store.
        assert "Overlapt met Stadswandeling Monet" in str(app.screen.query_one(OptionCard).render())
        await choose(pilot, "1")
        message = str(app.screen.query_one("#day-message", Static).render())
        assert "overlapt met Stadswandeling Monet" in message
        await pilot.press("pagedown")
        await pilot.pause()
        assert "door de koffiepauze heen" in texts(app) or "door de koffiepauze heen" in "".join(
            str(c.render()) for c in app.screen.query(OptionCard))
        await choose(pilot, "1")  # Ronde 2: Themagroep Veiligheid
        await choose(pilot, "2")  # Pijlers: Fysiek, then the agenda
        assert app.screen.query("#agenda")
        agenda = texts(app)
        assert "Slim met Stroom" in agenda and "Themagroep Veiligheid" in agenda and "Pijler Fysiek" in agenda
        await pilot.pause(ENTER_GUARD_SECONDS)  # a look at the agenda (an Enter sooner is a chooser's)
        await pilot.press("enter")  # Confirm and finish
        await pilot.pause()
        assert app.screen.query("#welcome-code") and "Anna" not in texts(app)
    assert active(db, code) == {"r1-slim-met-stroom": "confirmed", "lunch-monet": "confirmed",
                                "r2-veiligheid": "confirmed", "pijler-fysiek": "confirmed"}


async def test_one_choice_per_round_in_the_ui(make_app, people, db):
    app = make_app("selfservice", "09:45")
    code = people["Pieter van 't Hof"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        await choose(pilot, "2")
        await pilot.press("pageup")
        await pilot.pause()
        await choose(pilot, "4")
        assert "in plaats van Slim met Stroom" in texts(app)
    assert active(db, code) == {"r1-migratie-en-werk": "confirmed"}


async def test_full_vaartocht_offers_the_waitlist_and_promotion_shows_next_scan(make_app, people, crowd, db, now):
    for other in crowd:
        signup(db, other, VAARTOCHT, now=now)
    app = make_app("selfservice", "09:45")
    code = people["Søren Ødegaard"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        await pilot.press("pagedown")
        await pilot.pause()
        boat = app.screen.query(OptionCard)[4]
        assert "Vol: wachtlijst" in str(boat.render())
        await choose(pilot, "5")
        assert "wachtlijst, plaats 1" in str(app.screen.query_one("#day-message", Static).render())
        assert "Wachtlijst: plaats 1" in str(app.screen.query(OptionCard)[4].render())
        await pilot.press("escape")
        await pilot.pause()
        cancel(db, crowd[0], VAARTOCHT, now=now)  # a seat frees: the first in line gets it by itself
        await scan(pilot, code)
        message = app.screen.query_one("#day-message", Static)
        assert message.has_class("-notice") and "Vaartocht over de Zaan" in str(message.render())
        await written(app)
        await pilot.press("escape")
        await pilot.pause()
        await scan(pilot, code)  # news once: the next scan shows their day without it
        message = app.screen.query_one("#day-message", Static)
        assert not message.has_class("-notice") and "plaats vrij" not in str(message.render())
    assert active(db, code) == {VAARTOCHT: "confirmed"}


async def test_when_every_round_has_closed_the_day_opens_on_the_agenda(make_app, people, db):
    app = make_app("selfservice", "16:00")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, people["Anna de Vries"])
        shown = texts(app)
        assert "11:30-12:30" in shown and "Keuzesessies - Ronde 1: geen keuze" in shown
        assert not app.screen.query(OptionCard)


async def test_closed_round_says_so(make_app, people, db):
    app = make_app("selfservice", "11:45")
    code = people["Anna de Vries"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        assert "Lunch-activiteiten" in texts(app)  # starts at the first round still open
        await pilot.press("pageup")
        await pilot.pause()
        assert "Gesloten" in texts(app) and "gesloten" in str(app.screen.query(OptionCard)[0].render())
        await choose(pilot, "1")
        assert "is gesloten" in str(app.screen.query_one("#day-message", Static).render())
    assert active(db, code) == {}


async def test_unknown_code_language_and_contrast(make_app, people):
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(160, 48)) as pilot:
        await scan(pilot, "ZZZZZZ")
        assert "Deze code kennen we niet" in texts(app) and app.screen.query("#welcome-code")
        await pilot.press("f2")
        await pilot.pause()
        assert "Scan your badge or type your code" in texts(app)
        await pilot.click("#welcome-contrast")
        await pilot.pause()
        assert app.theme == "kiosk-contrast"
        await scan(pilot, "CELIK1")
        assert "Choice sessions - Round 1" in texts(app)
        await pilot.press("escape")  # the next person gets the defaults again
        await pilot.pause()
        assert app.theme != "kiosk-contrast" and "Scan uw badge of typ uw code" in texts(app)


async def test_choosing_ones_own_seat_twice_gives_it_up_and_the_waitlist_moves(make_app, people, crowd, db, now):
    for other in crowd:
        signup(db, other, VAARTOCHT, now=now)
    waiting = people["Anna de Vries"]
    signup(db, waiting, VAARTOCHT, now=now)  # first on the waitlist
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, crowd[0])
        await pilot.press("pagedown")
        await pilot.pause()
        await choose(pilot, "5")  # the boat: already theirs
        message = str(app.screen.query_one("#day-message", Static).render())
        assert "Dit is al uw keuze" in message and "Lunch" in texts(app)  # still on the lunch round
        await choose(pilot, "5")  # again: give it up
        assert "Afgemeld voor Vaartocht over de Zaan" in str(app.screen.query_one("#day-message", Static).render())
    assert active(db, crowd[0]) == {}
    assert active(db, waiting) == {VAARTOCHT: "confirmed"}


async def test_a_waitlist_place_chosen_twice_is_left(make_app, people, crowd, db, now):
    for other in crowd:
        signup(db, other, VAARTOCHT, now=now)
    code = people["Anna de Vries"]
    signup(db, code, VAARTOCHT, now=now)  # on the waitlist, place 1
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        await pilot.press("pagedown")
        await pilot.pause()
        await choose(pilot, "5")
        assert "Kies het nogmaals om de wachtlijst te verlaten" in str(app.screen.query_one("#day-message").render())
        await choose(pilot, "5")
        assert "Afgemeld voor Vaartocht over de Zaan" in str(app.screen.query_one("#day-message").render())
    assert active(db, code) == {}


async def test_the_good_news_survives_a_switch_of_language(make_app, people, crowd, db, now):
    for other in crowd:
        signup(db, other, VAARTOCHT, now=now)
    code = people["Søren Ødegaard"]
    signup(db, code, VAARTOCHT, now=now)
    cancel(db, crowd[0], VAARTOCHT, now=now)  # Søren gets the seat
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        assert "Goed nieuws" in str(app.screen.query_one("#day-message").render())
        await pilot.press("f2")  # English first
        await pilot.pause()
        assert "Good news" in str(app.screen.query_one("#day-message").render())


async def test_the_good_news_names_the_choice_the_seat_replaced(make_app, people, crowd, db, now):
    for other in crowd:
        signup(db, other, VAARTOCHT, now=now)
    code, other = people["Søren Ødegaard"], people["Anna de Vries"]
    signup(db, code, "lunch-monet", now=now)  # a reserve in the same round
    signup(db, code, VAARTOCHT, now=now)  # and the boat's waitlist
    signup(db, other, VAARTOCHT, now=now)  # next in line, without a reserve
    cancel(db, crowd[0], VAARTOCHT, now=now)  # the seat goes to Søren; the walk is given up for it
    cancel(db, crowd[1], VAARTOCHT, now=now)  # and one to Anna
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=(120, 30)) as pilot:
        await scan(pilot, code)
        notice = str(app.screen.query_one("#day-message").render())
        assert "Vaartocht over de Zaan, in plaats van Stadswandeling Monet" in notice
        await pilot.press("escape")
        await pilot.pause()
        await scan(pilot, other)  # her news names no replaced choice: not Søren's from before
        notice = str(app.screen.query_one("#day-message").render())
        assert "Goed nieuws" in notice and "in plaats van" not in notice
    assert active(db, code) == {VAARTOCHT: "confirmed"}
