"""F10 at the desk at 80x24: the walk-in just registered is corrected, logged, and found by the new name."""

from __future__ import annotations

import html
import re

import pytest

from kiosk.store.attendees import search
from kiosk.store.scans import create_walk_in, record_scan
from tests.support.event import at
from tests.support.pilot import burst, paste, settle

SIZE = (80, 24)


@pytest.fixture
def app(make_app, people):
    """The desk (device desk-test) at 11:45 on the event day."""
    return make_app("desk")


def seen(app) -> str:
    """Every character on the terminal, row by row, as a person reads it (from a screenshot)."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


def toasts(app) -> list[str]:
    """The notifications the desk showed (their text wraps on screen, so a test reads it whole here)."""
    return [notification.message for notification in app._notifications]


def log(db) -> list[tuple]:
    return db.execute("SELECT device, field, old_value, new_value FROM corrections ORDER BY id").fetchall()


async def test_f10_corrects_the_walk_in_just_registered_at_80x24(app, db, people):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"Wessel Walkn", "tab", *"Gemeente Zaanstad", "tab", *"Zaandam", "ctrl+s")
        await settle(app, pilot)
        code = str(app.screen.query_one("#walkin-code").render()).strip()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f10")
        await pilot.pause()
        screen = seen(app)
        assert f"Walk-in corrigeren · code {code}" in screen
        assert "Wessel Walkn" in screen and "Gemeente Zaanstad" in screen and "Zaandam" in screen
        assert "Ctrl+S = opslaan" in screen  # the whole form fits at 80x24
        # The typo fixed and the city corrected, typed in one burst: Ctrl+U empties a field.
        burst(app, ["ctrl+u", *"Wessel Walkin", "tab", "tab", "ctrl+u", *"Zaanstad", "ctrl+s"])
        await pilot.pause()
        await settle(app, pilot)
        await pilot.pause(0.2)  # the toast slides in
        assert app.screen.__class__.__name__ == "DeskScreen"
        screen = seen(app)
        assert "Gecorrigeerd: naam Wessel Walkn" in screen  # the toast, bottom right
        assert toasts(app) == ["Gecorrigeerd: naam Wessel Walkn → Wessel Walkin; plaats Zaandam → Zaanstad"]
        assert "Gemeente Zaanstad · Zaandam" not in screen  # the answer no longer shows them as they were
    assert log(db) == [("desk-test", "name", "Wessel Walkn", "Wessel Walkin"),
                       ("desk-test", "city", "Zaandam", "Zaanstad")]
    row = db.execute("SELECT name, organisation, city FROM attendees WHERE code = ?", (code,)).fetchone()
    assert row == ("Wessel Walkin", "Gemeente Zaanstad", "Zaanstad")
    assert [h.person.code for h in search(db, "wessel walkin")] == [code]


async def test_f10_after_a_registered_guest_says_only_walk_ins_and_esc_writes_nothing(app, db, people):
    walk_in = create_walk_in(db, "Gast Een", now=at("11:40"), device="desk-test").person
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        assert "Walk-in corrigeren" in seen(app)
        await pilot.press("ctrl+u", *"Gast Twee", "escape")  # changed, then cancelled
        await settle(app, pilot)
        record_scan(db, people["Anna de Vries"], now=at("11:44"), device="desk-test")
        await pilot.press("f10")
        await pilot.pause(0.2)
        assert "alleen walk-ins" in seen(app)
        assert toasts(app) == ["Anna de Vries staat op de inschrijflijst: alleen walk-ins worden hier gecorrigeerd."]
        assert app.screen.__class__.__name__ == "DeskScreen"
    assert log(db) == []
    assert db.execute("SELECT name FROM attendees WHERE id = ?", (walk_in.id,)).fetchone() == ("Gast Een",)


async def test_hostile_text_in_the_form_is_shown_as_typed_or_refused(app, db, people):
    walk_in = create_walk_in(db, "Gast Een", now=at("11:40"), device="desk-test").person
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("ctrl+u", *"[@click=app.quit]x[/]", "ctrl+s")  # would quit, were it markup
        await settle(app, pilot)
        await pilot.pause(0.2)
        assert app.is_running and "[@click=app.quit]x[/]" in toasts(app)[-1]
        assert "[@click=ap" in seen(app)  # in the side panel's last scans, as typed
        await pilot.press("f10")
        await pilot.pause()
        field = app.screen.query_one("#fix-name")
        assert field.value == "[@click=app.quit]x[/]"
        field.value = "Gast\x1b[2J Een"  # pasted with an escape code
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "onzichtbare stuurtekens" in seen(app)
        app.screen.query_one("#fix-city").value = "Zaanstad ANNA44"  # a badge scanned into a field
        field.value = "Gast Een"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert "badgecode van Anna de Vries" in seen(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("tab")
        paste(app, "O" * 10_000)  # more than a field holds: refused whole
        await pilot.pause()
        assert app.screen.query_one("#fix-organisation").value == ""
        await pilot.press(*"Gemeente Ede", "ctrl+s")
        await settle(app, pilot)
    assert db.execute("SELECT name, organisation FROM attendees WHERE id = ?",
                      (walk_in.id,)).fetchone() == ("[@click=app.quit]x[/]", "Gemeente Ede")
    assert [row[1] for row in log(db)] == ["name", "organisation"]
