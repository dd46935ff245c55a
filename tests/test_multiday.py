"""Events of several days: a tab per day in the programme screen, and clashes and closing per day.

The two-day programme is built here from a dict; the pretalx example in ../shared/specs (three
days, two rooms, no rounds) is imported through kiosk.interop.frab when it is there.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from kiosk.clock import Clock
from kiosk.domain.grid import build_rows, day_index, now_row_on
from kiosk.domain.loader import parse_programme
from kiosk.domain.rules import choosing_closed
from kiosk.interop.toml_writer import to_toml
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.sessions import sync_programme
from kiosk.store.signups import day_of, signup
from kiosk.ui.widgets.grid_search import GridSearch
from kiosk.ui.widgets.schedule_grid import GridRow, ScheduleGrid
from kiosk.ui.widgets.session_cell import SessionCell
from tests.support.event import SHARED

DAY1, DAY2 = dt.date(2027, 3, 8), dt.date(2027, 3, 9)
DEMOCON = SHARED / "specs" / "examples" / "pretalx-democon.json"


def _raw() -> dict:
    """Two days in two rooms; the workshops of both days run 10:00-11:00 and take sign-ups."""
    return {
        "event": {"name": "Twee dagen", "date": DAY1.isoformat(), "venue": "Zaantheater"},
        "rooms": [{"id": "zaal-a", "name": "Zaal A", "capacity": 2}, {"id": "zaal-b", "name": "Zaal B"}],
        "rounds": [{"id": "ronde-ma", "name": "Workshops maandag"}, {"id": "ronde-di", "name": "Workshops dinsdag"}],
        "sessions": [
            {"id": "opening", "title": "Opening", "kind": "opening", "start": "09:00", "end": "10:00"},
            {"id": "ws-drones", "title": "Drones boven de Zaan", "kind": "choice", "round": "ronde-ma",
             "start": "10:00", "end": "11:00", "room": "zaal-a", "signup": True},
            {"id": "ws-water", "title": "Waterbeheer", "kind": "choice", "round": "ronde-ma",
             "start": "10:00", "end": "11:00", "room": "zaal-b", "signup": True},
            # Day two: items without a round in two rooms at once share a row, one room per column.
            {"id": "talk-b", "title": "Warmtenet in Zaal B", "kind": "talk", "start": "09:00", "end": "09:30",
             "room": "zaal-b", "day": DAY2.isoformat()},
            {"id": "talk-a", "title": "Klimaat en kade", "kind": "talk", "start": "09:00", "end": "10:00",
             "room": "zaal-a", "day": DAY2.isoformat()},
            {"id": "ws-fiets", "title": "Fietsroutes", "kind": "choice", "round": "ronde-di",
             "start": "10:00", "end": "11:00", "room": "zaal-a", "signup": True, "day": DAY2.isoformat()},
            {"id": "slot", "title": "Slotwoord", "kind": "closing", "start": "16:00", "day": DAY2.isoformat()},
        ],
    }


@pytest.fixture
def two_days():
    """The two-day programme as a validated model."""
    programme, problems = parse_programme(_raw())
    assert problems == []
    return programme


@pytest.fixture
def two_day_settings(settings, tmp_path, two_days):
    """Settings whose programme file is the two-day programme."""
    path = tmp_path / "twee-dagen.toml"
    path.write_text(to_toml(two_days), encoding="utf-8")
    return replace(settings, programme_path=path)


def _shown_grid(app) -> ScheduleGrid:
    return next(g for g in app.screen.query(ScheduleGrid) if g.region.height)


def _ids(grid: ScheduleGrid) -> set[str]:
    return {cell.session_id for cell in grid.query(SessionCell)}


def _tab_labels(app) -> list[str]:
    return [tab.label.plain for tab in app.screen.query("ContentTab")]


def test_days_and_grid_rows_per_day(two_days):
    assert two_days.days() == [DAY1, DAY2]
    first, second = (build_rows(two_days, two_days.day_sessions(day)) for day in two_days.days())
    assert [c.session_id for r in first for c in r.cells] == ["opening", "ws-drones", "ws-water"]
    # Two talks side by side: one row in room order (Zaal A first), not two full-width rows.
    assert [c.session_id for c in second[0].cells] == ["talk-a", "talk-b"] and not second[0].spanning
    assert second[-1].spanning and second[-1].cells[0].session_id == "slot"
    # The tab to open: the clock's day, else the next day to come, else the last day.
    assert [day_index([DAY1, DAY2], d) for d in (DAY1, DAY2, dt.date(2027, 1, 1), dt.date(2028, 1, 1))] == [0, 1, 0, 1]
    # `n` on a day that is not today: its first row before it, its last row after it.
    moment = dt.datetime.combine(DAY1, dt.time(10, 30))
    assert now_row_on(second, DAY2, moment) == 0 and now_row_on(first, DAY1, moment) == 1


async def test_a_tab_per_day_each_with_its_own_sessions(make_app, two_day_settings):
    app = make_app("programme", f"{DAY2}T09:15", settings=two_day_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _tab_labels(app) == ["ma 8 mrt", "di 9 mrt"]
        grids = list(app.screen.query(ScheduleGrid))
        assert [_ids(g) for g in grids] == [
            {"opening", "ws-drones", "ws-water"}, {"talk-a", "talk-b", "ws-fiets", "slot"},
        ]
        # The clock is on day two: its tab is open, its 09:00 row is running; day one has no marker.
        assert _shown_grid(app) is grids[1]
        assert app.screen.query_one("#detail-head").render().plain.startswith(
            "Klimaat en kade"
        )
        assert [r.row.start for r in grids[1].query(GridRow) if r.has_class("-running")] == [dt.time(9, 0)]
        assert not any(r.has_class("-running") or r.has_class("-next") for r in grids[0].query(GridRow))
        assert "[ ] Dag" in " ".join(w.render().plain for w in app.screen.query("FooterKey"))


async def test_switching_days_by_key_and_click_and_n_returns_to_today(make_app, two_day_settings):
    app = make_app("programme", f"{DAY1}T10:15", settings=two_day_settings, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert _tab_labels(app) == ["Mon 8 Mar", "Tue 9 Mar"]
        grids = list(app.screen.query(ScheduleGrid))
        assert _shown_grid(app) is grids[0] and grids[0].selected.session_id == "ws-drones"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert _shown_grid(app) is grids[1] and app.focused is grids[1]
        assert "Klimaat en kade" in app.screen.query_one("#detail-head").render().plain
        await pilot.press("j")
        assert grids[1].selected.session_id == "ws-fiets"
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert _shown_grid(app) is grids[0]
        await pilot.click("ContentTab#--content-tab-day-1")
        await pilot.pause()
        assert _shown_grid(app) is grids[1] and grids[1].selected.session_id == "ws-fiets"
        await pilot.press("n")
        await pilot.pause()
        assert _shown_grid(app) is grids[0] and grids[0].selected.session_id == "ws-drones"


async def test_search_looks_through_every_day(make_app, two_day_settings):
    app = make_app("programme", f"{DAY1}T09:30", settings=two_day_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grids = list(app.screen.query(ScheduleGrid))
        await pilot.press("slash", *"kade")
        await pilot.pause()
        # Only day two has a match: its tab opens, and the tabs count the matches.
        assert _tab_labels(app) == ["ma 8 mrt · 0", "di 9 mrt · 1"]
        assert _shown_grid(app) is grids[1] and grids[1].selected.session_id == "talk-a"
        assert isinstance(app.focused, GridSearch)  # typing is never interrupted
        footer = " ".join(w.render().plain for w in app.screen.query("FooterKey"))
        assert "^n Nu" in footer and "/ Zoek" not in footer
        await pilot.press("ctrl+n")  # back to now from the search line
        await pilot.pause()
        assert _shown_grid(app) is grids[0] and isinstance(app.focused, GridSearch)
        await pilot.press("escape")
        await pilot.pause()
        assert _tab_labels(app) == ["ma 8 mrt", "di 9 mrt"]
        assert not any(c.has_class("-dimmed") for c in app.screen.query(SessionCell))


class StepClock(Clock):
    """A clock a test moves by hand."""

    def __init__(self, moment: dt.datetime) -> None:
        super().__init__(moment, frozen=True)
        self.moment = Clock.now(self)  # the frozen moment, as the base class gives it

    def now(self) -> dt.datetime:
        return self.moment


async def test_now_marker_follows_the_clock_within_seconds(make_app, two_day_settings):
    clock = StepClock(dt.datetime.combine(DAY1, dt.time(9, 50)))
    app = make_app("programme", settings=two_day_settings, clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        grid = list(app.screen.query(ScheduleGrid))[0]

        def running() -> list[dt.time]:
            return [r.row.start for r in grid.query(GridRow) if r.has_class("-running")]

        assert running() == [dt.time(9, 0)]
        clock.moment += dt.timedelta(minutes=15)
        await pilot.pause(1.3)
        assert running() == [dt.time(10, 0)]


async def test_one_day_programme_has_no_tabs(make_app):
    app = make_app("programme")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert not app.screen.query("TabbedContent") and len(app.screen.query(ScheduleGrid)) == 1
        assert "Dag" not in " ".join(w.render().plain for w in app.screen.query("FooterKey"))


@pytest.mark.skipif(not DEMOCON.exists(), reason="../shared/specs is not there")
async def test_pretalx_example_shows_three_days(make_app, tmp_path):
    from kiosk.interop.frab import read_schedule

    programme = read_schedule(DEMOCON).programme
    path = tmp_path / "democon.toml"
    path.write_text(to_toml(programme), encoding="utf-8")
    app = make_app("programme", programme_path=path, lang="en",
                   clock=Clock.fixed("2020-12-15T10:10", tz=programme.event.timezone))
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        assert _tab_labels(app) == ["Mon 14 Dec", "Tue 15 Dec", "Wed 16 Dec"]
        grids = list(app.screen.query(ScheduleGrid))
        assert [len(_ids(g)) for g in grids] == [len(programme.day_sessions(d)) for d in programme.days()]
        assert _shown_grid(app) is grids[1]
        running = [r for r in grids[1].query(GridRow) if r.has_class("-running")]
        assert [r.row.start for r in running] == [dt.time(10, 0)] and len(running[0].cells) == 2


def test_same_time_on_different_days_does_not_clash(two_days, tmp_path):
    db = open_store(tmp_path / "twee.db")
    sync_programme(db, two_days)
    # The workshops of Monday and Tuesday are both 10:00-11:00: one person can go to both.
    upsert_attendees(db, [RosterRow("Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1")], "2027-01-01")
    before = dt.datetime.combine(DAY1, dt.time(8, 0), tzinfo=Clock().tz)
    assert signup(db, "CELIK1", "ws-drones", now=before).status == "confirmed"
    assert signup(db, "CELIK1", "ws-fiets", now=before).status == "confirmed"
    rows = dict(db.execute("SELECT id, day FROM sessions").fetchall())
    assert rows["ws-drones"] is None and rows["ws-fiets"] == DAY2.isoformat()
    db.close()


def test_same_time_on_the_same_day_still_clashes(two_days, tmp_path):
    raw = _raw()
    raw["sessions"][5]["day"] = None  # Tuesday's workshop moved to Monday, same time as the others
    programme, _ = parse_programme(raw)
    db = open_store(tmp_path / "een.db")
    sync_programme(db, programme)
    upsert_attendees(db, [RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44")], "2027-01-01")
    before = dt.datetime.combine(DAY1, dt.time(8, 0), tzinfo=Clock().tz)
    assert signup(db, "ANNA44", "ws-drones", now=before).status == "confirmed"
    refused = signup(db, "ANNA44", "ws-fiets", now=before)
    assert refused.reason == "overlap" and refused.conflict_with == "ws-drones"
    db.close()


def test_choosing_closes_on_the_sessions_own_day(two_days, tmp_path):
    db = open_store(tmp_path / "sluit.db")
    sync_programme(db, two_days)
    closes = dict(db.execute("SELECT id, closes_at FROM sessions WHERE signup = 1").fetchall())
    assert closes == {"ws-drones": "10:00", "ws-water": "10:00", "ws-fiets": f"{DAY2} 10:00"}
    upsert_attendees(db, [RosterRow("Pieter van 't Hof", "Gemeente Delft", "Delft", "", "HOF222")], "2027-01-01")
    # Monday 10:30: Monday's round has closed, Tuesday's is open still.
    monday = dt.datetime.combine(DAY1, dt.time(10, 30), tzinfo=Clock().tz)
    assert signup(db, "HOF222", "ws-drones", now=monday).reason == "closed"
    assert signup(db, "HOF222", "ws-fiets", now=monday).status == "confirmed"
    rounds = day_of(db, None, now=monday)
    assert rounds["ronde-ma"].closed and not rounds["ronde-di"].closed
    tuesday = dt.datetime.combine(DAY2, dt.time(10, 0), tzinfo=Clock().tz)
    assert choosing_closed(tuesday, f"{DAY2} 10:00", DAY1)
    assert not choosing_closed(tuesday - dt.timedelta(minutes=1), f"{DAY2} 10:00", DAY1)
    # A file of schema 3 gets the column by migration; syncing twice changes nothing.
    assert db.execute("PRAGMA user_version").fetchone()[0] >= 4
    version = db.execute("PRAGMA data_version").fetchone()[0]
    sync_programme(db, two_days)
    assert db.execute("PRAGMA data_version").fetchone()[0] == version
    db.close()
