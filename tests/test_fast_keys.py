"""Keys that come right behind an Enter (or a key that opens, closes or moves something), in one burst.

A terminal or a barcode scanner delivers such keys in one read, and a busy app reads what a person
typed in a second as one burst too: every key is handed to the widget focused when the App reads it,
before an Enter that was a *binding* has run. Each test sends the keys at once through the app's
driver (tests/support/pilot.py `burst`) and asserts what the person sees and what the database holds.
"""

from __future__ import annotations

from textual.widgets import Input, Static

from kiosk.clock import Clock
from kiosk.ui.widgets.session_cell import SessionCell
from tests.support.door import door_answer, inside
from tests.support.event import EVENT_DAY
from tests.support.pilot import answer, burst, screen_text, settle, until

SIZE = (80, 24)
ROOM = "r1-slim-met-stroom"


def log(db, list_: str = "venue") -> list[tuple[str, str, str]]:
    """Every scan of one list (the venue's, or a session's) as (code, reason, direction), in order."""
    return db.execute("SELECT raw_code, reason, direction FROM scans WHERE list = ? ORDER BY id", (list_,)).fetchall()


def later(app, hhmm: str) -> None:
    """The app's clock moved on (past the scanner's bounce window)."""
    app.ctx.clock = Clock.fixed(hhmm, event_date=EVENT_DAY)


async def burst_settled(app, pilot, keys: list[str]) -> None:
    """Send `keys` as one burst and wait until the screen has caught up with it and its writes."""
    burst(app, keys)
    await pilot.pause(0.3)  # longer than a scanner check waits to tell a burst from a person's key
    await settle(app, pilot)


# ---- the staff PIN prompt --------------------------------------------------------------------


async def open_pin_prompt(make_app, pilot) -> None:
    await pilot.pause()
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert type(pilot.app.screen).__name__ == "PinPrompt"


async def test_pin_enter_enter_in_one_burst_opens_the_desk(make_app, people):
    # The second Enter was taken by the PIN field before the first had moved the focus to "Balie":
    # the field was checked again, empty ("Typ eerst de PIN."), and the kiosk stayed locked.
    app = make_app("selfservice")
    async with app.run_test(size=SIZE) as pilot:
        await open_pin_prompt(make_app, pilot)
        burst(app, [*"1234", "enter", "enter"])
        await until(pilot, lambda: type(app.screen).__name__ == "DeskScreen" and app.screen.query("#desk-input"),
                    "the desk after PIN, Enter, Enter")
        await pilot.pause()
        assert not app.locked and "Typ eerst de PIN" not in screen_text(app)
        assert app.focused is app.screen.query_one("#desk-input", Input)


async def test_a_wrong_pin_then_the_right_one_then_tab_tab_enter_in_one_burst_opens_the_door(make_app, people):
    # The right PIN's digits went into the field before the wrong one's Enter was handled, and the
    # check read "99991234".
    app = make_app("selfservice")
    async with app.run_test(size=SIZE) as pilot:
        await open_pin_prompt(make_app, pilot)
        burst(app, [*"9999", "enter", *"1234", "enter", "tab", "tab", "enter"])
        await until(pilot, lambda: "Kies de sessie bij deze deur" in screen_text(app), "the door after the right PIN")
        assert not app.locked and type(app.screen).__name__ == "DoorScreen"
        assert app.staff_pin.locked_seconds() == 0


async def test_a_badge_scanned_right_behind_esc_on_the_pin_prompt_opens_that_person_s_day(make_app, people):
    # The badge went into the PIN field before Esc closed the prompt: the kiosk showed an empty welcome.
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=SIZE) as pilot:
        await open_pin_prompt(make_app, pilot)
        burst(app, ["escape", *"HOF222", "enter"])
        await until(pilot, lambda: "Pieter van 't Hof" in screen_text(app), "Pieter's greeting or day")
        assert app.locked and type(app.screen).__name__ == "SelfServiceScreen"
        assert "kennen we niet" not in screen_text(app)


# ---- the door ------------------------------------------------------------------------------


async def test_a_badge_scanned_right_behind_the_chooser_s_enter_is_scanned_in_that_session(make_app, db, people):
    # The badge's letters reached the chooser before its Enter had chosen ("choose first"), and its
    # Enter chose once more: nothing was recorded.
    app = make_app("door", "11:40")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Kies de sessie bij deze deur" in screen_text(app)
        await burst_settled(app, pilot, ["enter", *"ANNA44", "enter"])
        assert "Elke Regio Telt!" in str(app.screen.query_one("#door-session", Static).render())
        assert "Anna de Vries" in door_answer(app)[0] and "Kies eerst" not in screen_text(app)
    assert inside(db, "r1-elke-regio-telt") == 1 and log(db, "r1-elke-regio-telt") == [("ANNA44", "ok", "entry")]


