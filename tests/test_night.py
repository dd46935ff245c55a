"""Conference days that run past midnight: a frab day from 10:00 to 04:00 the next morning.

Its items at 23:00, 00:00 and 00:30 belong to that day: in the grid after the evening's items (not
at the top of the next day's tab), in now/next (at 23:50 "next" is the 00:00 item of the same
night), in the sign-up rules (clashes and closing on real moments) and in every export.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from kiosk.domain.dayclock import DayClock
from kiosk.domain.grid import build_rows, day_index, next_row, now_row_on, running_row
from kiosk.domain.loader import parse_programme
from kiosk.domain.rules import choosing_closed
from kiosk.interop.frab import parse_schedule
from kiosk.interop.frab_write import to_json, to_xml
from kiosk.interop.ics import to_ics
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.sessions import sync_programme
from kiosk.store.signups import day_of, signup
from kiosk.ui.widgets.schedule_grid import GridRow, ScheduleGrid
from tests.support.night import DAY1, DAY2, at, frab, frab_xml, write_programme


@pytest.fixture(params=["json", "xml"])
def festival(request):
    """The night festival as the kiosk reads it, from frab JSON and from frab XML."""
    text = json.dumps(frab()) if request.param == "json" else frab_xml()
    result = parse_schedule(text, source=f"nacht.{request.param}")
    assert result.warnings == []
    return result.programme


def _ids(rows) -> list[str]:
    return [cell.session_id for row in rows for cell in row.cells]


def test_night_items_belong_to_the_day_that_lists_them(festival):
    assert festival.event.day_change == dt.time(4, 0)  # where day 1 says it ends
    assert festival.days() == [DAY1, DAY2]
    assert [s.id for s in festival.day_sessions(DAY1)] == ["opening", "avondconcert", "middernacht", "nachtfilm"]
    film = festival.session("nachtfilm")
    assert (film.day, film.start, film.end) == (None, dt.time(0, 30), dt.time(2, 0))  # None: the event's date
    concert = festival.session("avondconcert")
    assert (concert.start, concert.end) == (dt.time(23, 0), dt.time(0, 0))  # ends at midnight, not "no end"
    # On the calendar the night items are on 21 August.
    assert festival.span(film) == (dt.datetime(2027, 8, 21, 0, 30), dt.datetime(2027, 8, 21, 2, 0))


def test_grid_puts_the_night_after_the_evening_and_not_on_the_next_day(festival):
    first, second = (build_rows(festival, festival.day_sessions(day)) for day in festival.days())
    assert _ids(first) == ["opening", "avondconcert", "middernacht", "nachtfilm"]
    assert [row.start for row in first] == [dt.time(10, 0), dt.time(23, 0), dt.time(0, 0), dt.time(0, 30)]
    assert _ids(second) == ["ontbijt"]
    # At 23:50 the concert runs and "next" is the 00:00 quiz of the same night, not the 10:00 opening.
    assert _ids([first[running_row(first, dt.time(23, 50))]]) == ["avondconcert"]
    assert _ids([first[next_row(first, dt.time(23, 50))]]) == ["middernacht"]
    # At 00:10 on the 21st it is still day 1's night: the quiz runs, the film is next.
    clock = festival.day_clock
    after_midnight = at(DAY2, "00:10")
    assert clock.day_of(after_midnight) == DAY1
    assert day_index(festival.days(), clock.day_of(after_midnight)) == 0
    assert _ids([first[now_row_on(first, DAY1, after_midnight)]]) == ["middernacht"]
    assert _ids([first[next_row(first, dt.time(0, 10))]]) == ["nachtfilm"]
    # From 04:00 it is day 2: day 1's last row, day 2's first.
    morning = at(DAY2, "05:00")
    assert clock.day_of(morning) == DAY2 and now_row_on(first, DAY1, morning) == len(first) - 1
    assert running_row(first, dt.time(5, 0)) is None and next_row(first, dt.time(3, 0)) is None


def test_the_day_clock_itself():
    clock = DayClock(dt.time(4, 0))
    assert [clock.offset(dt.time(h, 0)).total_seconds() / 3600 for h in (10, 23, 0, 3, 4)] == [10, 23, 24, 27, 4]
    assert clock.end_offset(dt.time(4, 0)) == dt.timedelta(hours=28)  # an end at the change closes the night
    assert clock.ends_after_start(dt.time(23, 0), dt.time(1, 0))
    assert not DayClock().ends_after_start(dt.time(23, 0), dt.time(1, 0))
    assert DayClock().ends_after_start(dt.time(23, 0), dt.time(0, 0))  # ends at midnight
    assert clock.moment(DAY1, dt.time(0, 30)) == dt.datetime(2027, 8, 21, 0, 30)


def test_programme_file_accepts_night_ends_only_with_a_day_change():
    raw = {"event": {"name": "Nacht", "date": DAY1.isoformat()},
           "sessions": [{"id": "laat", "title": "Laat", "kind": "talk", "start": "23:00", "end": "01:00"}]}
    programme, problems = parse_programme(raw)
    assert programme is None and problems == ["sessions[0].end: 01:00 is before its start 23:00"]
    raw["event"]["day_change"] = "04:00"
    programme, problems = parse_programme(raw)
    assert problems == [] and programme.session("laat").end == dt.time(1, 0)
    raw["sessions"][0]["end"] = "05:00"  # past the day change: a typo, not a night
    assert parse_programme(raw)[1] == ["sessions[0].end: 05:00 is before its start 23:00 (the day changes over at 04:00)"]


@pytest.mark.parametrize("write", [to_json, to_xml], ids=["json", "xml"])
def test_night_survives_export_and_import(festival, write):
    text = write(festival)
    assert parse_schedule(text).programme == festival
    if write is to_json:
        day = json.loads(text)["schedule"]["conference"]["days"][0]
        assert day["day_end"] == "2027-08-21T04:00:00+02:00"
        film = next(e for e in day["rooms"]["Podium"] if e["title"] == "Nachtfilm")
        assert (film["date"], film["duration"]) == ("2027-08-21T00:30:00+02:00", "01:30")


def test_calendar_puts_night_items_on_the_next_date(festival):
    lines = to_ics(festival).split("\r\n")
    film = lines.index("SUMMARY:Nachtfilm")
    assert "DTSTART;TZID=Europe/Amsterdam:20270821T003000" in lines[film - 3:film]
    assert "DTEND;TZID=Europe/Amsterdam:20270821T020000" in lines[film - 3:film]


def _night_signups() -> dict:
    """A night of two rounds that overlap around midnight, closing 10 minutes before they start."""
    return {
        "event": {"name": "Nachtfestival", "date": DAY1.isoformat(), "day_change": "04:00"},
        "rounds": [{"id": "laat", "name": "Laat", "closes_minutes_before": 10},
                   {"id": "nacht", "name": "Nacht", "closes_minutes_before": 10}],
        "sessions": [
            {"id": "opening", "title": "Opening", "kind": "opening", "start": "10:00", "end": "11:00"},
            {"id": "dj-set", "title": "DJ-set", "kind": "activity", "round": "laat", "start": "23:30", "end": "01:00",
             "signup": True},
            {"id": "sterren", "title": "Sterren kijken", "kind": "activity", "round": "nacht", "start": "00:30",
             "end": "01:30", "signup": True},
            {"id": "nachtwandeling", "title": "Nachtwandeling", "kind": "activity", "round": "nacht",
             "start": "01:00", "end": "02:00", "signup": True},
        ],
    }


@pytest.mark.parametrize("dated", [True, False], ids=["dated", "no-date"])
def test_sign_up_rules_read_the_night_right(tmp_path, dated):
    raw = _night_signups()
    if not dated:
        del raw["event"]["date"]  # the clock's day is the event's day
    programme, problems = parse_programme(raw)
    assert problems == []
    db = open_store(tmp_path / "nacht.db")
    sync_programme(db, programme)
    stored = {row[0]: row[1:] for row in db.execute("SELECT id, day, starts_at, closes_at FROM sessions")}
    assert stored["sterren"] == (None, "00:30", f"{DAY2} 00:20" if dated else "00:20")
    assert db.execute("SELECT value FROM meta WHERE key = 'day_change'").fetchone() == ("04:00",)
    upsert_attendees(db, [RosterRow("Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1")], "2027-01-01")
    evening = at(DAY1, "23:00")
    assert signup(db, "CELIK1", "dj-set", now=evening).status == "confirmed"
    # 00:30-01:30 overlaps the DJ-set (23:30-01:00); 01:00-02:00 starts as it ends.
    refused = signup(db, "CELIK1", "sterren", now=evening)
    assert (refused.reason, refused.conflict_with) == ("overlap", "dj-set")
    assert signup(db, "CELIK1", "nachtwandeling", now=evening).status == "confirmed"
    # Choosing "Sterren kijken" (00:30) closes at 00:20 that night, not at 00:20 that morning.
    assert not day_of(db, None, now=at(DAY1, "23:55"))["nacht"].closed
    assert day_of(db, None, now=at(DAY2, "00:20"))["nacht"].options[0].closed
    assert signup(db, "CELIK1", "sterren", now=at(DAY2, "00:25")).reason == "closed"
    db.close()


def test_choosing_closed_with_a_clock_for_undated_programmes():
    clock = DayClock(dt.time(4, 0))
    assert not choosing_closed(at(DAY1, "23:59"), "00:20", None, clock)
    assert choosing_closed(at(DAY2, "00:20"), "00:20", None, clock)
    assert choosing_closed(at(DAY1, "23:59"), "00:20", None)  # without the clock 00:20 is that morning


@pytest.fixture
def night_settings(settings, tmp_path):
    """Settings whose programme is the night festival (imported from frab JSON)."""
    return replace(settings, programme_path=write_programme(tmp_path / "nacht.toml"))


def _rows(grid: ScheduleGrid) -> list[tuple[str, list[str], bool, bool]]:
    """Each row of a grid as shown: its gutter time, its cells' titles, running, next."""
    return [(row.row.start.strftime("%H:%M"), [c.cell.session.title for c in row.cells],
             row.has_class("-running"), row.has_class("-next")) for row in grid.query(GridRow)]


