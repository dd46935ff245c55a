"""A small run of the PostgreSQL benchmarks, so that their part of `make bench` cannot rot: no timing asserted.

On the test run's throwaway server (the `pg_server` fixture), a 2,000-person event loaded from the
SQLite build: the rows and running counts arrive as the SQLite file holds them, each measurement
reports well-formed results with its floor, and the facts behind the figures hold (the desks'
scans all written, the dashboard heard the writer's check-in, the desk on PostgreSQL reached in a
real terminal). Without the server binaries `make bench` says what to install, in one line.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path

import psycopg
import pytest

from bench import pg_server
from bench.build import build
from bench.pg_bench import checkin, desks, name_search
from bench.pg_load import load_event
from bench.pg_run import PostgresRun, beside
from bench.pg_scan_roles import pg_scan_moment
from bench.pg_screen_bench import commit_to_screen

FIELDS = {"name", "value", "unit", "target", "met", "load"}


@pytest.fixture(scope="module")
def small_event(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("bench-pg") / "bench.db", attendees=2_000, scans=5_000)


@pytest.fixture
def run(small_event, pg_server):
    postgres = PostgresRun(small_event, server=pg_server, prefix=pg_server.unique_name("bench") + "_")
    yield postgres
    postgres.stop()


def well_formed(results) -> dict[str, dict]:
    """Every result as results.json holds it (with the load average when measured); by name."""
    rows = [r.row() for r in results]
    json.dumps(rows)
    for row in rows:
        assert FIELDS <= set(row) and isinstance(row["met"], bool)
        assert isinstance(row["value"], (int, float)) and math.isfinite(row["value"])
    return {row["name"]: row for row in rows}


def test_the_event_is_loaded_as_the_sqlite_file_holds_it(small_event, pg_server):
    name = pg_server.unique_name("bench_load")
    url = pg_server.create_database(name)
    try:
        copied = load_event(small_event, url)
        assert copied["attendees"] == 2_000 and copied["scans"] == 5_000
        with sqlite3.connect(small_event) as lite, psycopg.connect(url) as pg:
            for query in ("SELECT key, value FROM tallies ORDER BY key",
                          "SELECT attendee_id, list, inside, entries FROM presence ORDER BY attendee_id, list",
                          "SELECT id, code, name FROM attendees ORDER BY id"):
                assert [tuple(r) for r in pg.execute(query).fetchall()] == lite.execute(query).fetchall()
            # New rows get ids after the copied ones.
            pg.execute("INSERT INTO corrections (attendee_id, at, device, field, old_value, new_value) "
                       "VALUES (1, 'x', 'd', 'name', 'a', 'b')")
            scan = pg.execute("INSERT INTO scans (nonce, at, device, direction, accepted, reason) "
                              "VALUES ('n', 'x', 'd', 'entry', 0, 'unknown') RETURNING id").fetchone()[0]
            assert scan == 5_001
    finally:
        pg_server.drop_database(name)


def test_the_store_measurements_run_against_their_floors(run):
    rows = well_formed(run.step(lambda url: checkin(url, runs=5), "checkin")())
    assert rows["pg.checkin.median_vs_insert_commit"]["floor"] == rows["pg.checkin.floor_insert_commit"]["median"]
    assert rows["pg.checkin.median_vs_checkin_transaction"]["ratio"] > 0
    rows = well_formed(run.step(lambda url: name_search(url, run.master, runs=3), "search")())
    assert {"pg.search.diacritic.p95", "pg.search.diacritic.sqlite_p95", "pg.search.floor_pk_select"} <= set(rows)
    rows = well_formed(run.step(lambda url: commit_to_screen(url, runs=2, warmup=1), "screen")())
    assert rows["pg.commit_to_screen.p95"]["value"] > 0  # the dashboard heard each check-in and counted it
    rows = well_formed(run.step(lambda url: desks(url, count=4, per_desk=5), "desks")())
    assert rows["pg.4_desks.errors"]["value"] == 0 and rows["pg.4_desks.errors"]["met"], "every scan written"


def test_the_desk_on_postgresql_runs_in_a_terminal_against_its_floor(run):
    assert run.ready()
    rows = well_formed(pg_scan_moment(run.database, runs=2, warmup=1))
    assert rows["pg.scan_moment.desk.floor_p95"]["value"] > 0
    assert rows["pg.scan_moment.desk.p95_vs_floor"]["target"] == "<= 1.5"


def test_the_figures_are_printed_beside_sqlite(run):
    rows = run.step(lambda url: name_search(url, run.master, runs=2), "search")()
    table = beside(rows)
    assert "SQLite" in table and "PostgreSQL" in table and "search p95, diacritic" in table


def test_without_the_server_binaries_bench_says_what_to_install(monkeypatch, small_event, capsys):
    monkeypatch.setattr(pg_server, "find_bindir", lambda: None)
    postgres = PostgresRun(small_event)
    assert all(step() == [] for _label, step in postgres.steps())
    postgres.stop()
    said = capsys.readouterr().err.strip().splitlines()
    assert said == ["PostgreSQL figures skipped: the server binaries (initdb, pg_ctl, postgres) are not installed; "
                    "install them with: sudo apt-get install postgresql"]
