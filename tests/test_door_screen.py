"""The door screen: scans and the room's count, the session chooser, scanner bursts, answers and undo.

The door's store rules (entry, exit mode, moves between rooms, the venue arrival, undo) are in
tests/test_door.py.
"""

from __future__ import annotations

import datetime as dt
import time

from textual import events
from textual.widgets import Input, OptionList, Static

import kiosk.ui.screens.door as door_screen
from kiosk.clock import Clock
from kiosk.store.door import door_scan
from tests.support.door import door_answer, door_scan_keys, inside
from tests.support.event import at
from tests.support.pilot import burst, send, written

# As in tests/test_door.py: with `db` these run on SQLite and PostgreSQL's fixtures (tests/conftest.py);
# the app itself (make_app) runs on SQLite only.
BOTH_BACKENDS = True


async def test_door_screen_scans_and_counts(make_app, db, people):
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.screen.query_one("#door-input", Input)
        assert app.screen.focused is field
        markup = people["[@click=app.quit]x[/]"]
        await pilot.press(*markup, "enter")
        await written(app)
        await pilot.pause()
        name = str(app.screen.query_one("#door-name", Static).render())
        assert "[@click=app.quit]x[/]" in name
        count = str(app.screen.query_one("#door-count", Static).render())
        assert "1 / 15" in count
        assert app.is_running
        # Toggle to exit with the key, scan again (after the scanner-bounce window): out.
        app.ctx.clock = Clock(at("12:40") + dt.timedelta(seconds=5))
        await pilot.press("f8")
        assert "UIT" in str(app.screen.query_one("#door-mode", Static).render())
        await pilot.press(*markup, "enter")
        await written(app)
        await pilot.pause()
        assert "0 / 15" in str(app.screen.query_one("#door-count", Static).render())
    assert inside(db, "lunch-vaartocht") == 0


async def test_door_screen_warns_as_room_fills(make_app, db, people):
    for i, code in enumerate(["CELIK1", "HOF222", "SOREN3", "ANNA44"]):
        door_scan(db, code, "lunch-vaartocht", now=at("12:40") + dt.timedelta(seconds=i), device="door-x")
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        count = app.screen.query_one("#door-count", Static)
        assert "4 / 15" in str(count.render()) and count.has_class("fill-free")


async def test_door_screen_chooses_session_when_none_given(make_app, db, people):
    app = make_app("door", "11:40")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        from textual.widgets import OptionList

        options = app.screen.query_one("#door-sessions", OptionList)
        # Running sessions come first, so the door's likely choice is at hand.
        assert options.get_option_at_index(0).id == "r1-elke-regio-telt"
        options.focus()
        options.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#door-input", Input).has_focus
        title = str(app.screen.query_one("#door-session", Static).render())
        assert "Slim met Stroom" in title


async def test_door_chooser_starts_on_the_running_session_with_one_enter(make_app, db, people):
    app = make_app("door", "11:40")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # nothing touched before: the first, running session is highlighted
        await pilot.pause()
        assert app.screen.query_one("#door-input", Input).has_focus
        assert "Elke Regio Telt!" in str(app.screen.query_one("#door-session", Static).render())


async def test_door_screen_raw_scanner_bursts_land_whole_and_in_order(make_app, db, people, monkeypatch):
    """Codes + Enter queued all at once while writes are slow: each scan whole, in order."""
    real = door_screen.door_scan

    def slow_door_scan(*args, **kwargs):
        time.sleep(0.05)  # the next bursts arrive while this one is still being written
        return real(*args, **kwargs)

    monkeypatch.setattr(door_screen, "door_scan", slow_door_scan)
    codes = ["CELIK1", "HOF222", "QQQ999", "SOREN3", "ANNA44", "CANC55", "MARKUP"]
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        for code in codes:  # all keys queued at once, as a scanner delivers them
            for char in code:
                send(app, events.Key(char, char))
            send(app, events.Key("enter", "\r"))
        for _ in range(50):
            await written(app)
            await pilot.pause()
            if not app.screen.jobs.busy:
                break
        await pilot.pause()
        assert app.screen.query_one("#door-input", Input).value == ""
        assert "[@click=app.quit]x[/]" in str(app.screen.query_one("#door-name", Static).render())
        assert "5 / 15" in str(app.screen.query_one("#door-count", Static).render())
    rows = db.execute("SELECT raw_code, reason FROM scans WHERE list = 'lunch-vaartocht' ORDER BY id").fetchall()
    assert [row[0] for row in rows] == codes
    assert [row[1] for row in rows] == ["ok", "ok", "unknown_code", "ok", "ok", "cancelled", "ok"]
    assert inside(db, "lunch-vaartocht") == 5


async def test_door_answer_says_who_is_signed_up_and_ambers_the_rest_of_a_capped_session(make_app, db, people):
    from kiosk.store.signups import signup

    signup(db, "CELIK1", "lunch-vaartocht", now=at("10:00"))
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await door_scan_keys(app, pilot, "CELIK1")
        text, light = door_answer(app)
        assert "Aangemeld voor deze sessie" in text and light == "green"
        await door_scan_keys(app, pilot, "ANNA44")
        text, light = door_answer(app)
        assert text.splitlines()[1] == "! NIET AANGEMELD voor deze sessie" and light == "amber"  # the verdict first
        app.ctx.clock = Clock(at("12:40") + dt.timedelta(seconds=0.5))
        await door_scan_keys(app, pilot, "ANNA44")  # the scanner reads her badge twice
        assert door_answer(app) == (text, light)  # the warning stays up


async def test_door_answer_is_amber_with_full_when_the_room_is_over_capacity(make_app, db, people):
    from kiosk.store.signups import signup

    for code in ("CELIK1", "ANNA44"):
        signup(db, code, "lunch-vaartocht", now=at("10:00"))
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        # The room turns out smaller than the boat's seats (the file edited on the day).
        db.execute("UPDATE sessions SET capacity = 1 WHERE id = 'lunch-vaartocht'")
        await door_scan_keys(app, pilot, "CELIK1")
        assert door_answer(app)[1] == "green"
        await door_scan_keys(app, pilot, "ANNA44")  # signed up, but the room holds one
        text, light = door_answer(app)
        assert "! TE VOL: 2 binnen, 1 plaatsen" in text and light == "amber"


async def test_a_badge_scanned_after_a_stray_f7_is_scanned_at_the_door_s_session(make_app, db, people):
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await door_scan_keys(app, pilot, "CELIK1")
        await pilot.press("f7")  # next to F8: pressed by mistake
        await pilot.pause()
        options = app.screen.query_one("#door-sessions", OptionList)
        assert options.get_option_at_index(options.highlighted).id == "lunch-vaartocht"
        assert door_answer(app)[0].strip() == ""  # the last person's answer went with the session
        burst(app, [*"ANNA44", "enter"])  # the scanner: all at once
        await pilot.pause(0.1)
        await written(app)
        await pilot.pause()
        assert app.screen.session_id == "lunch-vaartocht" and "Anna de Vries" in door_answer(app)[0]
        await pilot.press("f7", "escape")  # and Esc goes back without choosing
        await pilot.pause()
        assert app.screen.session_id == "lunch-vaartocht"
    assert inside(db, "lunch-vaartocht") == 2


async def test_door_undo_says_what_it_undid_and_when(make_app, settings, db, people):
    door_scan(db, "ANNA44", "lunch-vaartocht", now=at("12:31:05"), device="door-test")
    settings.device = "door-test"
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+z")
        await written(app)
        await pilot.pause()
        assert "Ongedaan: binnenkomst van 12:31:05" in door_answer(app)[0]
