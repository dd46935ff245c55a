"""The scan moment (issue 19): the answer is the first thing painted after the commit, never before it.

Each test records every frame the app hands to its terminal (what `App._display` is given, turned
into the text and escape codes a terminal would receive; tests/support/frames.py) and reads the
frames in order, as a person watching the screen would:

- desk: from the Enter to the commit no frame shows anything of the answer; the first frame after
  it shows the name with the green head (and the emptied input); the side panel's new count
  comes in a later frame;
- a write that waits (a busy database): the screen is held at most HOLD_SECONDS, then the emptied
  input shows, and the answer still only after the commit;
- door: the name and the green light in the first frame after the commit, nothing before;
- self-service: the welcome greets the person by name in a frame of its own, before the round's
  cards, which follow; the day is complete after that.
"""

from __future__ import annotations

import time

import pytest

from kiosk.ui.paint_hold import HOLD_SECONDS
from kiosk.ui.screens.selfservice_open import DAY_AFTER_SECONDS
from kiosk.ui.widgets.scan_answer import ScanAnswer
from tests.support.frames import Frames, Layouts, colour_code, colour_pattern, enter_code, held_at_gate, scan_watched, wait_until
from tests.support.pilot import answer, settle, written

SIZE = (80, 24)


async def test_desk_answer_is_the_first_frame_after_the_commit_and_the_side_panel_a_later_one(
        make_app, people, monkeypatch):
    from kiosk.ui import desk_jobs, paint_hold

    # A commit here is held at the gate for a while: longer than a real one, so the hold may last.
    monkeypatch.setattr(paint_hold, "HOLD_SECONDS", 10.0)
    gate = held_at_gate(monkeypatch, desk_jobs, "record_scan")
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.pause()
        start = await enter_code(pilot, frames, "ANNA44")
        await pilot.pause(0.05)  # the commit waits at the gate: the screen is held, nothing is painted
        assert not frames.showed(start, "Anna de Vries", "WELKOM")
        gate.open.set()
        await settle(app, pilot)
        first = frames.first_with("Anna de Vries", start)
        assert first >= 0
        at, raw, shown = frames.frames[first]
        assert at >= gate.returned  # not before COMMIT returned (the storage rule)
        # The first frame at all after the Enter: the answer, its green head and the emptied input together.
        assert first == start
        # The band's green as the answer styles it.
        shown_answer = app.screen.query_one(ScanAnswer)
        assert shown_answer.has_class("-green")
        band = shown_answer.get_component_rich_style("scan-answer--head").bgcolor
        assert "✔  WELKOM" in shown and colour_pattern(band).search(raw)
        assert "Scan een badge of typ een naam" in shown
        # The side panel's new count ("Aangekomen 1 / 5", no colon: the answer says "Aangekomen: 1 / 5").
        assert "Aangekomen 1 /" not in shown
        later = frames.first_with("Aangekomen 1 /", start)
        assert later > first


async def test_a_waiting_write_holds_the_screen_briefly_and_the_answer_still_only_after_the_commit(
        make_app, people, monkeypatch):
    from kiosk.ui import desk_jobs

    gate = held_at_gate(monkeypatch, desk_jobs, "record_scan")
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        start = await enter_code(pilot, frames, "ANNA44")
        # The hold ends after HOLD_SECONDS without an answer: the emptied input shows.
        await wait_until(pilot, lambda: frames.first_with("Scan een badge of typ een naam", start) >= 0)
        assert not frames.showed(start, "Anna de Vries", "WELKOM")
        assert time.monotonic() - frames.frames[start][0] < 5
        await pilot.pause(HOLD_SECONDS * 3)
        assert not frames.showed(start, "WELKOM")
        gate.open.set()
        await settle(app, pilot)
        first = frames.first_with("Anna de Vries", start)
        assert first >= 0 and frames.frames[first][0] >= gate.returned
        assert "WELKOM" in frames.frames[first][2]


async def test_door_shows_name_and_green_light_in_the_first_frame_after_the_commit(make_app, people, monkeypatch):
    from kiosk.ui import paint_hold
    from kiosk.ui.screens import door

    monkeypatch.setattr(paint_hold, "HOLD_SECONDS", 10.0)
    gate = held_at_gate(monkeypatch, door, "door_scan")
    app = make_app("door", "11:35", session_id="r1-slim-met-stroom")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.pause()
        start = await enter_code(pilot, frames, "ANNA44")
        await pilot.pause(0.05)
        assert not frames.showed(start, "Anna de Vries")
        gate.open.set()
        await written(app)
        await wait_until(pilot, lambda: frames.first_with("Anna de Vries", start) >= 0)
        first = frames.first_with("Anna de Vries", start)
        at, raw, shown = frames.frames[first]
        assert at >= gate.returned
        assert first == start  # no frame between the Enter and the answer ("Bezig…" was never painted)
        # The light: the answer box's heavy border in the theme's success colour.
        assert "┏" in shown and colour_code(app, "success", background=False).search(raw)
        assert app.screen.query_one("#door-result").has_class("light-green")


