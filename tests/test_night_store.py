"""A day that runs past midnight in the organiser's figures: the dashboard's now/next, the door's
order of sessions, the report's "over yet?" and no-shows, and when a purge of personal data is due.

Each reads the night through the one DayClock (`meta.day_change`): at 23:50 on day 1 the 00:00
quiz of the same night is next, the 00:30 film has not begun, and nothing is purged at 01:00.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.loader import parse_programme
from kiosk.interop.frab import parse_schedule
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.door import door_scan
from kiosk.store.privacy import purge, purge_plan
from kiosk.store.report import round_report, session_report
from kiosk.store.report_venue import everyone_items, venue_report
from kiosk.store.scans import record_scan
from kiosk.store.session_clock import stored_days
from kiosk.store.sessions import sync_programme
from kiosk.store.signups import signup
from kiosk.store.stats import LiveStats, arrivals_per_bucket, door_order, load_sessions
from tests.support.night import DAY1, DAY2, at, frab, write_programme

# The night reads the same from a SQLite file and from PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

PEOPLE = [
    RosterRow("Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad", "", "CELIK1"),
    RosterRow("Pieter van 't Hof", "Gemeente Delft", "Delft", "", "HOF222"),
    RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44"),
]


@pytest.fixture
def festival(target):
    """The frab night festival (day 1 10:00 to 04:00, items at 23:00, 00:00 and 00:30) in a database."""
    db = open_store(target)
    sync_programme(db, parse_schedule(json.dumps(frab())).programme)
    upsert_attendees(db, PEOPLE, "2027-08-01T12:00:00+02:00")
    yield db
    db.close()


def _ids(stats) -> list[str]:
    return [s.id for s in stats]


# ---- the dashboard ------------------------------------------------------------------------------

def test_dashboard_at_ten_to_midnight_has_the_concert_on_and_the_quiz_next(festival):
    stats = LiveStats()
    stats.full(festival)
    running, upcoming = stats.slots(at(DAY1, "23:50"))
    assert _ids(running) == ["avondconcert"]
    assert _ids(upcoming) == ["middernacht", "nachtfilm"]  # 00:00, and 00:30 within its half hour
    # After midnight it is still day 1's night: the quiz runs, the film is next, not the 10:00 opening.
    running, upcoming = stats.slots(at(DAY2, "00:10"))
    assert (_ids(running), _ids(upcoming)) == (["middernacht"], ["nachtfilm"])
    # At 05:00 it is day 2: only day 2's breakfast session is next (not day 1's opening at 10:00).
    assert stats.slots(at(DAY2, "05:00")) == ([], [stats.sessions["ontbijt"]])


def test_dashboard_early_door_alerts_read_the_night(festival):
    door_scan(festival, "CELIK1", "middernacht", now=at(DAY1, "23:50"), device="door-1")  # 10 min before
    door_scan(festival, "HOF222", "nachtfilm", now=at(DAY1, "23:50"), device="door-2")  # 40 min before
    stats = LiveStats()
    stats.full(festival)
    assert [(a.kind, a.session_id) for a in stats.alerts(at(DAY1, "23:50"))] == [("early", "nachtfilm")]
    assert stats.alerts(at(DAY2, "00:20")) == []  # the film's doors are open by then


def test_dashboard_arrivals_of_the_night_come_after_the_evening(festival):
    record_scan(festival, "CELIK1", now=at(DAY1, "23:40"), device="desk-1")
    record_scan(festival, "HOF222", now=at(DAY2, "00:10"), device="desk-1")
    days = stored_days(festival)
    assert arrivals_per_bucket(festival, days=days) == {23 * 60 + 40: 1, 24 * 60 + 10: 1}
    assert (days.minute("10:00"), days.minute("00:30")) == (600, 24 * 60 + 30)


# ---- the door -----------------------------------------------------------------------------------

def test_door_lists_the_nights_items_as_still_to_come(festival):
    sessions, days = list(load_sessions(festival).values()), stored_days(festival)
    # Running, then still to come (the night and day 2), then the past.
    assert _ids(door_order(sessions, at(DAY1, "23:50"), days)) == [
        "avondconcert", "middernacht", "nachtfilm", "ontbijt", "opening"]
    assert _ids(door_order(sessions, at(DAY2, "00:40"), days)) == [
        "nachtfilm", "ontbijt", "opening", "avondconcert", "middernacht"]


# ---- the report ---------------------------------------------------------------------------------

def test_report_at_ten_to_midnight_the_film_has_not_begun_and_no_no_shows_yet(festival):
    record_scan(festival, "CELIK1", now=at(DAY1, "22:00"), device="desk-1")
    door_scan(festival, "CELIK1", "nachtfilm", now=at(DAY1, "23:45"), device="door-film")  # queueing early
    film = {line.session_id: line for line in session_report(festival, at(DAY1, "23:50"))}["nachtfilm"]
    assert (film.ended, film.no_shows, film.attended) == (False, None, 1)
    venue = venue_report(festival, at(DAY1, "23:50"))
    assert (venue.not_arrived, venue.no_shows) == (2, None)  # the night's items are still to come
    # At 02:00 the next morning the film is over; the venue waits for day 2 (10:00-11:00 on the 21st).
    assert {line.session_id: line for line in session_report(festival, at(DAY2, "02:00"))}["nachtfilm"].ended
    assert venue_report(festival, at(DAY2, "02:00")).no_shows is None
    assert venue_report(festival, at(DAY2, "11:00")).no_shows == 2


def _night_rounds(dated: bool = True) -> dict:
    """A programme file whose round and items for everyone run across midnight (day change 04:00)."""
    event = {"name": "Nachtfestival", "day_change": "04:00", **({"date": DAY1.isoformat()} if dated else {})}
    return {
        "event": event,
        "rounds": [{"id": "nacht", "name": "Nachtronde"}],
        "sessions": [
            {"id": "opening", "title": "Opening", "kind": "opening", "start": "10:00", "end": "11:00"},
            {"id": "dj-set", "title": "DJ-set", "kind": "activity", "round": "nacht", "start": "22:00",
             "end": "23:30", "signup": True},
            {"id": "sterren", "title": "Sterren kijken", "kind": "activity", "round": "nacht", "start": "23:30",
             "end": "00:30", "signup": True},
            {"id": "debat", "title": "Nachtdebat", "kind": "plenary", "start": "23:30", "end": "00:30"},
            {"id": "afsluiting", "title": "Afsluiting", "kind": "closing", "start": "00:30"},
        ],
    }


def _night_db(target, dated: bool = True):
    programme, problems = parse_programme(_night_rounds(dated))
    assert problems == []
    db = open_store(target)
    sync_programme(db, programme)
    upsert_attendees(db, PEOPLE, "2027-08-01T12:00:00+02:00")
    return db


@pytest.mark.parametrize("dated", [True, False], ids=["dated", "no-date"])
def test_report_reads_a_round_and_the_plenary_across_midnight(target, dated):
    db = _night_db(target, dated)
    assert signup(db, "ANNA44", "sterren", now=at(DAY1, "21:00")).status == "confirmed"
    record_scan(db, "CELIK1", now=at(DAY1, "23:00"), device="desk-1")
    record_scan(db, "HOF222", now=at(DAY1, "23:40"), device="desk-1")
    record_scan(db, "ANNA44", now=at(DAY2, "00:10"), device="desk-1")
    door_scan(db, "HOF222", "dj-set", now=at(DAY1, "23:00"), device="door-dj")
    door_scan(db, "CELIK1", "sterren", now=at(DAY1, "23:35"), device="door-sterren")  # without a seat
    # At 23:50 the plenary and the closing are still to come: no one is a no-show of the night yet.
    assert venue_report(db, at(DAY1, "23:50")).no_shows is None
    assert venue_report(db, at(DAY2, "00:30")).no_shows == 0  # the closing has begun; Anna came at 00:10
    (night,) = round_report(db, [("nacht", "Nachtronde")], at(DAY1, "23:50"))
    # The round runs 22:00 to 00:30 the next morning; at 23:50 it is not over and its no-shows wait.
    assert (night.starts_at, night.ends_at, night.ended, night.no_shows) == ("22:00", "00:30", False, None)
    (later,) = round_report(db, [("nacht", "Nachtronde")], at(DAY2, "00:30"))
    assert later.ended and later.no_shows == 1  # Anna had a seat in Sterren kijken and never went in
    # The plenary 23:30-00:30: one inside when it began, three at most (Anna came at 00:10).
    items = {i.session_id: (i.inside_at_start, i.most_inside) for i in everyone_items(db)}
    assert items["debat"] == (1, 3) and items["afsluiting"] == (3, 3)
    db.close()


# ---- privacy ------------------------------------------------------------------------------------

def test_purge_is_not_due_in_the_night_after_the_day(festival):
    record_scan(festival, "CELIK1", now=at(DAY1, "23:30"), device="desk-1")
    plan = purge_plan(festival, 0, at(DAY2, "01:00"))
    # The festival's last day (day 2) ends when it changes over: 04:00 on the 22nd.
    assert not plan.due and plan.keep_until == at(dt.date(2027, 8, 22), "04:00")
    assert purge(festival, now=at(DAY2, "01:00")).done is False
    assert festival.execute("SELECT name FROM attendees WHERE code = 'CELIK1'").fetchone() == ("Ayşe Çelik",)


def test_a_one_day_night_without_a_date_keeps_its_data_until_its_last_item(target):
    db = _night_db(target, dated=False)
    record_scan(db, "CELIK1", now=at(DAY1, "23:30"), device="desk-1")
    assert not purge_plan(db, 0, at(DAY2, "00:10")).due  # the closing (00:30) has not begun
    assert purge_plan(db, 0, at(DAY2, "00:31")).due
    db.close()


def test_purge_command_says_how_long_the_night_is_kept(tmp_path, target):
    db_path, programme = target, write_programme(tmp_path / "nacht.toml")
    env = {"KIOSK_DB": str(db_path), "KIOSK_PROGRAMME": str(programme), "KIOSK_NOW": f"{DAY2}T01:00",
           "KIOSK_NOW_FROZEN": "1"}
    db = open_store(db_path)
    upsert_attendees(db, PEOPLE, "2027-08-01T12:00:00+02:00")
    record_scan(db, "CELIK1", now=at(DAY1, "23:30"), device="desk-1")
    db.close()
    result = CliRunner().invoke(main, ["purge", "--yes"], env=env, catch_exceptions=False)
    assert result.exit_code == 0
    assert "Nothing is removed yet: personal data is kept until 2027-08-22 04:00" in result.output
    db = open_store(db_path)
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE name != ''").fetchone() == (len(PEOPLE),)
    db.close()
