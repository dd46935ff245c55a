"""`kiosk db copy SOURCE DEST`: a day moved between SQLite and PostgreSQL, both ways, with the same rows and report."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.roster import RosterRow
from kiosk.domain.source import ProgrammeSource
from kiosk.store import open_store
from kiosk.store.attendees import search, upsert_attendees
from kiosk.store.badge_prints import begin_print, finish_print
from kiosk.store.corrections import correct_walk_in
from kiosk.store.db import is_postgres
from kiosk.store.door import door_scan
from kiosk.store.rehearsal import shared_rehearsal
from kiosk.store.scans import create_walk_in, record_scan, undo_scan
from kiosk.store.schema import SCHEMA_VERSION
from kiosk.store.sessions import sync_programme
from kiosk.store.signups import cancel, signup
from kiosk.store.tallies import recount_tallies
from tests.support.cli_db import cli_db
from tests.support.event import PROGRAMME_PATH, at

SLIM, BOAT = "r1-slim-met-stroom", "lunch-vaartocht"  # the boat: 15 seats, the one capacity the source gives
LONG = "Wilhelmina " + "van " * 60 + "Oranje-Nassau"
PEOPLE = [
    RosterRow("Ayşe Çelik", "Gemeente Zaanstad", "Zaanstad", "ayse@example.invalid", "CELIK1"),
    RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3"),
    RosterRow("Pieter van 't Hof", "Gemeente Delft", "Delft", "", "HOF222"),
    RosterRow("[@click=app.quit]x[/]", "[b]Bold Org[/b]", "Nowhere", "", "MARKUP"),
    RosterRow(LONG, "Gemeente 's-Hertogenbosch", "'s-Hertogenbosch", "", "LONG55"),
    RosterRow("Cancelled Person", "Gemeente Ede", "Ede", "", "CANC55", status="cancelled"),
] + [RosterRow(f"Passagier {n} Łukasz Nørgaard", "Gemeente Zaandam", "Zaandam", "", f"BOAT{n:02d}") for n in range(16)]
ENV = {"KIOSK_NOW": at("17:00").isoformat(), "KIOSK_NOW_FROZEN": "1"}


def make_day(target) -> None:
    """A day on `target`: check-ins with an undo, a walk-in corrected, an exit, door scans, a full boat with
    a waitlist and a promotion, badge prints, and a rehearsal clock in `meta`."""
    db = open_store(target)
    try:
        sync_programme(db, _programme(), ProgrammeSource.read(PROGRAMME_PATH).digest)
        upsert_attendees(db, PEOPLE, at("08:00").isoformat())
        shared_rehearsal(db, at("09:00"), real=at("08:30"))
        for n in range(16):  # 15 seats, then the waitlist
            signup(db, f"BOAT{n:02d}", BOAT, now=at(f"09:{n:02d}"))
        signup(db, "CELIK1", BOAT, now=at("09:20"))
        signup(db, "SOREN3", SLIM, now=at("09:21"))
        cancel(db, "BOAT03", BOAT, now=at("09:30"))  # BOAT15 is promoted from the waitlist
        record_scan(db, "CELIK1", now=at("09:05"), device="desk-1")
        record_scan(db, "MARKUP", now=at("09:06"), device="desk-1")
        record_scan(db, "SOREN3", now=at("09:07"), device="desk-2")
        undo_scan(db, now=at("09:08"), device="desk-1", list_="venue")  # the markup name's check-in undone
        record_scan(db, "LONG55", now=at("09:09"), device="desk-1")
        record_scan(db, "NOSUCH", now=at("09:10"), device="desk-1")  # refused: unknown code
        walk_in = create_walk_in(db, "Wessel Walkin", "Gemeente Zaanstad", "Zaanstad", now=at("09:40"), device="desk-2")
        assert walk_in.person is not None
        correct_walk_in(db, walk_in.person.id, name="Wessel Wálkin", now=at("09:41"), device="desk-2")
        record_scan(db, "SOREN3", now=at("10:05"), device="exit-1", direction="exit")
        door_scan(db, "SOREN3", SLIM, now=at("11:28"), device="door-slim")
        door_scan(db, "CELIK1", SLIM, now=at("11:29"), device="door-slim")
        door_scan(db, "BOAT00", BOAT, now=at("12:44"), device="door-boat")
        printed, _ = begin_print(db, walk_in.person.id, now=at("09:42"), device="desk-2", origin="desk",
                                 printer="kiosk-pdf", size="a4")
        finish_print(db, printed, now=at("09:43"), printed=True, job="kiosk-pdf-1")
        failed, _ = begin_print(db, 1, now=at("09:44"), device="desk-1", origin="desk", printer="kiosk-pdf", size="62mm")
        finish_print(db, failed, now=at("09:45"), printed=False, fault="offline")
    finally:
        db.close()


def _programme():
    from kiosk.domain.loader import load_programme

    return load_programme(PROGRAMME_PATH)


def kiosk(*args):
    """`kiosk ARGS` in-process (stdout and stderr apart); a URL's password goes in PGPASSWORD, as an organiser's does."""
    env, words = dict(ENV), []
    for arg in args:
        word, secret = cli_db(arg)
        words.append(word)
        env.update(secret)
    return CliRunner().invoke(main, ["--programme", str(PROGRAMME_PATH), *words], env=env)


def tables_of(db) -> set[str]:
    """The database's tables, read from its own catalogue (not from the copy's code)."""
    if is_postgres(db):
        rows = db.execute("SELECT table_name FROM information_schema.tables "
                          "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'").fetchall()
        return {r[0] for r in rows} - {"schema_version"}
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                      "AND name NOT LIKE 'attendees_fts%' AND name != 'search_prefixes'").fetchall()
    return {r[0] for r in rows}


def contents(target) -> dict[str, list[tuple]]:
    """Every table's rows, columns by name and rows sorted; the tallies (non-zero) checked against a recount."""
    db = open_store(target)
    try:
        out = {}
        for table in sorted(tables_of(db)):
            if is_postgres(db):
                names = sorted(r[0] for r in db.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                    "AND table_name = ?", (table,)).fetchall())
            else:
                names = sorted(r[0] for r in db.execute("SELECT name FROM pragma_table_info(?)", (table,)).fetchall())
            rows = db.execute(f"SELECT {', '.join(names)} FROM {table}").fetchall()
            out[table] = sorted((tuple(row) for row in rows), key=repr)
        out["tallies"] = [row for row in out["tallies"] if row[1] != 0]
        db.execute("BEGIN")
        recount_tallies(db)
        recounted = sorted((tuple(r) for r in db.execute("SELECT key, value FROM tallies WHERE value != 0").fetchall()),
                           key=repr)
        db.execute("ROLLBACK")
        assert out["tallies"] == recounted, "the tallies are not what a recount gives"
        return out
    finally:
        db.close()