async def test_a_door_write_that_waits_says_saving_after_the_hold_and_the_answer_after_the_commit(
        make_app, people, monkeypatch):
    from kiosk.ui.screens import door

    gate = held_at_gate(monkeypatch, door, "door_scan")
    app = make_app("door", "11:35", session_id="r1-slim-met-stroom")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        start = await enter_code(pilot, frames, "ANNA44")
        # The hold ends without an answer: "Bezig…" shows, and nothing of the answer.
        await wait_until(pilot, lambda: frames.first_with("Bezig…", start) >= 0)
        assert not frames.showed(start, "Anna de Vries")
        gate.open.set()
        await wait_until(pilot, lambda: frames.first_with("Anna de Vries", start) >= 0)
        first = frames.first_with("Anna de Vries", start)
        assert frames.frames[first][0] >= gate.returned and "Bezig…" not in frames.frames[first][2]


async def test_selfservice_greets_by_name_in_a_frame_before_the_cards(make_app, people):
    app = make_app("selfservice", "09:45")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.pause()
        start = await enter_code(pilot, frames, "ANNA44")
        await pilot.pause(DAY_AFTER_SECONDS * 5)
        await pilot.pause()
        greeting = frames.first_with("Welkom, Anna de Vries", start)
        assert greeting >= 0
        # The greeting's frame holds no card of the round yet; the cards come in a later frame.
        cards = frames.first_with("Stap 1 van", start)
        assert "Stap 1 van" not in frames.frames[greeting][2]
        assert cards > greeting
        # And the day is then complete: the greeting, the round's cards, the buttons.
        from tests.support.selfservice import texts

        assert "Welkom, Anna de Vries" in texts(app)
        assert app.screen.query("OptionCard")


@pytest.mark.parametrize("lang, hello", [("en", "Welcome, Anna de Vries")])
async def test_selfservice_greeting_in_english(make_app, people, lang, hello):
    app = make_app("selfservice", "09:45", lang=lang)
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.press(*"ANNA44", "enter")
        await pilot.pause(DAY_AFTER_SECONDS * 5)
        await pilot.pause()
        assert frames.first_with(hello) >= 0 and app.screen.query("OptionCard")


async def test_the_next_scans_answer_is_painted_without_laying_the_screen_out(make_app, people, monkeypatch):
    """An answer that takes the rows the last one took repaints the lines that changed, with no layout."""
    layouts = Layouts(monkeypatch)
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.press(*"ANNA44", "enter")
        await settle(app, pilot)
        shown, laid_out = await scan_watched(app, pilot, frames, layouts, "SOREN3", "Søren Ødegaard")
        # The head ("✔  WELKOM") is the last answer's already: only what changed is painted.
        assert shown >= 0 and "WELKOM" in answer(app) and "WELKOM" not in frames.frames[shown][2]
        assert laid_out == []


async def test_answers_with_one_line_or_a_day_of_sessions_take_the_same_rows(make_app, db, people, monkeypatch):
    """Three sessions after "Geen sessies gekozen", and back: the answer's lines keep their rows, no layout."""
    from kiosk.store.signups import signup
    from tests.support.event import at
    from tests.support.pilot import screen_text

    for session in ("r1-slim-met-stroom", "lunch-stadshart", "r2-veiligheid"):
        signup(db, "ANNA44", session, now=at("09:00"))
    layouts = Layouts(monkeypatch)
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.press(*"HOF222", "enter")  # the first answer replaces the resting screen: laid out
        await settle(app, pilot)
        for code, name in (("SOREN3", "Søren Ødegaard"), ("ANNA44", "Anna de Vries"), ("CELIK1", "Ayşe Çelik")):
            shown, laid_out = await scan_watched(app, pilot, frames, layouts, code, name)
            assert shown >= 0
            assert laid_out == [], name
            if code == "ANNA44":
                assert "Slim met Stroom" in screen_text(app) and "Aangekomen: 3 / 5" in screen_text(app)
        assert "Geen sessies gekozen" in screen_text(app) and "Slim met Stroom" not in screen_text(app)


