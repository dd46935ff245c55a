"""Real processes racing for the Vaartocht's 15 seats on one database file.

Each racer is a separate `python -c` process: it connects, says READY, waits for a shared go-file,
then signs up once through store.signup (BEGIN IMMEDIATE) and prints the outcome as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store.attendees import RosterRow, upsert_attendees
from kiosk.store.signups import cancel, day_of, signup
from tests.support.event import EVENT_DAY, ROOT, at

# Every test using `db` or `target` runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

VAARTOCHT = "lunch-vaartocht"
assert str(EVENT_DAY) == "2026-11-29"  # the racers' clock below is on the event day

RACER = """
import json, os, sys, time
from kiosk.clock import Clock
from kiosk.store import connect
from kiosk.store.signups import signup
db_path, code, go = sys.argv[1], sys.argv[2], sys.argv[3]
db = connect(db_path)
db.execute("SELECT 1").fetchone()
print("READY", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
result = signup(db, code, "lunch-vaartocht", now=Clock.fixed("2026-11-29T09:30").now(), device=code)
print(json.dumps({"code": code, "status": result.status.value, "place": result.waitlist_position}), flush=True)
"""


@pytest.fixture
def racers(db, now) -> list[str]:
    """Thirty attendees, codes RACE00..RACE29."""
    rows = [RosterRow(f"Racer {i}", "Gemeente Race", code=f"RACE{i:02d}") for i in range(30)]
    upsert_attendees(db, rows, now.isoformat())
    return [row.code for row in rows]


def race(target: Path | str, codes: list[str], go: Path) -> list[dict]:
    """Start one process per code, release them together, return their printed outcomes."""
    procs = [
        subprocess.Popen([sys.executable, "-c", RACER, str(target), code, str(go)], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for code in codes
    ]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
        go.touch()  # every racer is connected and polling: they start within a millisecond or so
        outcomes = []
        for proc in procs:
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 0, err
            outcomes.append(json.loads(out.strip().splitlines()[-1]))
        return outcomes
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def rows(db) -> list[tuple[str, str]]:
    """(code, status) of the Vaartocht's active sign-ups in commit order (signups.id)."""
    return [tuple(r) for r in db.execute(
        """SELECT a.code, s.status FROM signups s JOIN attendees a ON a.id = s.attendee_id
           WHERE s.session_id = ? AND s.status != 'cancelled' ORDER BY s.id""", (VAARTOCHT,))]


def test_thirty_processes_race_for_fifteen_seats(db, target, racers, tmp_path):
    outcomes = race(target, racers, tmp_path / "go")
    statuses = [o["status"] for o in outcomes]
    assert statuses.count("confirmed") == 15 and statuses.count("waitlisted") == 15

    # The database agrees, and the first 15 commits hold the seats.
    order = rows(db)
    assert [status for _, status in order] == ["confirmed"] * 15 + ["waitlisted"] * 15
    # Waitlisted in the order they came: each was told the place its commit order gives it.
    told = {o["code"]: o["place"] for o in outcomes if o["status"] == "waitlisted"}
    assert [told[code] for code, status in order if status == "waitlisted"] == list(range(1, 16))

    # A cancel promotes the first in line, by itself; the 16th seat never exists.
    first_waiting = next(code for code, status in order if status == "waitlisted")
    cancel(db, order[0][0], VAARTOCHT, now=at("09:30"))
    after = rows(db)
    assert [s for _, s in after].count("confirmed") == 15
    assert (first_waiting, "confirmed") in after


def test_two_kiosks_press_for_the_last_seat_at_once(db, target, racers, tmp_path):
    for code in racers[:14]:
        signup(db, code, VAARTOCHT, now=at("09:30"))
    outcomes = race(target, racers[14:16], tmp_path / "go")
    assert sorted(o["status"] for o in outcomes) == ["confirmed", "waitlisted"]
    assert [o["place"] for o in outcomes if o["status"] == "waitlisted"] == [1]
    seats = day_of(db, None, now=at("09:30"))["lunch"]
    boat = next(o for o in seats.options if o.session_id == VAARTOCHT)
    assert (boat.confirmed, boat.waitlisted) == (15, 1)