def report(target) -> str:
    result = kiosk("--db", target, "report")
    assert result.exit_code == 0, result.output
    return result.stdout


def copy_ok(*args) -> str:
    result = kiosk("db", "copy", *args)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def day(tmp_path):
    path = tmp_path / "rehearsal.db"
    make_day(path)
    return path


def test_a_day_goes_to_postgresql_across_servers_databases_and_back_to_one_sqlite_file(day, tmp_path, pg_url, pg_server):
    name = pg_server.unique_name("copy")
    second = pg_server.create_database(name)
    try:
        _round_trip(day, tmp_path, pg_url, second)
    finally:
        pg_server.drop_database(name)


def _round_trip(day, tmp_path, pg_url, second):
    archive = tmp_path / "archief.db"
    before = contents(day)
    assert {"meta", "attendees", "scans", "signups", "presence", "corrections", "badge_prints", "tallies"} <= set(before)
    assert len(before["corrections"]) == 1 and len(before["badge_prints"]) == 2
    assert any(key.startswith("rehearsal:") for key, _ in before["meta"])
    source = sqlite3.connect(day)
    # The boat's waitlist, and the seat that came free and went to the first on it.
    assert source.execute("SELECT COUNT(*) FROM signups WHERE session_id = ? AND status = 'waitlisted'",
                          (BOAT,)).fetchone() == (1,)
    assert source.execute("SELECT a.code FROM signups s JOIN attendees a ON a.id = s.attendee_id "
                          "WHERE s.promoted_at IS NOT NULL").fetchall() == [("BOAT15",)]
    assert source.execute("SELECT COUNT(*) FROM scans WHERE annuls IS NOT NULL").fetchone() == (1,)
    source.close()

    out = copy_ok(day, pg_url)  # the rehearsal to the venue's server
    assert "  attendees" in out and f"{len(before['attendees']):>10,}" in out
    copy_ok(pg_url, second)  # PostgreSQL to PostgreSQL
    copy_ok(second, archive)  # and the day archived as one SQLite file
    for target in (pg_url, second, archive):
        assert contents(target) == before
    # SQLite's prefix table of the ranked name search is made again, not copied (PostgreSQL has none).
    day_prefixes, archived = (sqlite3.connect(path).execute("SELECT * FROM search_prefixes ORDER BY 1, 2, 3, 4").fetchall()
                              for path in (day, archive))
    assert archived == day_prefixes and archived

    # Identical reports on all four (the day's figures after 17:00).
    text = report(day)
    assert "came" in text and "Vaartocht" in text
    assert [report(t) for t in (pg_url, second, archive)] == [text] * 3


