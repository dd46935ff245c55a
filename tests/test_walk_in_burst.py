"""The walk-in form reads a scanner-speed burst in order: Tab, Enter and Backspace land where they were typed."""

from __future__ import annotations

import pytest
from textual import events

from kiosk.ui.widgets.scan_answer import ScanAnswer
from tests.support.pilot import send, settle

SIZE = (80, 24)
KEYS = {"\t": ("tab", "\t"), "\r": ("enter", "\r"), "\b": ("backspace", "\x7f")}


@pytest.fixture
def app(make_app, people):
    """The desk at 11:45 on the event day."""
    return make_app("desk")


def burst(app, text: str) -> None:
    """Queue every key of `text` at once, as a terminal read of a fast typist or a script delivers them."""
    for char in text:
        key, character = KEYS.get(char, (char, char))
        send(app, events.Key(key, character))


def fields(app) -> tuple[str, str, str, str]:
    return tuple(app.screen.query_one(f"#walkin-{name}").value for name in ("name", "organisation", "city", "email"))


async def open_form(pilot) -> None:
    await pilot.press("f7")
    await pilot.pause()


async def test_name_tab_organisation_tab_city_in_one_burst_land_in_their_fields(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        burst(app, "Wessel Walkin-Testpersoon\tGemeente Zaanstad\tZaanstad")
        await pilot.pause()
        await settle(app, pilot)
        assert fields(app) == ("Wessel Walkin-Testpersoon", "Gemeente Zaanstad", "Zaanstad", "")
        assert app.focused is app.screen.query_one("#walkin-city")


async def test_a_burst_with_enters_saves_what_was_typed_and_the_desk_shows_it(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        # Enter moves on as Tab does; the last Enter (on the e-mail field) saves.
        burst(app, "Wessel Walkin-Testpersoon\rGemeente Zaanstad\tZaanstad\rwessel@example.invalid\r")
        await pilot.pause()
        await settle(app, pilot)
        code = str(app.screen.query_one("#walkin-code").render()).strip()
        assert len(code) == 6
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Wessel Walkin-Testpersoon" in app.screen.query_one(ScanAnswer).text
    row = db.execute("SELECT name, organisation, city, email, source FROM attendees WHERE code = ?", (code,)).fetchone()
    assert row == ("Wessel Walkin-Testpersoon", "Gemeente Zaanstad", "Zaanstad", "wessel@example.invalid", "walk_in")


async def test_backspace_and_shift_tab_in_a_burst_act_where_they_were_typed(app, db, people):
    async with app.run_test(size=SIZE) as pilot:
        await open_form(pilot)
        burst(app, "Wesel\b\bsel\tGemeente Zaandamm\b")
        send(app, events.Key("shift+tab", None))  # back to the name, in the same burst
        burst(app, " Jr\t\tZaanstad")
        await pilot.pause()
        await settle(app, pilot)
        assert fields(app) == ("Wessel Jr", "Gemeente Zaandam", "Zaanstad", "")