async def test_programme_screen_shows_the_night_on_day_ones_tab(make_app, night_settings):
    app = make_app("programme", f"{DAY1}T23:50", settings=night_settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert [tab.label.plain for tab in app.screen.query("ContentTab")] == ["vr 20 aug", "za 21 aug"]
        first, second = app.screen.query(ScheduleGrid)
        assert first.region.height and not second.region.height  # day 1's tab is open
        assert _rows(first) == [
            ("10:00", ["Opening"], False, False),
            ("23:00", ["Avondconcert"], True, False),
            ("00:00", ["Middernachtquiz"], False, True),  # next: the same night's 00:00 item
            ("00:30", ["Nachtfilm"], False, False),
        ]
        assert _rows(second) == [("10:00", ["Ontbijtsessie"], False, False)]
        gutters = [str(row.query_one(".grid-gutter").render()) for row in first.query(GridRow)]
        assert gutters[2].startswith("00.00") and "straks" in gutters[2]


async def test_after_midnight_the_screen_stays_on_the_night(make_app, night_settings):
    app = make_app("programme", f"{DAY2}T00:40", settings=night_settings, lang="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first, second = app.screen.query(ScheduleGrid)
        assert first.region.height and not second.region.height
        assert [(t, r, n) for t, _, r, n in _rows(first)][2:] == [("00:00", False, False), ("00:30", True, False)]
        assert app.screen.query_one("#detail-head").render().plain.startswith("Nachtfilm")


def test_self_service_says_the_same_of_the_night_as_the_store(tmp_path):
    from kiosk.store.attendees import find_by_code
    from kiosk.ui.widgets.agenda import agenda_lines
    from kiosk.ui.widgets.day_texts import option_views

    programme, _ = parse_programme(_night_signups())
    db = open_store(tmp_path / "kiosk.db")
    sync_programme(db, programme)
    upsert_attendees(db, [RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44")], "2027-01-01")
    assert signup(db, "ANNA44", "dj-set", now=at(DAY1, "23:00")).status == "confirmed"
    states = day_of(db, find_by_code(db, "ANNA44").id, now=at(DAY1, "23:00"))
    cards = {view.state.session_id: (view.clash, view.notes) for view in option_views(programme, states, "nacht", "nl")}
    # The card warns of the overlap the store would refuse, and of nothing else.
    assert cards["sterren"][0] and "DJ-set" in cards["sterren"][1][0]
    assert cards["nachtwandeling"] == (False, [])
    # The person's day: the DJ-set (23:30) before the night round (00:30), not at the top.
    assert [text for _, text, _ in agenda_lines(programme, states, "nl")] == [
        "Opening", "DJ-set", "Nacht: geen keuze"]
    db.close()


def test_night_exports_stay_valid_frab(festival):
    xmlschema = pytest.importorskip("xmlschema")
    jsonschema = pytest.importorskip("jsonschema")
    from tests.support.event import SHARED

    specs = SHARED / "specs"
    if not specs.is_dir():
        pytest.skip("../shared/specs is not beside the project")
    xmlschema.XMLSchema(str(specs / "schedule.xml.xsd")).validate(to_xml(festival))
    schema = json.loads((specs / "schedule.schema.json").read_text())
    validator = jsonschema.Draft6Validator(schema, format_checker=jsonschema.Draft6Validator.FORMAT_CHECKER)
    assert [e.message for e in validator.iter_errors(json.loads(to_json(festival)))] == []