def test_the_copy_keeps_ids_and_the_next_scan_on_the_server_gets_a_new_one(day, pg_url):
    copy_ok(day, pg_url)
    db = open_store(pg_url)
    try:
        result = record_scan(db, "HOF222", now=at("13:00"), device="desk-9")
        assert result.accepted
        top = db.execute("SELECT MAX(id) FROM scans").fetchone()[0]
        assert result.scan_id == top and top == len(contents(day)["scans"]) + 1
        assert [hit.person.name for hit in search(db, "celik")] == ["Ayşe Çelik"]
        walk_in = create_walk_in(db, "Nieuw Persoon", now=at("13:01"), device="desk-9")
        assert walk_in.person is not None and walk_in.person.id == len(PEOPLE) + 2
    finally:
        db.close()


def test_search_finds_folded_names_in_the_archived_file(day, pg_url, tmp_path):
    copy_ok(day, pg_url)
    archive = tmp_path / "archief.db"
    copy_ok(pg_url, archive)
    db = open_store(archive)
    try:
        assert [hit.person.name for hit in search(db, "soren")] == ["Søren Ødegaard"]
        assert [hit.person.name for hit in search(db, "walkin")] == ["Wessel Wálkin"]
        db.execute("INSERT INTO attendees_fts (attendees_fts) VALUES ('integrity-check')")  # raises when it is not
    finally:
        db.close()


def test_a_url_with_its_password_is_refused_and_a_password_is_never_printed(day, pg_url):
    password = pg_url.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]
    assert password
    typed = CliRunner().invoke(main, ["db", "copy", str(day), pg_url], env=ENV)  # as typed, password and all
    assert typed.exit_code == 2 and "PGPASSWORD" in typed.stderr and password not in typed.output
    assert open_store(pg_url).execute("SELECT COUNT(*) FROM attendees").fetchone() == (0,)
    result = kiosk("db", "copy", day, pg_url)  # the password in PGPASSWORD
    assert result.exit_code == 0 and password not in result.output and cli_db(pg_url)[0] in result.output
    again = kiosk("db", "copy", day, pg_url)  # refused: the password is not in the refusal either
    assert again.exit_code == 2 and password not in again.output


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_destination_with_rows_is_refused_and_left_as_it_was(day, tmp_path, pg_url, kind):
    dest = pg_url if kind == "postgresql" else tmp_path / "other.db"
    other = tmp_path / "other-day.db"
    _small_day(other)
    copy_ok(other, dest)
    held = contents(dest)
    result = kiosk("db", "copy", day, dest)
    assert result.exit_code == 2
    assert "already holds rows" in result.stderr and "--replace" in result.stderr and "2 attendees" in result.stderr
    assert contents(dest) == held


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_replace_empties_the_destination_first_corrections_and_all(day, tmp_path, pg_url, kind):
    dest = pg_url if kind == "postgresql" else tmp_path / "other.db"
    other = tmp_path / "other-day.db"
    _small_day(other)
    copy_ok(other, dest)
    assert len(contents(dest)["corrections"]) == 1
    out = copy_ok(day, dest, "--replace")
    assert "replaced whole" in out and "1 corrections" in out
    assert contents(dest) == contents(day)
    assert report(dest) == report(day)


def test_a_source_newer_than_this_kiosk_is_refused(day, tmp_path, pg_url):
    sqlite3.connect(day).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    archive = tmp_path / "archief.db"
    result = kiosk("db", "copy", day, archive)
    assert result.exit_code == 2 and f"newer than this kiosk's {SCHEMA_VERSION}" in result.stderr
    assert not archive.exists()
    # The same on a server: its schema_version says so.
    db = open_store(pg_url)
    db.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    db.close()
    result = kiosk("db", "copy", pg_url, archive)
    assert result.exit_code == 2 and "newer than this kiosk's" in result.stderr and not archive.exists()


def test_a_missing_source_and_the_same_database_twice_are_refused(day, tmp_path):
    result = kiosk("db", "copy", tmp_path / "nothing.db", tmp_path / "b.db")
    assert result.exit_code == 2 and "There is no database at" in result.stderr
    assert not (tmp_path / "b.db").exists() and not (tmp_path / "nothing.db").exists()
    same = kiosk("db", "copy", day, tmp_path / "." / day.name, "--replace")
    assert same.exit_code == 2 and "same database" in same.stderr
    assert contents(day)["attendees"]


def _small_day(path) -> None:
    """Another day: one attendee, a walk-in with a correction (the append-only log holds a row)."""
    db = open_store(path)
    try:
        sync_programme(db, _programme(), ProgrammeSource.read(PROGRAMME_PATH).digest)
        upsert_attendees(db, [RosterRow("Anna de Vries", "Gemeente Breda", "Breda", "", "ANNA44")], at("08:00").isoformat())
        walk_in = create_walk_in(db, "Jan Jansen", now=at("09:00"), device="desk-1")
        assert walk_in.person is not None
        correct_walk_in(db, walk_in.person.id, city="Zaandam", now=at("09:01"), device="desk-1")
    finally:
        db.close()