async def test_f7_down_enter_and_a_badge_in_one_burst_scan_it_at_the_next_session(make_app, db, people):
    # F7 opened the chooser only after the keys behind it had gone to the input; and an Enter chosen
    # as it was read must not overtake the arrow before it (still on its way to the chooser's binding).
    app = make_app("door", "11:40", session_id="r1-elke-regio-telt")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst_settled(app, pilot, ["f7", "down", "enter", *"ANNA44", "enter"])
        assert "Slim met Stroom" in str(app.screen.query_one("#door-session", Static).render())
        assert "Anna de Vries" in door_answer(app)[0]
    assert inside(db, ROOM) == 1 and inside(db, "r1-elke-regio-telt") == 0


async def test_f8_and_a_badge_in_one_burst_scan_the_badge_out(make_app, db, people):
    # The badge's Enter was handled in the input before F8 had bubbled up to its binding: scanned in.
    app = make_app("door", session_id=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await burst_settled(app, pilot, [*"ANNA44", "enter"])
        later(app, "11:50")
        await burst_settled(app, pilot, ["f8", *"ANNA44", "enter"])
        assert "SCAN UIT" in screen_text(app)
    assert log(db, ROOM)[-1] == ("ANNA44", "exit", "exit") and inside(db, ROOM) == 0


async def test_ctrl_z_and_a_badge_in_one_burst_undo_the_scan_before_it(make_app, db, people):
    # The undo was queued after the badge's scan, and annulled that one: the wrong person.
    app = make_app("door", session_id=ROOM)
    async with app.run_test(size=SIZE) as pilot:
        await burst_settled(app, pilot, [*"HOF222", "enter"])
        later(app, "11:50")
        await burst_settled(app, pilot, ["ctrl+z", *"ANNA44", "enter"])
        assert "Anna de Vries" in door_answer(app)[0]
    assert [row[:2] for row in log(db, ROOM)] == [("HOF222", "ok"), ("HOF222", "undo"), ("ANNA44", "ok")]
    assert inside(db, ROOM) == 1


# ---- the desk's walk-in form and its correction -------------------------------------------------


async def test_the_next_badge_scanned_right_behind_the_walk_in_s_last_enter_is_checked_in(make_app, db, people):
    # The badge went into the e-mail field after the save had read it, and was never checked in.
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await burst_settled(app, pilot, [*"Gast", "enter", *"Ede", "enter", "enter", "enter", *"ANNA44", "enter"])
        assert type(app.screen).__name__ == "DeskScreen" and "Anna de Vries" in answer(app)
        assert app.screen.query_one("#desk-input", Input).value == ""
    walk_in = db.execute("SELECT code, name, email FROM attendees WHERE source = 'walk_in'").fetchall()
    assert [row[1:] for row in walk_in] == [("Gast", "")]
    assert [row[:2] for row in log(db)] == [(walk_in[0][0], "ok"), ("ANNA44", "ok")]


async def test_a_badge_scanned_into_the_walk_in_name_then_typing_on_stays_in_its_fields(make_app, db, people):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await burst_settled(app, pilot, [*"HOF222", "enter", *"Gemeente Ede", "enter", *"Ede", "ctrl+s"])
        values = [app.screen.query_one(f"#walkin-{name}", Input).value for name in ("name", "organisation", "city")]
        assert values == ["HOF222", "Gemeente Ede", "Ede"]
        assert "badgecode van Pieter van 't Hof" in screen_text(app)  # not saved as a new person
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE source = 'walk_in'").fetchone()[0] == 0
    assert log(db) == []


async def open_correction_of_a_walk_in(app, pilot) -> None:
    """A walk-in "Gast" from Ede saved at the desk (its code seen, back at the desk), then F10: its correction."""
    await pilot.press("f7")
    await pilot.pause()
    await pilot.press(*"Gast", "enter", *"Ede", "enter", "enter", "enter")
    await settle(app, pilot)
    await pilot.press("enter")  # the code seen: back to the desk
    await settle(app, pilot)
    await pilot.press("f10")
    await settle(app, pilot)
    assert type(app.screen).__name__ == "CorrectionScreen"


async def test_a_badge_scanned_right_behind_the_correction_s_ctrl_s_is_checked_in(make_app, db, people):
    # The correction closed on its answer; the badge had gone into its name field: never checked in.
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await open_correction_of_a_walk_in(app, pilot)
        await burst_settled(app, pilot, ["ctrl+u", *"Gast Twee", "ctrl+s", *"ANNA44", "enter"])
        assert type(app.screen).__name__ == "DeskScreen" and "Anna de Vries" in answer(app)
    assert db.execute("SELECT name FROM attendees WHERE source = 'walk_in'").fetchall() == [("Gast Twee",)]
    assert [row[:2] for row in log(db)][-1] == ("ANNA44", "ok")


async def test_a_badge_scanned_right_behind_esc_on_the_walk_in_form_is_checked_in(make_app, db, people):
    # The badge went into the form's name field (its Enter to the next field) before Esc closed the form.
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"Gast")
        await burst_settled(app, pilot, ["escape", *"ANNA44", "enter"])
        assert type(app.screen).__name__ == "DeskScreen" and "Anna de Vries" in answer(app)
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE source = 'walk_in'").fetchone()[0] == 0
    assert log(db) == [("ANNA44", "ok", "entry")]


