"""A day that runs past midnight on the organiser's screens: the dashboard and the door at 23:50.

The frab night festival (tests/support/night.py): day 1 runs 10:00 to 04:00, with the Avondconcert
at 23:00, the Middernachtquiz at 00:00 and the Nachtfilm at 00:30.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.widgets import OptionList, Static

from tests.support.night import DAY1, DAY2, write_programme


@pytest.fixture
def night_settings(settings, tmp_path):
    """Settings whose programme is the night festival (imported from frab JSON)."""
    return replace(settings, programme_path=write_programme(tmp_path / "nacht.toml"))


def _text(app, selector: str) -> str:
    """The lines a table (its Statics) under `selector` shows."""
    return "\n".join(str(w.render()) for w in app.screen.query(f"{selector} Static"))


def _shown(app, widget_id: str) -> str:
    """What one Static shows."""
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


async def test_dashboard_at_ten_to_midnight_shows_the_quiz_as_next(make_app, night_settings):
    app = make_app("dashboard", f"{DAY1}T23:50", settings=night_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _shown(app, "dash-now-title") == "Nu (23:50)"
        assert "Avondconcert" in _text(app, "#dash-running")
        assert _shown(app, "dash-next-title") == "Hierna: verwachte drukte (00:00)"
        following = _text(app, "#dash-next")
        assert "00:00 Middernachtquiz" in following and "00:30 Nachtfilm" in following
        assert "Opening" not in following and "Ontbijtsessie" not in following
        # The arrivals axis runs from half an hour before the day's first item to now.
        assert _shown(app, "arrivals-axis") == "09:30 … 23:50"


async def test_dashboard_after_midnight_is_still_on_the_night(make_app, night_settings):
    app = make_app("dashboard", f"{DAY2}T00:10", settings=night_settings, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _shown(app, "dash-now-title") == "Now (00:10)"
        assert "Middernachtquiz" in _text(app, "#dash-running")
        assert _shown(app, "dash-next-title") == "Next: expected load (00:30)"
        assert _shown(app, "arrivals-axis") == "09:30 … 00:10"


async def test_door_at_ten_to_midnight_offers_the_concert_then_the_night(make_app, night_settings):
    app = make_app("door", f"{DAY1}T23:50", settings=night_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        options = app.screen.query_one("#door-sessions", OptionList)
        shown = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert shown == [
            "23:00-00:00  Avondconcert",
            "00:00-00:30  Middernachtquiz",
            "00:30-02:00  Nachtfilm",
            "10:00-11:00  Ontbijtsessie",
            "10:00-11:00  Opening",
        ]
        await pilot.press("enter")  # the running concert is highlighted: one Enter starts scanning
        await pilot.pause()
        assert "Avondconcert" in _shown(app, "door-session")
