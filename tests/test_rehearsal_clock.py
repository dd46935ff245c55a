"""One rehearsal clock for every process on a database (issue 14, item 7).

A running `KIOSK_NOW` used to start again at each process start: a desk restarted at 09:25 logged
09:20:05 for an undo of a 09:22 check-in. Real processes here check people in seconds apart and
the log's times must go on as the real seconds did; frozen and real clocks stay as they were.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.clock import Rehearsal, choose_rehearsal, rehearsal_notes
from kiosk.store import connect
from kiosk.store.rehearsal import shared_rehearsal, stored_rehearsals
from tests.support.cli_db import db_args
from tests.support.event import EVENT_DAY, PROGRAMME_PATH, ROOT

# One rehearsal clock per database, a SQLite file or a PostgreSQL database (tests/conftest.py).
BOTH_BACKENDS = True

ZONE = ZoneInfo("Europe/Amsterdam")
NOW = f"{EVENT_DAY}T09:20"  # with its date, so a test run around midnight cannot move it
START = dt.datetime(2026, 11, 29, 9, 20, tzinfo=ZONE)
UTC = dt.UTC


def _kiosk(target, *args: str, now: str | None = NOW, frozen: bool = False) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run `kiosk ARGS` as a real process; returns it and the real time (epoch) before and after it ran."""
    env = {**os.environ, "KIOSK_DB": str(target), "KIOSK_PROGRAMME": str(PROGRAMME_PATH)}
    if now is not None:
        env["KIOSK_NOW"] = now
    if frozen:
        env["KIOSK_NOW_FROZEN"] = "1"
    before = time.time()
    proc = subprocess.run([sys.executable, "-m", "kiosk", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    return proc, before, time.time()


def _cli(target, *args: str, env: dict[str, str]):
    """Run `kiosk ARGS` in this process (for the cases that need no second process)."""
    flag, env = db_args(target, env)
    return CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), *args], env=env)


def _read(target, sql: str) -> list[tuple]:
    conn = connect(target)
    try:
        return [tuple(row) for row in conn.execute(sql).fetchall()]
    finally:
        conn.close()


def _scans(target) -> list[tuple[str, str, str, str]]:
    """(code, direction, at, device) of every scan, in log order."""
    return _read(target, "SELECT a.code, s.direction, s.at, s.device FROM scans s "
                         "JOIN attendees a ON a.id = s.attendee_id ORDER BY s.id")


def _at(row) -> dt.datetime:
    return dt.datetime.fromisoformat(row[2])


def _meta_rehearsals(target) -> list[tuple[str, str]]:
    return _read(target, "SELECT key, value FROM meta WHERE key LIKE 'rehearsal:%' ORDER BY key")


def _offset(row) -> float:
    """Seconds the scan's time lies after KIOSK_NOW."""
    return (_at(row) - START).total_seconds()


def test_two_processes_seconds_apart_and_a_restarted_desk_share_one_running_clock(target, db, people):
    first, t0, t0_end = _kiosk(target, "checkin", people["Ayşe Çelik"], "--device", "desk-1")
    assert first.returncode == 0, first.stderr
    time.sleep(2)
    second, t1, t1_end = _kiosk(target, "checkin", people["Anna de Vries"], "--device", "desk-2")
    assert second.returncode == 0, second.stderr
    time.sleep(1)
    # desk-1 restarted (same name, a new process): it checks Ayşe out again, as an undo would.
    restarted, t2, t2_end = _kiosk(target, "checkin", people["Ayşe Çelik"], "--exit", "--device", "desk-1")
    assert restarted.returncode == 0, restarted.stderr
    a, b, c = _scans(target)
    # The first process began the rehearsal: 09:20 plus its own start-up.
    assert 0 <= _offset(a) <= t0_end - t0
    # The others continue it: as far past 09:20 as the real seconds since the first one started.
    assert t1 - t0_end <= _offset(b) <= t1_end - t0
    assert t2 - t0_end <= _offset(c) <= t2_end - t0
    assert _at(a) < _at(b) < _at(c) and (_at(c) - _at(a)).total_seconds() >= 3 - (t0_end - t0)
    assert (c[0], c[1], c[3]) == (people["Ayşe Çelik"], "exit", "desk-1")
    # One rehearsal in the database, and nothing said about it: this is the usual case.
    assert [key for key, _ in _meta_rehearsals(target)] == [f"rehearsal:{START.isoformat()}"]
    assert first.stderr == second.stderr == restarted.stderr == ""


