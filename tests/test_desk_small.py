"""The desk at the sizes terminals come in (issue 14, items 3, 5 and 8): the answer is always on screen.

40x12 (a small split pane), 80x24 and 250x70: a scan's answer (word and name) and the input show at
each; below the width where the side panel fits it gives way, and F9 shows the list in its place.
The footer fits its width, leaving out the least-used keys first; "last 10 min" follows the clock.
"""

from __future__ import annotations

import pytest

import kiosk.ui.widgets.desk_counters as desk_counters
from kiosk.clock import Clock
from kiosk.store.scans import record_scan
from kiosk.ui.widgets.steady_footer import fit_keys
from tests.support.event import EVENT_DAY, at
from tests.support.pilot import screen_lines, screen_text, settle

SIZES = [(40, 12), (80, 24), (250, 70)]


async def scan(app, pilot, code: str) -> str:
    await pilot.press(*code, "enter")
    await settle(app, pilot)
    return screen_text(app)


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_answer_and_the_input_show_at_every_size(make_app, db, people, size):
    record_scan(db, "ANNA44", now=at("09:05"), device="desk-2")
    app = make_app("desk")
    async with app.run_test(size=size) as pilot:
        shown = await scan(app, pilot, "CELIK1")
        assert "✔  WELKOM" in shown and "Ayşe Çelik" in shown, shown
        shown = await scan(app, pilot, "ANNA44")
        assert "!  AL BINNEN" in shown and "Anna de Vries" in shown, shown
        shown = await scan(app, pilot, "QQQ999")
        assert "✖  ONBEKENDE CODE" in shown and "QQQ999" in shown, shown
        field = app.screen.query_one("#desk-input")
        assert field.region.width >= min(36, size[0] - 4) and field.region.bottom <= size[1] - 1
        assert app.focused is field
        await pilot.press(*"celi")  # what is typed shows in the input
        await pilot.pause()
        assert "celi" in screen_text(app)
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 4


async def test_a_narrow_desk_gives_the_side_panel_way_and_f9_shows_the_list_instead(make_app, db, people):
    app = make_app("desk")
    async with app.run_test(size=(40, 12)) as pilot:
        shown = await scan(app, pilot, "CELIK1")
        assert "Laatste scans hier" not in shown and "WELKOM" in shown
        await pilot.press("f9")
        await pilot.pause()
        shown = screen_text(app)
        assert "Ayşe Çelik" in shown and "Gemeente Zaanstad" in shown and "WELKOM" not in shown
        await pilot.press("escape")
        await pilot.pause()
        shown = screen_text(app)
        assert "Laatste scans hier" not in shown and app.focused is app.screen.query_one("#desk-input")
    async with make_app("desk").run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Laatste scans hier" in screen_text(pilot.app)  # room enough: the panel stays


@pytest.mark.parametrize(("lang", "keys", "left_out"), [
    ("nl", ["esc Wissen", "f7 Walk-in", "f8 Uitchecken", "^z Ongedaan", "f9 Laatste 10", "^q Stop"],
     ["f3 Balie", "^g Geluid"]),
    ("en", ["esc Clear", "f7 Walk-in", "f8 Check out", "^z Undo", "f9 Last 10", "^q Stop"], ["f3 Desk"]),
])
async def test_the_footer_fits_80_columns_and_leaves_out_the_least_used_keys(make_app, db, lang, keys, left_out):
    app = make_app("desk", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = screen_lines(app)[-1]
        for key in keys:
            assert key in footer, footer
        for key in left_out:
            assert key not in footer
        assert len(footer.rstrip()) <= 80
    async with make_app("desk", lang=lang).run_test(size=(250, 70)) as pilot:
        await pilot.pause()
        footer = screen_lines(pilot.app)[-1]
        assert all(key in footer for key in keys) and ("f6 Zelfservice" if lang == "nl" else "f6 Self-service") in footer


def test_fit_keys_keeps_everything_when_it_fits_and_drops_in_order():
    keys = [("escape", "esc", "Clear"), ("ctrl+g", "^g", "Sound"), ("f3", "f3", "Desk"), ("ctrl+q", "^q", "Stop")]
    assert fit_keys(keys, 80, ["f3", "ctrl+g"]) == (False, ["escape", "ctrl+g", "f3", "ctrl+q"])
    # Roomy: 11 + 10 + 9 + 9 = 39 cells; compact: 31; without f3: 24; without the bell as well: 16.
    assert fit_keys(keys, 39, ["f3", "ctrl+g"]) == (False, ["escape", "ctrl+g", "f3", "ctrl+q"])
    assert fit_keys(keys, 38, ["f3", "ctrl+g"]) == (True, ["escape", "ctrl+g", "f3", "ctrl+q"])
    assert fit_keys(keys, 30, ["f3", "ctrl+g"]) == (True, ["escape", "ctrl+g", "ctrl+q"])
    assert fit_keys(keys, 20, ["f3", "ctrl+g"]) == (True, ["escape", "ctrl+q"])
    assert fit_keys(keys, 10, ["f3", "ctrl+g"]) == (True, ["escape", "ctrl+q"])  # the unlisted ones stay


async def test_the_f9_list_says_back_once_in_the_desks_language(make_app, db, people):
    for lang, back, other in (("nl", "esc Terug", "Back"), ("en", "esc Back", "Terug")):
        app = make_app("desk", lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await scan(app, pilot, "CELIK1")
            await pilot.press("f9")
            await pilot.pause()
            await pilot.pause()
            footer = screen_lines(app)[-1]
            assert back in footer and other not in footer, footer


async def test_last_ten_minutes_follows_the_clock_without_any_write(make_app, db, people, monkeypatch):
    monkeypatch.setattr(desk_counters, "WINDOW_SECONDS", 0.05)
    app = make_app("desk")
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, "CELIK1")
        await scan(app, pilot, "ANNA44")
        assert "Laatste 10 min: 2" in screen_text(app)
        writes = db.execute("SELECT COUNT(*) FROM scans").fetchone()[0]
        app.ctx.clock = Clock.fixed("11:55:30", event_date=EVENT_DAY)  # ten and a half minutes on
        await pilot.pause(0.3)
        assert "Laatste 10 min: 0" in screen_text(app)
        assert "Aangekomen 2 / 5" in screen_text(app)  # the day's count does not move
        app.ctx.clock = Clock.fixed("11:50", event_date=EVENT_DAY)  # a shifted clock back: both again
        await pilot.pause(0.3)
        assert "Laatste 10 min: 2" in screen_text(app)
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == writes


@pytest.mark.parametrize(("lang", "said"), [("nl", "Zojuist al gescand (genegeerd): "),
                                            ("en", "Just scanned (ignored): ")])
async def test_a_bounce_says_ignored_on_screen(make_app, db, people, lang, said):
    app = make_app("desk", lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, "HOF222")
        shown = await scan(app, pilot, "HOF222")
        assert said + "Piet" in shown, shown
    assert [r[0] for r in db.execute("SELECT reason FROM scans ORDER BY id")] == ["ok", "bounce"]