async def test_a_badge_scanned_right_behind_esc_on_the_correction_is_checked_in(make_app, db, people):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await open_correction_of_a_walk_in(app, pilot)
        await burst_settled(app, pilot, ["escape", *"ANNA44", "enter"])
        assert type(app.screen).__name__ == "DeskScreen" and "Anna de Vries" in answer(app)
    assert db.execute("SELECT name, city FROM attendees WHERE source = 'walk_in'").fetchall() == [("Gast", "")]
    assert [row[:2] for row in log(db)][-1] == ("ANNA44", "ok")


# ---- the desk ----------------------------------------------------------------------------------


async def test_a_name_typed_right_behind_a_scan_s_enter_keeps_its_first_letter(make_app, db, people):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await burst_settled(app, pilot, [*"HOF222", "enter", *"Anna"])
        assert app.screen.query_one("#desk-input", Input).value == "Anna"
        assert "Anna de Vries" in screen_text(app)  # the search for what was typed
    assert log(db) == [("HOF222", "ok", "entry")]


async def test_f7_and_the_guest_s_name_in_one_burst_go_into_the_walk_in_form(make_app, db, people):
    # The name went into the desk's own input before F7 had bubbled up to its binding; the form's empty.
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, ["f7", *"Wessel"])
        await until(pilot, lambda: type(app.screen).__name__ == "WalkInScreen", "the walk-in form")
        await pilot.pause(0.3)
        assert app.screen.focused.value == "Wessel"
        assert app.screen_stack[-2].query_one("#desk-input", Input).value == ""


async def test_f8_and_a_badge_in_one_burst_check_the_badge_out_at_the_desk(make_app, db, people):
    # The badge was checked in (not out) and check-out mode stayed on for the next person's scan.
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await burst_settled(app, pilot, [*"ANNA44", "enter"])
        later(app, "10:30")
        await burst_settled(app, pilot, ["f8", *"ANNA44", "enter"])
        assert not app.screen.exit_mode
    assert log(db)[-1] == ("ANNA44", "exit", "exit")


async def test_ctrl_z_and_a_badge_in_one_burst_undo_the_desk_s_scan_before_it(make_app, db, people):
    # The undo was queued behind the badge's check-in and annulled that one: the wrong person.
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await burst_settled(app, pilot, [*"HOF222", "enter"])
        later(app, "10:30")
        await burst_settled(app, pilot, ["ctrl+z", *"ANNA44", "enter"])
        assert "Anna de Vries" in answer(app)
    assert [row[:2] for row in log(db)] == [("HOF222", "ok"), ("HOF222", "undo"), ("ANNA44", "ok")]


async def test_esc_and_a_name_in_one_burst_clear_what_was_there_and_keep_the_name(make_app, db, people):
    # Esc's clearing came after the letters behind it had been typed, and took them too.
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await burst_settled(app, pilot, [*"Pieter"])
        await burst_settled(app, pilot, ["escape", *"Anna"])
        assert app.screen.query_one("#desk-input", Input).value == "Anna"


# ---- the programme ------------------------------------------------------------------------------


async def test_slash_and_the_search_text_in_one_burst_search_for_all_of_it(make_app):
    # The letters behind the `/` went to the grid before the search line had the keyboard.
    app = make_app("programme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, ["slash", *"OEKRAINE"])
        await until(pilot, lambda: any(c.has_class("-match") for c in app.screen.query(SessionCell)), "the matches")
        assert app.screen.query_one("#programme-search", Input).value == "OEKRAINE"
        assert {c.session_id for c in app.screen.query(SessionCell) if c.has_class("-match")} == {"gesprek-ambassadeur"}
