"""After the day: `kiosk report` on a small scripted day, and exports that read back."""

from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.source import ProgrammeSource
from kiosk.store import open_store
from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.door import door_scan, door_undo
from kiosk.store.report import round_report, session_report
from kiosk.store.scans import record_scan
from kiosk.store.sessions import sync_programme
from kiosk.store.signups import signup
from tests.support.cli_db import db_args
from tests.support.event import PROGRAMME_PATH, at

# The reports read the same on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

SLIM, WONING = "r1-slim-met-stroom", "r1-woningvoorraad"
HOSTILE = '=HYPERLINK("http://x";"y"); "quoted"\r\nline two \x1b[31m'


@pytest.fixture
def day(db, people, now):
    """A scripted morning: sign-ups, desk check-ins, door scans, a move, an undo."""
    return script_day(db, people, now)


def script_day(db, people, now):
    """The morning of `day` on this database (people: {name: code})."""
    upsert_attendees(db, [RosterRow(HOSTILE, "Org; with semicolon", "Ede", "", "HOSTIL")], now.isoformat())
    anna, hof, soren, celik = (people[n] for n in ("Anna de Vries", "Pieter van 't Hof", "Søren Ødegaard", "Ayşe Çelik"))
    for code in (anna, hof, soren):
        signup(db, code, SLIM, now=at("09:30"))
    signup(db, celik, WONING, now=at("09:30"))
    record_scan(db, anna, now=at("09:20"), device="desk-1")
    record_scan(db, "HOSTIL", now=at("09:21"), device="desk-2")
    door_scan(db, anna, SLIM, now=at("11:25"), device="door-s")
    door_scan(db, hof, SLIM, now=at("11:26"), device="door-s")       # not at the desk: venue arrival too
    door_scan(db, celik, SLIM, now=at("11:27"), device="door-s")     # came without signing up
    door_scan(db, anna, SLIM, now=at("11:40"), device="door-s", direction="exit")  # out (F8)
    door_scan(db, celik, WONING, now=at("11:50"), device="door-w")   # a move
    door_scan(db, soren, WONING, now=at("11:55"), device="door-w")
    door_undo(db, now=at("11:56"), device="door-w", session_id=WONING)  # ... undone, arrival and all
    return db


def run(target, *args: str) -> str:
    """Run the kiosk command on this database and return its stdout (exit 0 asserted)."""
    # After the day (17:00): every session has been held, so no-shows are counted.
    flag, env = db_args(target, {"KIOSK_NOW": "17:00"})
    result = CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), *args], env=env)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_report_numbers(day):
    lines = {line.session_id: line for line in session_report(day)}
    slim, woning = lines[SLIM], lines[WONING]
    assert (slim.signed_up, slim.attended, slim.no_shows, slim.peak_inside) == (3, 3, 1, 3)
    assert (woning.signed_up, woning.attended, woning.no_shows, woning.peak_inside) == (1, 1, 0, 1)
    assert lines["lunch-vaartocht"].capacity == 15 and lines["lunch-vaartocht"].attended == 0


def test_report_command_table_and_json(day, target):
    table = run(target, "report")
    slim = next(line for line in table.splitlines() if line.startswith("Slim met Stroom"))  # titles, not ids
    assert slim.split()[-5:] == ["3", "0", "3", "1", "3"]
    data = json.loads(run(target, "report", "--format", "json"))
    assert {"session_id": SLIM, "signed_up": 3, "attended": 3, "no_shows": 1, "peak_inside": 3}.items() <= next(
        d for d in data if d["session_id"] == SLIM
    ).items()


def test_report_before_a_session_ends_counts_no_no_shows_for_it(day, target):
    flag, env = db_args(target, {"KIOSK_NOW": "12:00"})  # Ronde 1 runs 11:30-12:30: people may still come
    result = CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), "report"], env=env)
    slim = next(line for line in result.stdout.splitlines() if line.startswith("Slim met Stroom"))
    assert slim.split()[-2] == "-" and "has not ended yet" in result.stdout


def test_scans_export_holds_every_scan_csv_and_json(day, target, tmp_path):
    total = day.execute("SELECT COUNT(*) FROM scans").fetchone()[0]
    rows = json.loads(run(target, "export", "scans", "--format", "json"))
    assert len(rows) == total and [r["id"] for r in rows] == list(range(1, total + 1))
    undone = next(r for r in rows if r["reason"] == "undo")
    assert next(r for r in rows if r["id"] == undone["annuls"])["annulled_by"] == undone["id"]
    assert any(r["name"] == HOSTILE for r in rows)
    out = tmp_path / "persoonsgegevens-scans.csv"
    run(target, "export", "scans", "--output", str(out))
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    with out.open(encoding="utf-8", newline="") as handle:
        plain = list(csv.DictReader(handle))
    # Defused for spreadsheets in every CSV (the JSON above keeps the name as it is).
    assert len(plain) == total and any(r["name"] == "'" + HOSTILE for r in plain)
    assert not any(r["name"].startswith("=") for r in plain)


