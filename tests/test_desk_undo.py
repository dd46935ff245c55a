"""Undo at the desk (issue 14, items 1 and 4): a second Ctrl+Z asks, an old one is refused, namesakes are told apart.

Each test drives the desk in a Pilot at 80x24 and checks what the screen says and what the log holds.
"""

from __future__ import annotations

import pytest

from kiosk.interop.demo import demo_rng, demo_roster
from kiosk.store.attendees import upsert_attendees
from kiosk.store.scans import count_arrivals, record_scan
from tests.support.event import at
from tests.support.pilot import answer, burst, screen_text, settle

SIZE = (80, 24)


@pytest.fixture
def app(make_app, people):
    """The desk (device desk-test) at 11:45 on the event day, on the `people` roster."""
    return make_app("desk")


def inside(db, code: str) -> bool:
    row = db.execute("SELECT p.inside FROM presence p JOIN attendees a ON a.id = p.attendee_id "
                     "WHERE a.code = ? AND p.list = 'venue'", (code,)).fetchone()
    return bool(row and row[0])


def reasons(db) -> list[str]:
    return [row[0] for row in db.execute("SELECT reason FROM scans ORDER BY id")]


def question(app) -> str:
    return str(app.screen.query_one("#confirm-question").render())


async def press(app, pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause(0.2)  # a person's single J waits to be told from a scanner's burst
    await settle(app, pilot)


async def test_two_ctrl_z_leave_the_earlier_person_arrived_unless_confirmed(app, db, people):
    record_scan(db, "CELIK1", now=at("11:42:10"), device="desk-test")
    record_scan(db, "ANNA44", now=at("11:44:30"), device="desk-test")
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "ctrl+z")  # the last scan: undone at once
        assert "ONGEDAAN GEMAAKT" in answer(app) and "Anna de Vries" in answer(app)
        await press(app, pilot, "ctrl+z")  # the second: asks, naming who, from where, and when
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        assert question(app) == "Ook de check-in van Ayşe Çelik (Gemeente Zaanstad, 11:42) ongedaan maken?"
        assert inside(db, "CELIK1")  # nothing happens while the question is open
        await press(app, pilot, "escape")
        assert app.screen.__class__.__name__ == "DeskScreen"
        assert inside(db, "CELIK1") and reasons(db) == ["ok", "ok", "undo"]
        await press(app, pilot, "ctrl+z")
        await press(app, pilot, "j")  # asked again, and this time staff mean it
        assert "ONGEDAAN GEMAAKT" in answer(app) and "Ayşe Çelik" in answer(app)
        assert "Check-in van 11:42:10 geannuleerd" in answer(app)
    assert not inside(db, "CELIK1") and reasons(db) == ["ok", "ok", "undo", "undo"]


async def test_the_undo_question_in_english(make_app, db, people):
    app = make_app("desk", lang="en")
    record_scan(db, "SOREN3", now=at("11:41"), device="desk-test")
    record_scan(db, "HOF222", now=at("11:44"), device="desk-test")
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "ctrl+z")
        await press(app, pilot, "ctrl+z")
        assert question(app) == "Also undo the check-in of Søren Ødegaard (Provincie Noord-Holland, 11:41)?"
        await press(app, pilot, "n")
    assert inside(db, "SOREN3")


async def test_an_older_scan_past_ten_minutes_is_refused_and_f9_can_still_undo_it(app, db, people):
    record_scan(db, "CELIK1", now=at("11:30:15"), device="desk-test")  # 15 minutes before the desk's 11:45
    record_scan(db, "ANNA44", now=at("11:44"), device="desk-test")
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "ctrl+z")
        await press(app, pilot, "ctrl+z")
        assert app.screen.__class__.__name__ == "DeskScreen"  # refused: no question to say yes to
        shown = answer(app)
        assert "NIET ONGEDAAN" in shown and "Ayşe Çelik" in shown and "Gemeente Zaanstad" in shown
        assert "De check-in van 11:30:15 is ouder dan 10 minuten: kies in F9" in shown
        assert app.screen.query_one("#desk-answer").has_class("-amber")
        assert inside(db, "CELIK1") and reasons(db) == ["ok", "ok", "undo"]
        await pilot.press("f9")  # newest first: the undo, Anna's check-in, then Ayşe's
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert question(app) == "De check-in van Ayşe Çelik (Gemeente Zaanstad, 11:30) ongedaan maken?"
        await press(app, pilot, "j")
        assert "ONGEDAAN GEMAAKT" in answer(app) and "Ayşe Çelik" in answer(app)
    assert not inside(db, "CELIK1") and count_arrivals(db) == 0


async def test_a_badge_scanned_while_ctrl_z_asks_answers_no_and_is_checked_in(app, db, people):
    record_scan(db, "CELIK1", now=at("11:42"), device="desk-test")
    record_scan(db, "ANNA44", now=at("11:44"), device="desk-test")
    async with app.run_test(size=SIZE) as pilot:
        await press(app, pilot, "ctrl+z")
        await press(app, pilot, "ctrl+z")
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        burst(app, [*"hof222", "enter"])  # a scanner sending lower case, while the question is open
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "DeskScreen"
        assert "Pieter van 't Hof" in answer(app) and "WELKOM" in answer(app)
    assert inside(db, "CELIK1") and inside(db, "HOF222")
    assert reasons(db) == ["ok", "ok", "undo", "ok"]


async def test_three_daan_meijers_are_told_apart_in_last_scans_f9_and_the_questions(make_app, db):
    upsert_attendees(db, demo_roster(400), at("08:00").isoformat(), source="demo", rng=demo_rng())
    daans = db.execute("SELECT code, organisation FROM attendees WHERE name = 'Daan Meijer' ORDER BY id").fetchall()
    assert [org for _, org in daans] == ["Gemeente Venlo", "Gemeente Tilburg", "Gemeente Delft"]
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        for code, _ in daans:
            await pilot.press(*code, "enter")
            await settle(app, pilot)
        shown = screen_text(app)
        for _, organisation in daans:  # each name in "last scans" with its own organisation beneath
            assert organisation in shown
        await press(app, pilot, "ctrl+z")  # Delft's Daan, undone at once: the answer names Delft
        assert "Daan Meijer" in answer(app) and "Gemeente Delft" in answer(app)
        await press(app, pilot, "ctrl+z")
        assert question(app) == "Ook de check-in van Daan Meijer (Gemeente Tilburg, 11:45) ongedaan maken?"
        await press(app, pilot, "escape")
        await pilot.press("f9")
        await pilot.pause()
        shown = screen_text(app)
        assert "Gemeente Venlo" in shown and "Gemeente Tilburg" in shown
        # Rows, newest first: the undo, Delft (annulled), Tilburg, Venlo.
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        assert question(app) == "De check-in van Daan Meijer (Gemeente Venlo, 11:45) ongedaan maken?"
        await press(app, pilot, "escape")
    assert [inside(db, code) for code, _ in daans] == [True, True, False]


async def test_a_name_without_an_organisation_shows_its_city(app, db, people):
    from kiosk.store.attendees import RosterRow

    upsert_attendees(db, [RosterRow("Jan Zonder Org", "", "Purmerend", "", "NOORG1")], at("08:00").isoformat())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"NOORG1", "enter")
        await settle(app, pilot)
        assert "Purmerend" in screen_text(app)
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert question(app) == "De check-in van Jan Zonder Org (Purmerend, 11:45) ongedaan maken?"
