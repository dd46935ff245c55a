"""The scan moment's emptied field (issue 19): the Enter repaints its text row only, and it looks as Input draws it.

At every Enter the desk and the door empty their field for the next badge. The frame with the
answer then carries the field's text row (the placeholder again), not its border rows, which did
not change; and the empty field the kiosk keeps drawn between scans is, cell by cell and colour by
colour, what Textual's Input draws for it, in each phase of the cursor's blink and without focus.
"""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region
from textual.widgets import Input

from kiosk.ui.widgets.scan_input import ScanInput
from tests.support.frames import Frames, enter_code
from tests.support.pilot import screen_lines, settle

MOVE = re.compile(r"\x1b\[(\d+);(\d+)H")


def rows_sent(raw: str, region: Region) -> set[int]:
    """The screen rows a frame writes to inside `region`'s columns (from its cursor moves)."""
    return {int(y) - 1 for y, x in MOVE.findall(raw) if region.x <= int(x) - 1 < region.right}


@pytest.mark.parametrize("role, moment, session, name", [
    ("desk", "11:45", None, "Anna de Vries"),
    ("door", "11:35", "r1-slim-met-stroom", "Anna de Vries"),
])
async def test_the_answers_frame_sends_the_emptied_fields_text_row_not_its_border(
        make_app, people, role, moment, session, name):
    app = make_app(role, moment, session_id=session)
    async with app.run_test(size=(80, 24)) as pilot:
        frames = Frames(app)
        await pilot.pause()
        field = app.screen.query_one(ScanInput)
        region = field.region
        assert region.height == 3  # a tall border above and below the text row
        start = await enter_code(pilot, frames, "ANNA44")
        await settle(app, pilot)
        first = frames.first_with(name, start)
        assert first == start
        _, raw, _ = frames.frames[first]
        sent = rows_sent(raw, region)
        assert region.y + 1 in sent  # the text row: the placeholder again
        assert region.y not in sent and region.y + 2 not in sent  # the border rows, unchanged, not sent again
        assert field.value == ""


def drawn(field: ScanInput) -> list[tuple[str, str]]:
    """The field's text row as drawn now: (text, style) of each segment."""
    return [(segment.text, str(segment.style)) for segment in field.render_line(0)]


def as_input_draws(field: ScanInput) -> list[tuple[str, str]]:
    """The same row as Textual's Input draws it (no row kept)."""
    return [(segment.text, str(segment.style)) for segment in Input.render_line(field, 0)]


@pytest.mark.parametrize("size, lang", [((80, 24), "nl"), ((160, 50), "en")])
async def test_the_emptied_field_looks_as_input_draws_it_in_each_cursor_phase_and_without_focus(
        make_app, people, size, lang):
    app = make_app("desk", lang=lang)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        field = app.screen.query_one(ScanInput)
        fresh = drawn(field)
        for code in ("ANNA44", "SOREN3", "HOF222"):
            await pilot.press(*code, "enter")
            await settle(app, pilot)
            assert field.value == "" and drawn(field) == fresh == as_input_draws(field)
        for visible in (False, True):  # the blink's two phases (the tests' cursor does not blink by itself)
            field._cursor_visible = visible
            assert drawn(field) == as_input_draws(field)
        field._cursor_visible = False
        assert drawn(field) != fresh  # the cursor's cell is part of what is kept
        field._cursor_visible = True
        field.blur()
        await pilot.pause()
        assert drawn(field) == as_input_draws(field) != fresh
        field.focus()
        await pilot.pause()
        # Focus restarts the cursor's blink: on a loaded machine its first half-second may have passed
        # by now (a clean-clone run saw the placeholder without its cursor). Its visible phase is `fresh`.
        field._cursor_visible = True
        assert drawn(field) == fresh == as_input_draws(field)


async def test_after_a_code_longer_than_the_field_the_next_text_shows_from_its_first_letter(make_app, people):
    """The field had scrolled along a long text: after its Enter it is empty from its first cell, and the
    next name typed shows whole (it showed "NNA" for "ANNA": the field stayed scrolled by one cell)."""
    app = make_app("desk")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        field = app.screen.query_one(ScanInput)
        long = "X" * 70
        await pilot.press(*long)
        await pilot.pause()
        assert field.scroll_offset.x > 0
        await pilot.press("enter")
        await settle(app, pilot)
        assert field.value == "" and field.cursor_position == 0
        row = screen_lines(app)[field.region.y + 1]
        assert "Scan een badge of typ een naam" in row and "XXXX" not in row
        await pilot.press(*"ANNA")
        await pilot.pause()
        assert "▊ANNA" in screen_lines(app)[field.region.y + 1]
