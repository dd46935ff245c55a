"""A small run of every benchmark, so that `make bench` cannot rot: no timing is asserted here.

It builds a small event (2,000 attendees), runs each measurement a few times and checks that each
reports a well-formed result and that the facts behind the figures hold (one winner of the last
seat, scans written, the desk reached in a real terminal).
"""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest

from bench.build import build, ensure_built
from bench.dashboard_bench import dashboard_refresh
from bench.scan_bench import ROLES, scan_moment
from bench.scan_profile import profile, report
from bench.store_bench import checkin_vs_floor, eight_desks, last_seat, search_as_you_type
from bench.tui_bench import key_to_screen, startup
from kiosk.store import connect

FIELDS = {"name", "value", "unit", "target", "met"}


@pytest.fixture(scope="module")
def small_event(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("bench") / "bench.db", attendees=2_000, scans=5_000)


def fresh(master: Path, tmp_path: Path) -> Path:
    """A copy of the built event in a file of its own (never over a copy whose -wal is still there)."""
    copy = tmp_path / f"run-{len(list(tmp_path.glob('run-*.db')))}.db"
    shutil.copyfile(master, copy)
    return copy


def well_formed(results) -> dict[str, object]:
    """Every result as results.json would hold it; returns them by name."""
    rows = [r.row() for r in results]
    json.dumps(rows)  # must be writable as JSON
    for row in rows:
        assert FIELDS <= set(row) and row["name"] and isinstance(row["met"], bool)
        assert isinstance(row["value"], (int, float)) and math.isfinite(row["value"])
    return {row["name"]: row for row in rows}


def test_the_built_event_has_the_promised_shape(small_event):
    db = connect(small_event)
    assert db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == 2_000
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] >= 5_000
    names = [r[0] for r in db.execute("SELECT name FROM attendees")]
    assert any(ch in "".join(names) for ch in "éøłçüš"), "international names with diacritics"


def test_store_measurements_run(small_event, tmp_path):
    rows = well_formed(checkin_vs_floor(fresh(small_event, tmp_path), runs=5))
    assert any(name.startswith("checkin") for name in rows)
    well_formed(search_as_you_type(small_event, runs=5))
    well_formed(dashboard_refresh(fresh(small_event, tmp_path), runs=3))
    path = fresh(small_event, tmp_path)
    before = connect(path).execute("SELECT COUNT(*) FROM scans").fetchone()[0]
    well_formed(eight_desks(path, per_desk=5))
    assert connect(path).execute("SELECT COUNT(*) FROM scans").fetchone()[0] == before + 8 * 5


def test_the_last_seat_has_one_winner(small_event, tmp_path):
    rows = well_formed(last_seat(fresh(small_event, tmp_path), racers=4))
    assert rows["last_seat.winners"]["value"] == 1 and rows["last_seat.winners"]["met"]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="the terminal benchmarks need tmux")
def test_terminal_measurements_run(small_event, tmp_path):
    rows = well_formed(startup(fresh(small_event, tmp_path), runs=1))
    assert {"startup.bare_app", "startup.desk_vs_bare"} <= set(rows)
    rows = well_formed(key_to_screen(fresh(small_event, tmp_path), runs=2))
    assert 0 < rows["desk.peak_memory"]["value"] < 1024


def test_the_built_event_is_reused_until_its_sources_change(tmp_path):
    path = tmp_path / "event.db"
    ensure_built(path, attendees=50, scans=100)
    built = path.stat().st_mtime_ns
    ensure_built(path, attendees=50, scans=100)
    assert path.stat().st_mtime_ns == built  # reused, not built again
    ensure_built(path, attendees=60, scans=100)  # other sizes: built again
    assert connect(path).execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == 60


def test_the_scan_moment_runs_for_each_role_against_its_floor(small_event, tmp_path):
    """The scan moment of issue 19, tiny: two scans a role (after one unmeasured), kiosk and floor in turn."""
    rows = well_formed(scan_moment(small_event, runs=2, warmup=1, folder=tmp_path))
    for role in ROLES:
        floor, ratio = rows[f"scan_moment.{role}.floor_p95"], rows[f"scan_moment.{role}.p95_vs_floor"]
        assert floor["value"] > 0 and ratio["value"] > 0 and ratio["target"].startswith("<= ")
    assert {"scan_moment.load_average_before", "scan_moment.load_average_after"} <= set(rows)
    assert not list(tmp_path.glob("scan-*.db*")), "the copies are removed afterwards"


def test_the_scan_moment_profile_finds_its_phases(small_event):
    scans = profile("desk", small_event, runs=2, warmup=1)
    assert scans and all(one["total (Enter to the name's frame)"] > 0 for one in scans)
    assert "store: record_scan, BEGIN IMMEDIATE..COMMIT" in report("desk", scans)
