"""The door's second scan is not an exit: already inside in amber, the count stays; leaving says "left the room"."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from kiosk.clock import Clock
from kiosk.store.scans import record_scan
from kiosk.store.signups import signup
from kiosk.ui.widgets.scan_feed import ScanFeed
from tests.support.door import door_answer, door_scan_keys, inside
from tests.support.event import at

BOAT = "lunch-vaartocht"  # capacity 15


def count_text(app) -> str:
    return str(app.screen.query_one("#door-count", Static).render())


def feed_text(app) -> str:
    return "\n".join(str(row.render()) for row in app.screen.query_one(ScanFeed).query(Static))


async def test_a_re_scan_three_seconds_later_says_already_inside_since_in_amber_and_keeps_the_count(
        make_app, db, people):
    signup(db, "ANNA44", BOAT, now=at("10:00"))
    app = make_app("door", "12:40", session_id="lunch-vaartocht")  # frozen
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await door_scan_keys(app, pilot, "ANNA44")
        text, light = door_answer(app)
        assert "Binnen · Welkom" in text and light == "green"
        assert "1 / 15" in count_text(app)
        app.ctx.clock = Clock(at("12:40") + dt.timedelta(seconds=3), frozen=True)  # past the 2 s bounce
        await door_scan_keys(app, pilot, "ANNA44")
        text, light = door_answer(app)
        assert text.splitlines() == ["Anna de Vries", "Al binnen sinds 12:40"] and light == "amber"
        assert "1 / 15" in count_text(app)  # still inside: the count did not drop
        assert "SCAN IN" in str(app.screen.query_one("#door-mode", Static).render())
    assert inside(db, BOAT) == 1


async def test_in_english_it_says_already_inside_since(make_app, settings, db, people):
    settings.lang = "en"
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await door_scan_keys(app, pilot, "CELIK1")
        app.ctx.clock = Clock(at("12:43"), frozen=True)
        await door_scan_keys(app, pilot, "CELIK1")
        text, light = door_answer(app)
        assert "Already inside since 12:40" in text and light == "amber"
        assert "Inside 1 / 15" in count_text(app)


async def test_leaving_with_f8_says_left_the_room_on_the_door_and_in_the_dashboard_feed(make_app, db, people):
    record_scan(db, "HOF222", now=at("12:30"), device="desk-1")
    record_scan(db, "HOF222", now=at("12:35"), device="desk-1", direction="exit")  # the desk's own check-out
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await door_scan_keys(app, pilot, "ANNA44")
        app.ctx.clock = Clock(at("12:41"), frozen=True)
        await pilot.press("f8")
        await pilot.pause()
        assert "SCAN UIT: zaal verlaten" in str(app.screen.query_one("#door-mode", Static).render())
        await door_scan_keys(app, pilot, "ANNA44")
        text, light = door_answer(app)
        assert text.splitlines() == ["Anna de Vries", "Zaal verlaten"] and light == "green"
        assert "uitgecheckt" not in text.lower()
        assert "0 / 15" in count_text(app)
    dash = make_app("dashboard", "12:42")
    async with dash.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        feed = feed_text(dash)
        exit_line = next(line for line in feed.splitlines() if "Anna de Vries" in line and "←" in line)
        assert exit_line.endswith("· Zaal verlaten")
        desk_exit = next(line for line in feed.splitlines() if "Pieter van 't Hof" in line and "←" in line)
        assert desk_exit.endswith("· Uitgecheckt")  # leaving the venue keeps the desk's words


def test_the_feed_says_left_the_room_in_english_too():
    from dataclasses import replace

    from kiosk.domain.views import RecentScan
    from kiosk.ui.widgets.scan_feed import scan_line

    row = RecentScan(id=1, at="2026-11-29T12:41:00.000+01:00", device="door-1", list_id=BOAT, direction="exit",
                     accepted=True, reason="exit", annuls=None, raw_code="ANNA44", name="Anna de Vries")
    assert scan_line(row, "en").endswith("· Left the room")
    assert scan_line(replace(row, list_id="venue"), "en").endswith("· Checked out")


async def test_at_40x12_the_answer_still_shows_under_the_input(make_app, db, people):
    """A small split pane: the spacing gives way, the input and the answer (name and first line) stay on screen."""
    app = make_app("door", "12:40", session_id="lunch-vaartocht")
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        await door_scan_keys(app, pilot, "ANNA44")
        app.ctx.clock = Clock(at("12:40:05"), frozen=True)
        await door_scan_keys(app, pilot, "ANNA44")
        footer_row = 11
        for selector in ("#door-input", "#door-name", "#door-message", "#door-count"):
            region = app.screen.query_one(selector).region
            assert region.height >= 1 and region.bottom <= footer_row, (selector, region)
        assert door_answer(app) == ("Anna de Vries\nAl binnen sinds 12:40", "amber")
        assert "1 / 15" in count_text(app)