def test_excel_nl_csv_reads_back(day, target, tmp_path):
    out = tmp_path / "persoonsgegevens-signups.csv"
    run(target, "export", "signups", "--format", "csv", "--excel-nl", "--output", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    assert len(rows) == 4 and {r["session_id"] for r in rows} == {SLIM, WONING}
    assert all(r["status"] == "confirmed" for r in rows)


def test_attendance_export_and_formula_guard(day, target, tmp_path):
    out = tmp_path / "persoonsgegevens-attendance.csv"
    run(target, "export", "attendance", "--excel-nl", "-o", str(out))
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    hostile = next(r for r in rows if r["attendee_code"] == "HOSTIL")
    assert hostile["name"] == "'" + HOSTILE and hostile["organisation"] == "Org; with semicolon"
    soren = [r for r in rows if r["name"] == "Søren Ødegaard"]
    # Søren: signed up for SLIM; his WONING entry (and the arrival it made) was undone, so no row for it.
    assert {(r["list"], r["signup"], r["attended"]) for r in soren} == {("venue", "", "0"), (SLIM, "confirmed", "0")}
    # A comma CSV (what English Excel opens on a double-click) is defused the same way.
    comma = tmp_path / "persoonsgegevens-attendance-plain.csv"
    run(target, "export", "attendance", "-o", str(comma))
    with comma.open(encoding="utf-8", newline="") as handle:
        plain = list(csv.DictReader(handle))
    assert any(r["name"] == "'" + HOSTILE for r in plain) and not any(r["name"].startswith("=") for r in plain)
    data = json.loads(run(target, "export", "attendance", "--format", "json"))
    celik = {r["list"]: r for r in data if r["attendee_code"] == "CELIK1"}
    assert celik[SLIM]["attended"] is True and celik[SLIM]["signup"] == ""
    assert celik[WONING]["inside_now"] is True and celik["venue"]["first_entry_device"] == "door-s"
    people = day.execute("SELECT COUNT(*) FROM attendees").fetchone()[0]
    assert sum(1 for r in data if r["list"] == "venue") == people


def test_empty_exports_parse(db, target):
    assert json.loads(run(target, "export", "scans", "--format", "json")) == []
    assert run(target, "export", "signups").strip().split(",")[0] == "id"
    assert "sessions" in run(target, "report")


def test_a_day_without_rounds_reports_no_rounds(db, target):
    """A schedule imported from elsewhere may have no rounds: no round lines, and no empty `IN ()` on a server."""
    db.execute("UPDATE sessions SET round = NULL")
    assert round_report(db, []) == []
    assert "sessions" in run(target, "report")


def test_the_report_and_every_export_read_the_same_as_from_a_sqlite_file(day, target, programme, now, tmp_path):
    """The same day on this database and on a fresh SQLite file: the same report and the same export rows."""
    reference = tmp_path / "reference.db"
    file = open_store(reference)
    sync_programme(file, programme, ProgrammeSource.read(PROGRAMME_PATH).digest)
    roster = day.execute("SELECT name, organisation, city, email, code, status FROM attendees "
                         "WHERE code != 'HOSTIL' ORDER BY id").fetchall()
    upsert_attendees(file, [RosterRow(*row) for row in roster], now.isoformat())
    script_day(file, {row[0]: row[4] for row in roster}, now)
    file.close()
    for args in (("report",), ("report", "--format", "json"), ("report", "--format", "csv", "--rows", "rounds"),
                 ("report", "--rows", "arrivals", "--format", "json"), ("export", "attendance", "--format", "json"),
                 ("export", "signups", "--format", "json"), ("export", "attendees", "--format", "csv")):
        assert run(target, *args) == run(reference, *args), args
    # Scans: every field but the nonce (a fresh random one per scan).
    mine, theirs = (json.loads(run(t, "export", "scans", "--format", "json")) for t in (target, reference))
    assert [{k: v for k, v in r.items() if k != "nonce"} for r in mine] == [
        {k: v for k, v in r.items() if k != "nonce"} for r in theirs]
