"""Correcting a walk-in at the desk (store and CLI): the row, the log, the search and the counts follow."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.store import StoreError
from kiosk.store.attendees import find_by_code, search
from kiosk.store.corrections import (
    ChangedMeanwhile,
    CorrectionRefused,
    NotAWalkIn,
    correct_walk_in,
    corrections_of,
    last_person_at,
)
from kiosk.store.privacy import forget_person, person_data, purge
from kiosk.store.scans import create_walk_in, record_scan
from kiosk.store.tallies import tally
from tests.support.event import EVENT_DAY, at

# Every test using `db` or `target` runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


@pytest.fixture
def walk_in(db, people):
    """A walk-in typed in a hurry at desk-1 at 10:04: a typo in the name, the organisation in the city."""
    return create_walk_in(db, "Wessel Walkn", "", "Gemeente Zaanstad", now=at("10:04"), device="desk-1").person


def log(db) -> list[tuple]:
    return db.execute("SELECT attendee_id, at, device, field, old_value, new_value FROM corrections ORDER BY id").fetchall()


def test_a_correction_updates_the_row_logs_each_change_and_search_finds_the_new_name(db, walk_in):
    fixed = correct_walk_in(db, walk_in.id, name="Wessel  Walkin ", organisation="Gemeente Zaanstad",
                            city="Zaanstad", now=at("10:07"), device="desk-2", was=walk_in)
    assert [(c.field, c.old, c.new) for c in fixed.changes] == [
        ("name", "Wessel Walkn", "Wessel Walkin"), ("organisation", "", "Gemeente Zaanstad"),
        ("city", "Gemeente Zaanstad", "Zaanstad")]
    row = db.execute("SELECT name, organisation, city, source, updated_at FROM attendees WHERE id = ?",
                     (walk_in.id,)).fetchone()
    assert row[:4] == ("Wessel Walkin", "Gemeente Zaanstad", "Zaanstad", "walk_in") and row[4].startswith(f"{EVENT_DAY}T10:07")
    assert log(db) == [
        (walk_in.id, f"{EVENT_DAY}T10:07:00.000+01:00", "desk-2", "name", "Wessel Walkn", "Wessel Walkin"),
        (walk_in.id, f"{EVENT_DAY}T10:07:00.000+01:00", "desk-2", "organisation", "", "Gemeente Zaanstad"),
        (walk_in.id, f"{EVENT_DAY}T10:07:00.000+01:00", "desk-2", "city", "Gemeente Zaanstad", "Zaanstad"),
    ]
    assert [h.person.code for h in search(db, "walkin")] == [walk_in.code]
    assert search(db, "walkn") == []  # the index dropped the old name
    # Counts per city and organisation follow (the tallies' triggers): the arrival moved city.
    assert tally(db, "arrived_city:Zaanstad") == 1 and tally(db, "arrived_city:Gemeente Zaanstad") == 0
    assert tally(db, "expected_org:Gemeente Zaanstad") == 2  # Ayşe Çelik and now the walk-in
    # Run again with the same values: nothing to change, nothing logged.
    again = correct_walk_in(db, walk_in.id, name="Wessel Walkin", now=at("10:08"), device="desk-2")
    assert again.changes == () and len(log(db)) == 3
    assert [c["field"] for c in corrections_of(db, walk_in.id)] == ["name", "organisation", "city"]


def test_only_walk_ins_and_a_form_overtaken_by_another_desk_writes_nothing(db, walk_in, people):
    anna = find_by_code(db, people["Anna de Vries"])
    with pytest.raises(NotAWalkIn):
        correct_walk_in(db, anna.id, name="Anna de Wit", now=at("10:07"), device="desk-2")
    correct_walk_in(db, walk_in.id, name="Wessel Walkin", now=at("10:07"), device="desk-2")
    with pytest.raises(ChangedMeanwhile):  # desk-1's form still shows the name before desk-2 corrected it
        correct_walk_in(db, walk_in.id, name="Wessel Walking", now=at("10:08"), device="desk-1", was=walk_in)
    assert find_by_code(db, people["Anna de Vries"]).name == "Anna de Vries"
    assert find_by_code(db, walk_in.code).name == "Wessel Walkin" and len(log(db)) == 1


@pytest.mark.parametrize("name, refused", [
    ("[@click=app.quit]x[/]", False),  # markup is text like any other: shown literally everywhere
    ("Wessel\x1b[31m Walkin", True),
    ("Wessel\x00", True),
    ("\u202eniklaW", True),
    ("W" * 10_000, True),
    ("   ", True),
])
def test_hostile_text_is_saved_literally_or_refused_with_nothing_written(db, walk_in, name, refused):
    if refused:
        with pytest.raises(CorrectionRefused):
            correct_walk_in(db, walk_in.id, name=name, now=at("10:07"), device="desk-2")
        assert find_by_code(db, walk_in.code).name == "Wessel Walkn" and log(db) == []
    else:
        correct_walk_in(db, walk_in.id, name=name, now=at("10:07"), device="desk-2")
        assert find_by_code(db, walk_in.code).name == name
        assert walk_in.code in [h.person.code for h in search(db, "click app quit")]


def test_the_log_is_append_only_but_a_purge_or_forget_blanks_its_values(db, walk_in):
    correct_walk_in(db, walk_in.id, name="Wessel Walkin", now=at("10:07"), device="desk-2")
    for sql in ("DELETE FROM corrections", "UPDATE corrections SET new_value = 'Someone Else'"):
        # sqlite3's IntegrityError from the trigger; on PostgreSQL the store's StoreError holding the server's words.
        with pytest.raises((sqlite3.IntegrityError, StoreError)) as refused:
            db.execute(sql)
        assert "append-only" in f"{refused.value} {getattr(refused.value, 'detail', '')}"
    assert person_data(db, walk_in.code)["corrections"][0]["old_value"] == "Wessel Walkn"
    forget_person(db, walk_in.code, at("15:00"))
    assert log(db) == [(walk_in.id, f"{EVENT_DAY}T10:07:00.000+01:00", "desk-2", "name", "", "")]


def test_a_purge_blanks_every_correction(db, walk_in):
    correct_walk_in(db, walk_in.id, name="Wessel Walkin", now=at("10:07"), device="desk-2")
    assert purge(db, now=at("17:00")).plan.correction_texts == 1
    assert [row[4:] for row in log(db)] == [("", "")]


def test_the_person_last_shown_at_a_desk_is_its_latest_venue_scan(db, walk_in, people):
    assert last_person_at(db, "desk-1") == walk_in
    assert last_person_at(db, "desk-2") is None
    record_scan(db, people["Anna de Vries"], now=at("10:05"), device="desk-1")
    record_scan(db, "NOSUCH", now=at("10:06"), device="desk-1")  # an unknown code names nobody
    record_scan(db, people["Ayşe Çelik"], now=at("10:06"), device="door-1", list_="r1-slim-met-stroom")
    assert last_person_at(db, "desk-1").name == "Anna de Vries"


def test_kiosk_correct_from_the_command_line(target, db, walk_in, people):
    env = {"KIOSK_DB": str(target), "KIOSK_NOW": f"{EVENT_DAY}T10:09", "KIOSK_NOW_FROZEN": "1"}
    runner = CliRunner()
    done = runner.invoke(main, ["correct", walk_in.code.lower(), "--name", "Wessel Walkin", "--device", "desk-3"], env=env)
    assert done.exit_code == 0, done.output
    assert "name: Wessel Walkn -> Wessel Walkin" in done.output, done.output
    assert log(db)[0][2:] == ("desk-3", "name", "Wessel Walkn", "Wessel Walkin")
    imported = runner.invoke(main, ["correct", people["Anna de Vries"], "--city", "Tilburg"], env=env)
    assert imported.exit_code == 1 and "not a walk-in" in imported.output
    unknown = runner.invoke(main, ["correct", "NOSUCH", "--city", "Tilburg"], env=env)
    assert unknown.exit_code == 1 and "No attendee has that code" in unknown.output
    hostile = runner.invoke(main, ["correct", walk_in.code, "--name", "x" * 10_000], env=env)
    assert hostile.exit_code == 2 and "longer than 200" in hostile.output
