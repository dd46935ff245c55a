"""The desk screen in a Pilot at 80x24: each outcome, bounce, bursts, undo, exit, walk-in, search."""

from __future__ import annotations

import time

import pytest
from textual import events

import kiosk.ui.desk_jobs as desk_jobs
from kiosk.clock import Clock
from kiosk.store.scans import record_scan
from kiosk.store.signups import signup
from kiosk.ui.widgets.desk_counters import DeskCounters
from kiosk.ui.widgets.scan_answer import ScanAnswer
from kiosk.ui.widgets.search_results import SearchResults
from tests.support.event import EVENT_DAY, at
from tests.support.pilot import answer, burst, send, settle

SIZE = (80, 24)


@pytest.fixture
def app(make_app, people):
    """The desk at 11:45 on the event day, on a database holding the `people` roster."""
    return make_app("desk")


async def scan(app, pilot, text: str) -> str:
    """Type `text` and Enter, wait for the answer, return what the answer area says."""
    await pilot.press(*text, "enter")
    await settle(app, pilot)
    return answer(app)


def log(db) -> list[tuple]:
    return db.execute("SELECT raw_code, reason, direction, device FROM scans ORDER BY id").fetchall()


async def test_green_shows_name_place_sessions_and_count(app, db, people):
    signup(db, "CELIK1", "r1-slim-met-stroom", now=at("09:00"))
    async with app.run_test(size=SIZE) as pilot:
        shown = await scan(app, pilot, "celik1")
        assert "✔  WELKOM" in shown and "Ayşe Çelik" in shown and "Gemeente Zaanstad · Zaanstad" in shown
        assert "Slim met Stroom" in shown and "Aangekomen: 1 / 5" in shown
        assert app.screen.query_one(ScanAnswer).has_class("-green")
        assert app.focused is app.screen.query_one("#desk-input")
    assert log(db) == [("celik1", "ok", "entry", "desk-test")]


async def test_amber_says_when_and_where_first_and_red_says_what_next(app, db, people):
    record_scan(db, "ANNA44", now=at("09:05:07"), device="desk-2")
    async with app.run_test(size=SIZE) as pilot:
        shown = await scan(app, pilot, "ANNA44")
        assert "! " in shown and "AL BINNEN" in shown and "09:05:07 bij desk-2" in shown
        assert app.screen.query_one(ScanAnswer).has_class("-amber")
        shown = await scan(app, pilot, "QQQ999")
        assert "ONBEKENDE CODE" in shown and "zoek op naam" in shown and "F7" in shown
        assert app.screen.query_one(ScanAnswer).has_class("-red")
        shown = await scan(app, pilot, "CANC55")
        assert "REGISTRATIE GEANNULEERD" in shown and "Cancelled Person" in shown
    assert [row[1] for row in log(db)] == ["ok", "already_in", "unknown_code", "cancelled"]


