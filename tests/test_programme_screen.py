"""Pilot tests of the programme screen: walking the grid, the now marker, live counts, search."""

from __future__ import annotations

import pytest

from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.signups import signup
from kiosk.ui.widgets.schedule_grid import GridRow, ScheduleGrid
from kiosk.ui.widgets.session_cell import SessionCell
from kiosk.ui.widgets.session_detail import SessionDetail
from tests.support.event import at


def _grid(app) -> ScheduleGrid:
    return app.screen.query_one(ScheduleGrid)


def _selected(app) -> str:
    return _grid(app).selected.session_id


def _text(app, selector: str) -> str:
    return app.screen.query_one(selector).render().plain


def _cell_text(app, session_id: str) -> str:
    cell = next(c for c in app.screen.query(SessionCell) if c.session_id == session_id and not c.cell.continuation)
    return cell.render().plain


async def test_now_marks_round_one_running_and_lunch_next(make_app):
    app = make_app("programme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = list(app.screen.query(GridRow))
        running = [row for row in rows if row.has_class("-running")]
        upcoming = [row for row in rows if row.has_class("-next")]
        assert [row.row.round_ids for row in running] == [["ronde-1"]]
        assert [row.row.round_ids for row in upcoming] == [["lunch", "gesprek-ambassadeur"]]
        assert "▶ nu" in running[0].query_one(".grid-gutter").render().plain
        assert "straks" in upcoming[0].query_one(".grid-gutter").render().plain
        # The running slot is selected and in view; the pane shows it.
        assert _selected(app) == "r1-elke-regio-telt"
        assert _grid(app).selected.region.height > 0
        assert "Elke Regio Telt!" in _text(app, "#detail-head")


async def test_moving_across_spanning_rows_keeps_the_column(make_app):
    app = make_app("programme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("right")
        assert _selected(app) == "r1-slim-met-stroom"
        await pilot.press("up")  # the coffee break spans the whole row
        assert _selected(app) == "koffie-1"
        await pilot.press("j")
        assert _selected(app) == "r1-slim-met-stroom"
        await pilot.press("j", "j")
        assert _selected(app) == "r2-circulair-bouwen"
        await pilot.press("h", "j")
        # Under Themagroep Veiligheid in the coffee row: its continuation, which shows the session.
        assert _selected(app) == "r2-veiligheid" and _grid(app).selected.cell.continuation
        assert "15.30" in _grid(app).selected.render().plain
        await pilot.press("down")
        assert _selected(app) == "pijler-sociaal"
        await pilot.press("k", "l")
        assert _selected(app) == "koffie-2"
        await pilot.press("k")
        assert _selected(app) != "koffie-2"
        await pilot.press("left", "left", "left", "left", "left", "left", "left")
        assert _selected(app) == "r2-veiligheid"  # stops at the edge


async def test_tab_goes_to_the_detail_pane_and_back(make_app):
    app = make_app("programme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.focused is _grid(app)
        await pilot.press("tab")
        assert isinstance(app.focused, SessionDetail)
        await pilot.press("tab")
        assert app.focused is _grid(app)


async def test_click_selects_a_cell(make_app):
    app = make_app("programme", "09:00")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        target = next(c for c in app.screen.query(SessionCell) if c.session_id == "lunch-vaartocht")
        await pilot.click(target)
        await pilot.pause()
        assert _selected(app) == "lunch-vaartocht"
        assert "Vaartocht over de Zaan" in _text(app, "#detail-head")
        assert "brandweerboot" in app.screen.query_one("#detail-description").source


async def test_detail_refreshes_after_another_connection_signs_up(make_app, db):
    other = db  # its own connection, as another process would have
    upsert_attendees(other, [RosterRow("Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1")], "2026-01-01")
    app = make_app("programme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _grid(app).select_session("lunch-vaartocht")
        await pilot.pause()
        before = _text(app, "#detail-numbers")
        assert "Aangemeld 0" in before and "0/15" in _cell_text(app, "lunch-vaartocht")
        result = signup(other, "CELIK1", "lunch-vaartocht", now=at("11:45"))
        assert result.status == "confirmed"
        await pilot.pause(0.6)
        after = _text(app, "#detail-numbers")
        assert after != before and "Aangemeld 1" in after
        assert "1/15" in _cell_text(app, "lunch-vaartocht")


async def test_full_session_reads_full_without_colour(make_app, db):
    other = db
    rows = [RosterRow(f"Person {i}", "Org", "City", "", f"BOAT{i:02d}") for i in range(16)]
    upsert_attendees(other, rows, "2026-01-01")
    for row in rows:
        signup(other, row.code, "lunch-vaartocht", now=at("11:00"))
    app = make_app("programme", "11:45", lang="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        text = _cell_text(app, "lunch-vaartocht")
        assert "● full +1" in text  # the word and symbol say it without colour, and one waits
        cell = next(c for c in app.screen.query(SessionCell) if c.session_id == "lunch-vaartocht")
        assert cell.has_class("-fill-full")
        _grid(app).select_session("lunch-vaartocht")
        await pilot.pause()
        numbers = _text(app, "#detail-numbers")
        assert "● full" in numbers and "Waitlist 1" in numbers


@pytest.mark.parametrize(("size", "lang", "shown"), [
    ((80, 24), "nl", "● vol +4"), ((160, 48), "en", "● full +4"), ((250, 70), "nl", "● vol 15/15 +4"),
])
async def test_full_cell_shows_how_many_wait(make_app, db, size, lang, shown):
    # The rehearsal's boat: 15 seats taken and 4 on the waitlist; the cell showed "● vol 15/15".
    rows = [RosterRow(f"Person {i}", "Org", "City", "", f"BOAT{i:02d}") for i in range(19)]
    upsert_attendees(db, rows, "2026-01-01")
    statuses = [signup(db, row.code, "lunch-vaartocht", now=at("11:00")).status for row in rows]
    assert statuses.count("confirmed") == 15 and statuses.count("waitlisted") == 4
    app = make_app("programme", "11:45", lang=lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        assert _cell_text(app, "lunch-vaartocht").splitlines()[-1] == shown


async def test_search_highlights_matches_dims_the_rest_and_esc_clears(make_app):
    app = make_app("programme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        await pilot.press(*"OEKRAINE")  # the programme writes Oekraïne
        await pilot.pause()
        cells = list(app.screen.query(SessionCell))
        matched = {c.session_id for c in cells if c.has_class("-match")}
        assert matched == {"gesprek-ambassadeur"}
        assert all(c.has_class("-dimmed") for c in cells if c.session_id not in matched)
        assert _selected(app) in matched
        await pilot.press("enter")
        assert app.focused is _grid(app)
        await pilot.press("escape")
        await pilot.pause()
        assert not any(c.has_class("-match") or c.has_class("-dimmed") for c in app.screen.query(SessionCell))


async def test_search_finds_speakers_and_takes_markup_as_text(make_app):
    app = make_app("programme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"görts")
        await pilot.pause()
        matched = {c.session_id for c in app.screen.query(SessionCell) if c.has_class("-match")}
        assert matched == {"r2-circulair-bouwen"}
        await pilot.press("escape", "slash", *"[@click=app.quit]x[/]")
        await pilot.pause()
        assert app.is_running
        assert not any(c.has_class("-match") for c in app.screen.query(SessionCell))


async def test_n_jumps_back_to_now(make_app):
    app = make_app("programme", "15:10")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _selected(app) == "r2-veiligheid"  # the continuation cell leads the coffee row
        await pilot.press("k", "k", "k")
        assert _selected(app) != "r2-veiligheid"
        await pilot.press("n")
        assert _selected(app) == "r2-veiligheid"


async def test_english_words_and_layout_follow_the_width(make_app):
    app = make_app("programme", lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("-narrow")
        assert "▶ now" in app.screen.query_one("GridRow.-running .grid-gutter").render().plain
        assert "room TBA" in _cell_text(app, "r1-slim-met-stroom")
        assert "Choice sessions - Round 1" in _text(app, "#detail-head")
        await pilot.resize_terminal(160, 48)
        await pilot.pause()
        assert not app.screen.has_class("-narrow")
        detail, grid = app.screen.query_one(SessionDetail), _grid(app)
        assert detail.region.x > grid.region.x and detail.region.y == grid.region.y


async def test_tentative_note_stands_out(make_app):
    app = make_app("programme")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        _grid(app).select_session("r2-inclusieve-zorg")
        await pilot.pause()
        notes = app.screen.query_one("#detail-notes")
        assert notes.has_class("-tentative") and "⚠ onder voorbehoud" in notes.render().plain
        assert "Maarten van Ooijen" in _text(app, "#detail-speakers")