def test_processes_started_at_once_begin_one_rehearsal(target, db, people):
    env = {**os.environ, "KIOSK_DB": str(target), "KIOSK_PROGRAMME": str(PROGRAMME_PATH), "KIOSK_NOW": NOW}
    codes = [people["Ayşe Çelik"], people["Anna de Vries"], people["Søren Ødegaard"]]
    procs = [subprocess.Popen([sys.executable, "-m", "kiosk", "checkin", code, "--device", f"desk-{i}"], env=env,
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, code in enumerate(codes)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    assert len(_meta_rehearsals(target)) == 1
    offsets = [_offset(row) for row in _scans(target)]
    assert all(0 <= offset < 15 for offset in offsets)


@pytest.mark.sqlite_only  # the app on the test's settings: the file
async def test_a_desk_restarted_in_the_app_goes_on_from_its_rehearsal_time(make_app, settings, db, people):
    running = replace(settings, now=NOW, now_frozen=False)
    app = make_app("desk", None, settings=running)  # no clock given: the settings' running one
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*people["Ayşe Çelik"], "enter")
        await pilot.pause(0.3)
    time.sleep(1.5)
    restarted = make_app("desk", None, settings=running)  # the same desk (device), a new start
    async with restarted.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = restarted.screen.query_one("#header-clock").render().plain
        assert "09:20:01" <= shown < "09:20:30"  # not 09:20:00 again
        await pilot.press(*people["Anna de Vries"], "enter")
        await pilot.pause(0.3)
    checked_in, later = _scans(running.db_path)
    assert _offset(later) - _offset(checked_in) >= 1.5


def test_another_kiosk_now_starts_its_own_clock_and_says_so_once(target, db, people):
    env = {"KIOSK_NOW": NOW}
    assert _cli(target, "checkin", people["Ayşe Çelik"], env=env).exit_code == 0
    moved = _cli(target, "checkin", people["Anna de Vries"], env={"KIOSK_NOW": f"{EVENT_DAY}T12:40"})
    assert moved.exit_code == 0
    # The organiser's new value wins for the processes started with it, and that is said once.
    assert moved.stderr.count("\n") == 1 and "starts a new rehearsal clock" in moved.stderr
    assert "KIOSK_NOW=09:20 (now 09:20:" in moved.stderr
    follows = _cli(target, "checkin", people["Søren Ødegaard"], env={"KIOSK_NOW": f"{EVENT_DAY}T12:40"})
    assert follows.exit_code == 0 and follows.stderr == ""
    # A process still started with the old value keeps the old clock in order, and is told why
    # times disagree: resetting it to 09:20 would log times before its own earlier scans.
    old = _cli(target, "checkin", people["Pieter van 't Hof"], env=env)
    assert old.exit_code == 0 and "KIOSK_NOW=12:40 was started on this database later" in old.stderr
    first, lunch, lunch_too, old_again = _scans(target)
    assert 0 <= _offset(first) <= _offset(old_again) < 30
    assert dt.time(12, 40) <= _at(lunch).time() <= _at(lunch_too).time() < dt.time(12, 41)
    assert len(_meta_rehearsals(target)) == 2


def test_unset_and_frozen_clocks_ignore_the_stored_rehearsal(target, db, people):
    assert _cli(target, "checkin", people["Ayşe Çelik"], env={"KIOSK_NOW": NOW}).exit_code == 0
    stored = _meta_rehearsals(target)
    real = _cli(target, "checkin", people["Anna de Vries"], env={})
    frozen = _cli(target, "checkin", people["Søren Ødegaard"], env={"KIOSK_NOW": f"{EVENT_DAY}T11:00",
                                                                    "KIOSK_NOW_FROZEN": "1"})
    assert real.exit_code == frozen.exit_code == 0 and real.stderr == frozen.stderr == ""
    _, on_real_clock, on_frozen_clock = _scans(target)
    assert abs((_at(on_real_clock) - dt.datetime.now(UTC)).total_seconds()) < 30
    assert on_frozen_clock[2] == f"{EVENT_DAY}T11:00:00.000+01:00"
    assert _meta_rehearsals(target) == stored  # neither read nor wrote a rehearsal


def test_a_rehearsal_past_its_day_begins_again_and_its_row_is_replaced(db):
    began = dt.datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    first, new, _ = shared_rehearsal(db, START, real=began)
    assert new and first == Rehearsal(START, began)
    same, new, _ = shared_rehearsal(db, START, real=began + dt.timedelta(hours=3))
    assert not new and same.at(began + dt.timedelta(hours=3)) == START + dt.timedelta(hours=3)
    # The next morning the same KIOSK_NOW would be 09:20 plus a day: a new rehearsal instead.
    next_day = began + dt.timedelta(hours=24)
    again, new, before = shared_rehearsal(db, START, real=next_day)
    assert new and again.at(next_day) == START and before == [first]
    assert stored_rehearsals(db, ZONE) == [again]
    notes = rehearsal_notes("09:20", again, True, before, next_day)
    assert notes == ["KIOSK_NOW=09:20: the rehearsal clock begun with it at 2026-11-28 09:00 has run past its day; "
                     "a new one starts at 09:20."]


def test_a_hand_edited_row_is_skipped_and_a_clock_set_back_never_runs_backwards(db):
    db.execute("INSERT INTO meta (key, value) VALUES ('rehearsal:not a time', 'x'), ('rehearsal:2026-11-29T09:20', '')")
    assert stored_rehearsals(db, ZONE) == []
    began = dt.datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    rehearsal = Rehearsal(START, began)
    assert rehearsal.at(began - dt.timedelta(minutes=5)) == START
    assert choose_rehearsal([rehearsal], START, began + dt.timedelta(hours=1)) == rehearsal
    assert choose_rehearsal([rehearsal], START + dt.timedelta(minutes=1), began) is None