async def test_a_bounce_is_said_quietly_and_logged(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await scan(app, pilot, "HOF222")
        shown = await scan(app, pilot, "HOF222")
        assert "WELKOM" in shown  # the big answer stays the first one
        quiet = app.screen.query_one("#desk-quiet").text
        assert "Zojuist al gescand" in quiet and "Pieter van 't Hof" in quiet
    assert [row[1] for row in log(db)] == ["ok", "bounce"]


async def test_five_codes_pressed_back_to_back_are_five_scans_in_order(app, db, people):
    codes = ["CELIK1", "HOF222", "SOREN3", "ANNA44", "MARKUP"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*[key for code in codes for key in (*code, "enter")])
        await settle(app, pilot)
        assert "[@click=app.quit]x[/]" in answer(app)
    assert [row[0] for row in log(db)] == codes
    assert {row[1] for row in log(db)} == {"ok"}


async def test_raw_scanner_bursts_while_writes_are_slow_are_never_merged_or_cut(app, db, people, monkeypatch):
    real = desk_jobs.record_scan

    def slow_record_scan(*args, **kwargs):
        time.sleep(0.05)  # the next bursts arrive while this one is still being written
        return real(*args, **kwargs)

    monkeypatch.setattr(desk_jobs, "record_scan", slow_record_scan)
    codes = ["CELIK1", "HOF222", "QQQ999", "SOREN3", "ANNA44", "CANC55"]
    async with app.run_test(size=SIZE) as pilot:
        for code in codes:  # all keys queued at once, as a scanner delivers them
            for char in code:
                send(app, events.Key(char, char))
            send(app, events.Key("enter", "\r"))
        await pilot.pause()
        await settle(app, pilot)
        assert "REGISTRATIE GEANNULEERD" in answer(app)
        assert app.screen.query_one("#desk-input").value == ""
    assert [row[0] for row in log(db)] == codes


async def test_undo_names_the_time_of_the_check_in_it_annulled(app, db, people):
    record_scan(db, "ANNA44", now=at("09:05:07"), device="desk-test")  # this desk, earlier
    async with app.run_test(size=SIZE) as pilot:  # the desk's clock says 11:45
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        # The last scan here, but hours old: Ctrl+Z asks first (kiosk/domain/undo_rules.py).
        question = str(app.screen.query_one("#confirm-question").render())
        assert "ouder dan 10 minuten" in question and "Anna de Vries (Gemeente Breda, 09:05)" in question
        await pilot.press("j")
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert "Check-in van 09:05:07 geannuleerd" in answer(app) and "Anna de Vries" in answer(app)


async def test_undo_last_and_undo_a_chosen_one_after_confirming(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await scan(app, pilot, "CELIK1")
        await scan(app, pilot, "ANNA44")
        await pilot.press("ctrl+z")
        await settle(app, pilot)
        assert "ONGEDAAN GEMAAKT" in answer(app) and "Anna de Vries" in answer(app)
        await pilot.press("f9")  # the list of last scans: newest first, the undo itself on top
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # the check-in of Ayşe Çelik
        await pilot.pause()
        assert "Ayşe Çelik" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("enter")  # Enter (a scanner) must not confirm
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        await pilot.press("j")
        await pilot.pause(0.2)  # a person's single key answers once no scanner burst follows it
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "DeskScreen"
        assert app.focused is app.screen.query_one("#desk-input")
        assert "Ayşe Çelik" in answer(app) and "Aangekomen: 0 / 5" in answer(app)
    assert [row[1] for row in log(db)] == ["ok", "ok", "undo", "undo"]
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 4  # nothing deleted


async def test_a_badge_scanned_during_the_undo_question_answers_no_and_is_checked_in(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await scan(app, pilot, "CELIK1")
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press("enter")  # the question for Ayşe's check-in
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ConfirmScreen"
        burst(app, [*"hof222y", "enter"])  # a scanner sending lower case; the y must not say yes
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "DeskScreen"
    assert [row[1] for row in log(db)] == ["ok", "unknown_code"]  # no undo; the scan written as it came


async def test_exit_key_checks_the_next_scan_out(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await scan(app, pilot, "SOREN3")
        await pilot.press("f8")
        await pilot.pause()
        assert "UITCHECKEN" in str(app.screen.query_one("#desk-mode").render())
        app.ctx.clock = Clock.fixed("11:50", event_date=EVENT_DAY)  # past the bounce window
        shown = await scan(app, pilot, "SOREN3")
        assert "UITGECHECKT" in shown
        assert str(app.screen.query_one("#desk-mode").render()).strip() == ""
    assert [(row[1], row[2]) for row in log(db)] == [("ok", "entry"), ("exit", "exit")]


async def test_arrows_and_enter_in_one_burst_pick_the_person_the_arrows_reached(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"gem")
        await pilot.pause()
        hits = [hit.person for hit in app.screen.query_one(SearchResults).hits]
        assert len(hits) == 4
        burst(app, ["down", "down", "enter"])  # queued at once, as keys typed fast arrive
        await pilot.pause()
        await settle(app, pilot)
        assert hits[1].name in answer(app)
    assert [row[0] for row in log(db)] == [hits[1].code]


async def test_search_folds_accents_and_picks_with_arrows(app, db, people):
    record_scan(db, "HOF222", now=at("09:00"), device="desk-2")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"soren")
        await pilot.pause()
        results = app.screen.query_one(SearchResults)
        assert [hit.person.name for hit in results.hits] == ["Søren Ødegaard"]
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Søren Ødegaard" in answer(app) and "WELKOM" in answer(app)
        await pilot.press(*"gem")  # several people: Enter alone asks, arrows pick
        await pilot.pause()
        assert len(results.hits) == 4
        assert any(hit.inside for hit in results.hits if hit.person.code == "HOF222")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "kies met ↑/↓" in app.screen.query_one("#desk-quiet").text
        assert app.screen.query_one("#desk-input").value == "gem"
        await pilot.press("down")
        chosen = results.hits[0].person
        await pilot.press("enter")
        await settle(app, pilot)
        assert chosen.name in answer(app)
    assert [row[0] for row in log(db)] == ["HOF222", "SOREN3", chosen.code]


async def test_walk_in_creates_checks_in_and_shows_code_and_qr(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"Gast", "enter", *"Ede", "enter", "enter", "enter")
        await settle(app, pilot)
        code = str(app.screen.query_one("#walkin-code").render()).strip()
        qr = app.screen.query_one("#walkin-qr")
        assert len(code) == 6 and "█" in str(qr.render())
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Gast" in answer(app) and "Aangekomen: 1 / 6" in answer(app)
        assert app.focused is app.screen.query_one("#desk-input")
    row = db.execute("SELECT id, name, source FROM attendees WHERE code = ?", (code,)).fetchone()
    assert row[1:] == ("Gast", "walk_in")
    assert db.execute("SELECT organisation FROM attendees WHERE code = ?", (code,)).fetchone() == ("Ede",)
    assert db.execute("SELECT reason FROM scans WHERE attendee_id = ?", (row[0],)).fetchall() == [("ok",)]


async def test_walk_in_warns_of_a_badge_code_and_of_someone_registered_already(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"ANNA44", "ctrl+s")  # the badge scanned into the form
        await settle(app, pilot)
        assert "badgecode van Anna de Vries" in str(app.screen.query_one("#walkin-message").render())
        app.screen.query_one("#walkin-name").value = "anna de vries"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "er staat al een Anna de Vries ingeschreven (Gemeente Breda, Breda)" in str(
            app.screen.query_one("#walkin-message").render())
        await pilot.press("ctrl+s")  # staff know better: another Anna de Vries
        await settle(app, pilot)
        assert len(str(app.screen.query_one("#walkin-code").render()).strip()) == 6
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE name = 'anna de vries'").fetchone()[0] == 1


async def test_walk_in_sees_a_code_glued_to_a_name_and_double_spaces_and_esc_looks_the_person_up(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        app.screen.query_one("#walkin-name").value = "Jan JansenANNA44"  # a badge scanned onto the name
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "badgecode van Anna de Vries" in str(app.screen.query_one("#walkin-message").render())
        app.screen.query_one("#walkin-name").value = "Anna  de Vries"  # two spaces: saved as the same name
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "Anna de Vries ingeschreven" in str(app.screen.query_one("#walkin-message").render())
        await pilot.press("escape")  # look her up instead
        await settle(app, pilot)
        assert app.screen.query_one("#desk-input").value == "Anna de Vries"  # searched at the desk
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE source = 'walk_in'").fetchone()[0] == 0


async def test_the_next_badge_scanned_while_a_walk_in_code_shows_is_checked_in(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"Gast", "enter", *"Ede", "enter", "enter", "enter")
        await settle(app, pilot)
        assert len(str(app.screen.query_one("#walkin-code").render()).strip()) == 6
        burst(app, [*"ANNA44", "enter"])  # the next guest, scanned at once
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert app.screen.__class__.__name__ == "DeskScreen" and "Anna de Vries" in answer(app)
    assert [row[0] for row in log(db)][-1] == "ANNA44"


async def test_a_walk_in_that_fails_unexpectedly_says_so_and_can_be_left(app, db, people, monkeypatch):
    import kiosk.ui.screens.walk_in as walk_in

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(walk_in, "create_walk_in", broken)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"Gast", "enter", *"Ede", "enter", "enter", "enter")
        await settle(app, pilot)
        assert "Niet opgeslagen" in str(app.screen.query_one("#walkin-message").render())
        await pilot.press("escape")  # not stuck "saving"
        await pilot.pause()
        assert app.focused is app.screen.query_one("#desk-input")
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE name = 'Gast'").fetchone()[0] == 0


async def test_a_search_with_more_names_than_fit_says_type_on(app, db, people):
    from kiosk.store.attendees import RosterRow, upsert_attendees

    upsert_attendees(db, [RosterRow(f"Jansen {i}", "Gemeente Zaanstad", "Zaandam") for i in range(25)], "2026-11-29")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"jansen")
        await settle(app, pilot)
        assert "Meer dan 20 gevonden: typ verder" in app.screen.query_one("#desk-quiet").text
        await pilot.press(*" 2")
        await settle(app, pilot)
        assert "Meer dan" not in app.screen.query_one("#desk-quiet").text


async def test_a_badge_scanned_onto_half_typed_search_text_checks_that_person_in(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        shown = await scan(app, pilot, "vanANNA44")  # staff typed "van", then the guest scanned
        assert "WELKOM" in shown and "Anna de Vries" in shown
    assert log(db)[-1][1] == "ok"


async def test_the_whole_desk_flow_at_80x24(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await scan(app, pilot, "MARKUP")
        assert app.is_running  # the name is text, not a click action
        assert "[@click=app.quit]x[/]" in answer(app) and "[b]Bold Org[/b]" in answer(app)
        await scan(app, pilot, "nope12")
        await pilot.press(*"vries")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        counters = app.screen.query_one(DeskCounters)
        assert "Aangekomen 2 / 5" in str(counters.query_one("#counters-arrived").render())
        assert "Laatste 10 min: 2" in str(counters.query_one("#counters-recently").render())
        assert len(counters.rows) == 3
        record_scan(db, "HOF222", now=at("11:44"), device="desk-2")  # another desk writes
        await pilot.pause(0.6)
        assert "Aangekomen 3 / 5" in str(counters.query_one("#counters-arrived").render())
        assert app.focused is app.screen.query_one("#desk-input")
    assert [row[1] for row in log(db)] == ["ok", "unknown_code", "ok", "ok"]
