"""One visit at the self-service kiosk (kiosk/ui/screens/selfservice_visit.py): answers to a choice
being written belong to the visit that made it. The next person sees none of them, and a
choice still being written when the person moved on never leaves the cards dead."""

from __future__ import annotations

import threading
import time

from textual.widgets import Input, Static

import kiosk.ui.screens.selfservice_open as selfservice_open
import kiosk.ui.selfservice_jobs as selfservice_jobs
from kiosk.ui.key_burst import BURST_SECONDS
from kiosk.ui.screens.selfservice_guard import ENTER_GUARD_SECONDS
from tests.support.pilot import burst, screen_text, until, written
from tests.support.selfservice import active, scan, texts


def slow_signups(monkeypatch, seconds: float = 0.4) -> None:
    """Every sign-up takes `seconds` to be written (a busy file): the person can move on meanwhile."""
    real = selfservice_jobs.signup

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    monkeypatch.setattr(selfservice_jobs, "signup", slow)


async def press_one(pilot, key: str) -> None:
    """A person's single key: it acts once no scanner burst follows it."""
    await pilot.press(key)
    await pilot.pause(BURST_SECONDS * 3)


async def settled(app, pilot) -> None:
    await written(app)
    await pilot.pause()


async def test_a_choice_written_while_they_look_at_their_agenda_leaves_the_cards_working(make_app, people, db,
                                                                                        monkeypatch):
    slow_signups(monkeypatch)
    app = make_app("selfservice", "09:45")
    code = people["Pieter van 't Hof"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        await press_one(pilot, "2")  # Ronde 1: Slim met Stroom, being written...
        await pilot.press("f10")  # ...while they go on to their agenda
        await settled(app, pilot)
        # Shown before the choice was written, and read again once it was: not "Ronde 1: geen keuze".
        # Waited for: the answer's handler may still be re-reading it when the write's worker is done.
        await until(pilot, lambda: "11:30-12:30 Slim met Stroom" in screen_text(app), "the agenda with the choice")
        assert app.screen.query("#agenda")
        await pilot.pause(ENTER_GUARD_SECONDS)
        await pilot.press("tab", "enter")  # "Wijzigen": back to the rounds, at the first
        await settled(app, pilot)
        assert app.screen.query("#day")
        assert "✓ Uw keuze" in screen_text(app)  # the rounds, too, show the choice as written
        await press_one(pilot, "4")  # another session of Ronde 1
        await settled(app, pilot)
        assert "in plaats van Slim met Stroom" in str(app.screen.query_one("#day-message", Static).render())
    assert active(db, code) == {"r1-migratie-en-werk": "confirmed"}


async def test_the_answer_to_a_choice_that_comes_after_the_next_badge_is_shown_to_nobody(make_app, people, db,
                                                                                        monkeypatch):
    slow_signups(monkeypatch)
    app = make_app("selfservice", "09:45")
    first, second = people["Anna de Vries"], people["Søren Ødegaard"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, first)
        await press_one(pilot, "2")  # Anna chooses Slim met Stroom, and walks away while it is written
        burst(app, [*second, "enter"])  # the next person scans their badge
        await pilot.pause(0.2)
        await settled(app, pilot)
        # The greeting names him first; his day replaces it a timer later (selfservice_open), which a
        # busy machine may not have run yet: wait for the day, not for a fixed pause.
        await until(pilot, lambda: app.screen.query("#day-message"), "Søren's day after his greeting")
        assert "Søren Ødegaard" in texts(app) and "Anna de Vries" not in texts(app)
        assert str(app.screen.query_one("#day-message", Static).render()).strip() == ""  # not Anna's answer
        await press_one(pilot, "3")  # Søren's own choice is taken: his visit is not "busy" with Anna's
        await settled(app, pilot)
        assert str(app.screen.query_one("#day-message", Static).render()).strip()
    assert active(db, first) == {"r1-slim-met-stroom": "confirmed"}
    assert len(active(db, second)) == 1 and "r1-slim-met-stroom" not in active(db, second)


def greeting_lasts(monkeypatch, seconds: float) -> None:
    """The day follows the greeting only after `seconds` (a busy machine's late timer, made reliable)."""
    monkeypatch.setattr(selfservice_open, "DAY_AFTER_SECONDS", seconds)


def message(app) -> str:
    return str(app.screen.query_one("#day-message", Static).render())


async def test_a_digit_pressed_while_the_kiosk_greets_them_chooses(make_app, people, db, monkeypatch):
    greeting_lasts(monkeypatch, 60.0)  # the day never comes by itself within this test
    app = make_app("selfservice", "09:45")
    code = people["Pieter van 't Hof"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        assert "Welkom, Pieter van 't Hof" in screen_text(app) and not app.screen.query("#day")  # the greeting
        await press_one(pilot, "2")  # Ronde 1: Slim met Stroom, before the day is on screen
        await settled(app, pilot)
        # Not typed into the welcome's code field (where it was lost): chosen, and its answer shows the day.
        assert all(field.value == code for field in app.screen.query(Input).results(Input))
        await until(pilot, lambda: app.screen.query("#day-message"), "the day with the choice's answer")
        assert message(app) == "Ingeschreven: Slim met Stroom"
        assert "Stap 2 van 5" in screen_text(app)  # confirmed: on to the next round
    assert active(db, code) == {"r1-slim-met-stroom": "confirmed"}


async def test_the_day_that_comes_while_a_greeting_choice_is_written_shows_its_answer(make_app, people, db,
                                                                                      monkeypatch):
    greeting_lasts(monkeypatch, 0.5)
    written = threading.Event()  # the sign-up is held until the day has come over the greeting
    real = selfservice_jobs.signup

    def held(*args, **kwargs):
        assert written.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(selfservice_jobs, "signup", held)
    app = make_app("selfservice", "09:45")
    code = people["Pieter van 't Hof"]
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(pilot, code)
        await press_one(pilot, "2")  # during the greeting: Slim met Stroom, being written
        try:
            await until(pilot, lambda: "Stap 1 van 5" in screen_text(app), "the day after the greeting")
            assert message(app).strip() == ""  # nothing to say yet: the choice is still being written
        finally:
            written.set()
        await settled(app, pilot)
        await until(pilot, lambda: message(app).strip(), "the choice's answer on the day")
        assert message(app) == "Ingeschreven: Slim met Stroom"
        assert "Stap 2 van 5" in screen_text(app)
        await press_one(pilot, "1")  # the cards work: the next round's first option
        await settled(app, pilot)
        await until(pilot, lambda: "Stap 3 van 5" in screen_text(app), "the answer to the next round's choice")
    rows = active(db, code)
    assert rows["r1-slim-met-stroom"] == "confirmed" and len(rows) == 2


async def test_a_digit_pressed_at_once_after_the_badge_s_enter_chooses(make_app, people, db, monkeypatch):
    # "code, Enter, 2" in one go: the 2 was typed into the welcome's field before its Enter was
    # handled, and the code looked up was the code with a 2 ("Deze code kennen we niet").
    greeting_lasts(monkeypatch, 60.0)  # the 2 comes during the greeting
    app = make_app("selfservice", "09:45")
    code = people["Pieter van 't Hof"]
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, [*code, "enter", "2"])
        await until(pilot, lambda: app.screen.query("#day-message"), "the day with the choice's answer")
        assert message(app) == "Ingeschreven: Slim met Stroom" and "kennen we niet" not in screen_text(app)
    assert active(db, code) == {"r1-slim-met-stroom": "confirmed"}
