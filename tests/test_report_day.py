"""`kiosk report`'s day figures: arrivals over time, no-shows, the peak inside the venue, each round."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.counting import VENUE_WIDE_KINDS, venue_wide
from kiosk.domain.programme import Kind
from kiosk.store.door import door_scan
from kiosk.store.report import round_report, session_report
from kiosk.store.report_venue import arrivals_per_interval, everyone_items, venue_report
from kiosk.store.scans import create_walk_in, record_scan, undo_scan
from kiosk.store.signups import signup
from tests.support.cli_db import db_args
from tests.support.event import PROGRAMME_PATH, at

# `kiosk report` reads a day alike from a SQLite file and from PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

SLIM, WONING = "r1-slim-met-stroom", "r1-woningvoorraad"
ROUNDS = [("ronde-1", "Keuzesessies - Ronde 1")]


@pytest.fixture
def day(db, people):
    """Arrivals at known times, an undone check-in, a walk-in, an exit, and Ronde 1's doors.

    Expected: Çelik, Hof, Søren, Anna and the markup name (the cancelled person is not expected).
    """
    celik, hof, soren, anna = (people[n] for n in ("Ayşe Çelik", "Pieter van 't Hof", "Søren Ødegaard", "Anna de Vries"))
    for code, session in ((anna, SLIM), (hof, SLIM), (soren, WONING), (celik, WONING)):
        signup(db, code, session, now=at("09:00"))
    record_scan(db, celik, now=at("09:05"), device="desk-1")
    record_scan(db, hof, now=at("09:12"), device="desk-1")
    record_scan(db, soren, now=at("09:20"), device="desk-2")
    record_scan(db, anna, now=at("09:31"), device="desk-1")
    undo_scan(db, now=at("09:32"), device="desk-1", list_="venue")  # Anna's check-in was a mistake
    walk_in = create_walk_in(db, "Wessel Walkin", "Gemeente Zaanstad", "Zaanstad", now=at("09:40"), device="desk-2")
    record_scan(db, soren, now=at("10:05"), device="exit-1", direction="exit")  # Søren goes home
    door_scan(db, anna, SLIM, now=at("11:28"), device="door-slim")  # arrives at the venue by this door
    door_scan(db, hof, SLIM, now=at("11:29"), device="door-slim")
    door_scan(db, celik, SLIM, now=at("11:30"), device="door-slim")  # her seat is in Woning
    door_scan(db, walk_in.person.code, WONING, now=at("11:31"), device="door-woning")  # without a seat
    return db


def report(target, hhmm: str, *args: str) -> str:
    """`kiosk report` on this database at `hhmm` on the event day (exit 0 asserted)."""
    flag, env = db_args(target, {"KIOSK_NOW": at(hhmm).isoformat(), "KIOSK_NOW_FROZEN": "1"})
    result = CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), "report", *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_venue_arrivals_peak_and_no_shows(day):
    after = venue_report(day, at("17:00"))
    assert (after.arrived, after.expected, after.arrived_expected, after.walk_ins, after.cancelled) == (5, 5, 4, 1, 1)
    assert (after.not_arrived, after.no_shows) == (1, 1)  # the markup name never came
    # 09:05, 09:12, 09:20, (Anna 09:31 undone), walk-in 09:40 = 4; Søren out at 10:05; Anna by the door at 11:28.
    assert (after.peak_inside, after.peak_at, after.exits, after.inside_now) == (4, "09:40", 1, 4)
    before = venue_report(day, at("12:00"))
    assert before.no_shows is None and before.not_arrived == 1


def test_arrivals_per_quarter_and_half_hour(day):
    quarters = [(b.starts, b.ends, b.arrived, b.total) for b in arrivals_per_interval(day, 15)]
    assert quarters[:4] == [("09:00", "09:15", 2, 2), ("09:15", "09:30", 1, 3), ("09:30", "09:45", 1, 4),
                            ("09:45", "10:00", 0, 4)]
    assert quarters[-1] == ("11:15", "11:30", 1, 5) and len(quarters) == 10  # no quarter skipped
    halves = [(b.starts, b.arrived) for b in arrivals_per_interval(day, 30)]
    assert halves == [("09:00", 3), ("09:30", 1), ("10:00", 0), ("10:30", 0), ("11:00", 1)]


def test_items_for_everyone_count_the_venue_and_breaks_are_left_out(day):
    items = {i.session_id: (i.inside_at_start, i.most_inside) for i in everyone_items(day)}
    assert list(items) == ["inloop", "opening", "plenair-migratie", "afsluiting"]
    # Inloop 09:15-09:45: 2 inside when it began; Anna's undone check-in never counted, so 4 at most.
    assert items["inloop"] == (2, 4) and items["plenair-migratie"] == (4, 4) and items["afsluiting"] == (4, 4)


def test_per_round_signed_up_against_attended(day):
    ronde = round_report(day, ROUNDS, at("17:00"))[0]
    assert (ronde.signed_up, ronde.attended, ronde.as_chosen, ronde.other_session, ronde.not_signed_up) == (4, 4, 2, 1, 1)
    assert ronde.no_shows == 1  # Søren went home
    assert round_report(day, ROUNDS, at("12:00"))[0].no_shows is None
    lines = {line.session_id: line for line in session_report(day, at("17:00"))}
    assert (lines[SLIM].signed_up, lines[SLIM].attended, lines[SLIM].no_shows) == (2, 3, 0)
    assert (lines[WONING].signed_up, lines[WONING].attended, lines[WONING].no_shows) == (2, 1, 2)
    # Items for everyone and breaks are not session rows; a session without door scans has no no-shows.
    assert not {"inloop", "koffie-1", "plenair-migratie", "afsluiting"} & set(lines)
    assert lines["lunch-theater"].no_shows is None and not lines["lunch-theater"].door_scanned


def test_report_command_table_after_the_day(day, target):
    text = report(target, "17:00")
    assert "  came             5  (4 of the 5 expected, and 1 walk-in)" in text
    assert "  no-shows         1  (expected, never came; 1 cancelled beforehand)" in text
    assert "  peak inside      4  at 09:40" in text
    assert "  09:00  09:15      2      2  " in text and "  11:15  11:30      1      5" in text
    assert "Koffie" not in text and "Tijd voor koffie" not in text  # breaks are left out
    inloop = next(line for line in text.splitlines() if line.startswith("  Inloop"))
    assert inloop.split()[-2:] == ["2", "4"]
    assert "Keuzesessies - Ronde 1  11:30-12:30" in text
    assert "  round: 4 signed up, 4 attended, no-shows 1" in text
    assert "         attended: 2 their choice, 1 another session, 1 without a seat" in text
    assert text.splitlines()[-2].endswith("no-shows 2")  # Woning's two; the summary has a number now


def test_report_before_the_end_says_dash_for_no_shows(day, target):
    text = report(target, "12:00")  # Ronde 1 runs until 12:30
    summary = next(line for line in text.splitlines() if " sessions; signed up " in line)
    assert summary.endswith("no-shows -")
    assert "  no-shows         -  (1 not arrived yet;" in text
    assert "  round: 4 signed up, 4 attended, no-shows -" in text
    slim = next(line for line in text.splitlines() if line.startswith("Slim met Stroom"))
    assert slim.split()[-2] == "-"


def test_report_rows_in_json_and_csv_are_the_tables_figures(day, target):
    venue = json.loads(report(target, "12:00", "--format", "json", "--rows", "venue"))
    assert venue == [{"arrived": 5, "expected": 5, "arrived_expected": 4, "walk_ins": 1, "cancelled": 1,
                      "not_arrived": 1, "no_shows": None, "peak_inside": 4, "peak_at": "09:40", "exits": 1,
                      "inside_now": 4}]
    halves = list(csv.DictReader(io.StringIO(report(target, "17:00", "--format", "csv", "--rows", "arrivals",
                                                    "--interval", "30"))))
    assert [(r["starts"], r["arrived"], r["total"]) for r in halves][:2] == [("09:00", "3", "3"), ("09:30", "1", "4")]
    sessions = json.loads(report(target, "17:00", "--format", "json"))  # the default rows: sessions
    assert {s["session_id"] for s in sessions} >= {SLIM, WONING} and "inloop" not in {s["session_id"] for s in sessions}
    rounds = json.loads(report(target, "17:00", "--format", "json", "--rows", "rounds"))
    assert rounds[0]["round_id"] == "ronde-1" and rounds[0]["no_shows"] == 1
    assert [r["round_id"] for r in rounds] == ["ronde-1", "lunch", "gesprek-ambassadeur", "ronde-2", "pijlers"]


def test_the_table_fits_80_columns(day, target):
    flag, env = db_args(target, {"KIOSK_NOW": at("17:00").isoformat(), "COLUMNS": "80"})
    text = CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), "report"], env=env).stdout
    assert max(len(line) for line in text.splitlines()) <= 80


def test_venue_wide_items_come_from_the_programmes_kinds(programme):
    assert VENUE_WIDE_KINDS <= {k.value for k in Kind}
    wide = [s.id for s in programme.sessions if venue_wide(s.kind, s.signup)]
    assert wide == ["inloop", "opening", "plenair-migratie", "koffie-1", "koffie-2", "afsluiting"]
