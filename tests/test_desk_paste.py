"""Pasting into the desk's line: a name shows once; a paste of codes on lines is one check-in a line."""

from __future__ import annotations

from tests.support.pilot import paste, screen_text, settle

SIZE = (80, 24)


def log(db) -> list[tuple[str, str]]:
    return db.execute("SELECT raw_code, reason FROM scans ORDER BY id").fetchall()


async def test_a_pasted_name_shows_once_and_finds_the_person(make_app, db, people):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paste(app, "Anna de")
        await settle(app, pilot)
        shown = screen_text(app)
        assert "Anna de Vries" in shown
        assert "Anna deAnna de" not in shown
        assert app.screen.query_one("#desk-input").value == "Anna de"
    assert log(db) == []


async def test_a_paste_of_codes_on_lines_checks_each_in_and_leaves_the_line_empty(make_app, db, people):
    app = make_app("desk")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        paste(app, "ANNA44\nHOF222\n")
        await settle(app, pilot)
        shown = screen_text(app)
        assert "WELKOM" in shown and "Pieter van 't Hof" in shown  # the last one's answer
        assert app.screen.query_one("#desk-input").value == ""
    assert log(db) == [("ANNA44", "ok"), ("HOF222", "ok")]