async def test_a_name_or_organisation_that_wraps_takes_its_rows_without_a_layout(make_app, db, people, monkeypatch):
    """A name and an organisation on three rows each, then both on one, then an organisation on two: no layout."""
    from kiosk.domain.roster import RosterRow
    from kiosk.store.attendees import upsert_attendees
    from tests.support.event import at
    from tests.support.pilot import screen_text

    upsert_attendees(db, [RosterRow("Wilhelmina Theodora van Oldenbarnevelt-Zuylen tot Nijevelt de Haan",
                                    "Gemeente Zaanstad, afdeling Publiekszaken en Dienstverlening", "Zaanstad", "",
                                    "LONG01"),
                          RosterRow("Jan Smit", "Veiligheidsregio Zaanstreek-Waterland, team Evenementen", "Zaandam",
                                    "", "LONG02")], at("08:00").isoformat())
    layouts = Layouts(monkeypatch)
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.press(*"HOF222", "enter")
        await settle(app, pilot)
        for code, name in (("LONG01", "Wilhelmina"), ("SOREN3", "Søren Ødegaard"), ("LONG02", "Jan Smit")):
            shown, laid_out = await scan_watched(app, pilot, frames, layouts, code, name)
            assert shown >= 0
            assert laid_out == [], code
            text = screen_text(app)
            if code == "LONG01":  # all of it on screen, on the rows it wraps to, the count below it
                assert "Oldenbarnevelt-Zuylen tot Nijevelt" in text and "de Haan" in text
                assert "Publiekszaken en Dienstverlening ·" in text and "Aangekomen: 2 / 7" in text


async def test_door_answers_of_one_to_four_lines_need_no_layout(make_app, db, people, monkeypatch):
    """Signed up, not signed up, in the building already or not: the message changes its lines, not its rows."""
    from kiosk.store.scans import record_scan
    from kiosk.store.signups import signup
    from tests.support.event import at

    signup(db, "ANNA44", "r1-slim-met-stroom", now=at("09:00"))
    record_scan(db, "SOREN3", now=at("09:10"), device="desk-1")  # in the building already: one line less
    layouts = Layouts(monkeypatch)
    app = make_app("door", "11:35", session_id="r1-slim-met-stroom")
    async with app.run_test(size=SIZE) as pilot:
        frames = Frames(app)
        await pilot.press(*"HOF222", "enter")  # the first answer replaces the empty box: laid out
        await settle(app, pilot)
        messages = []
        for code, name in (("ANNA44", "Anna de Vries"), ("SOREN3", "Søren Ødegaard"), ("CELIK1", "Ayşe Çelik")):
            shown, laid_out = await scan_watched(app, pilot, frames, layouts, code, name)
            assert shown >= 0, (name, str(app.screen.query_one("#door-message").render()))
            assert laid_out == [], name
            messages.append(str(app.screen.query_one("#door-message").render()))
        assert len({message.count("\n") for message in messages}) > 1, messages  # they did differ


def test_the_day_a_badge_opens_counts_seats_from_the_tallies_as_the_table_holds_them(db, people, now):
    """day_of reads seats taken and waitlists from the running tallies (no COUNT over 300,000 rows at a
    badge scan); after sign-ups, a full session's waitlist, cancels and an organiser's edit in plain SQL
    they are the table's own counts."""
    from kiosk.store.attendees import RosterRow, upsert_attendees
    from kiosk.store.signups import cancel, day_of, signup

    crowd = [RosterRow(f"Deelnemer {i}", code=f"CROWD{i:02d}") for i in range(17)]
    upsert_attendees(db, crowd, now.isoformat())
    for row in crowd:  # the Vaartocht takes 15: two go on its waitlist
        signup(db, row.code, "lunch-vaartocht", now=now)
    signup(db, people["Anna de Vries"], "r1-slim-met-stroom", now=now)
    cancel(db, "CROWD03", "lunch-vaartocht", now=now)  # the first on the waitlist gets the seat
    db.execute("UPDATE signups SET status = 'cancelled' WHERE attendee_id = "
               "(SELECT id FROM attendees WHERE code = 'CROWD05') AND session_id = 'lunch-vaartocht'")
    counted = {
        sid: (confirmed, waiting) for sid, confirmed, waiting in db.execute(
            """SELECT s.id, (SELECT COUNT(*) FROM signups c WHERE c.session_id = s.id AND c.status = 'confirmed'),
                      (SELECT COUNT(*) FROM signups w WHERE w.session_id = s.id AND w.status = 'waitlisted')
               FROM sessions s WHERE s.signup = 1 AND s.round IS NOT NULL""")
    }
    shown = {o.session_id: (o.confirmed, o.waitlisted) for state in day_of(db, None, now=now).values()
             for o in state.options}
    assert shown == counted
    assert shown["lunch-vaartocht"] == (14, 1) and shown["r1-slim-met-stroom"] == (1, 0)
