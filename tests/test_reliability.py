"""Concurrency and crashes: 8 writer processes on one database, some killed with SIGKILL mid-storm.

After the storm: no "database is locked" (on PostgreSQL no "deadlock detected" or "could not
serialize") reached anyone, every acknowledged operation is in the database, nobody arrived twice,
no session is over capacity, derived state equals a recount from the scan log, and on SQLite
`PRAGMA integrity_check` says ok.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.interop.demo import demo_rng, demo_roster
from kiosk.store import connect, open_store
from kiosk.store.attendees import upsert_attendees
from kiosk.store.db import is_postgres
from kiosk.store.presence import rebuild_presence
from kiosk.store.schema import recount_tallies
from tests.support.event import ROOT

# Every test using `db` or `target` runs on SQLite and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

WORKERS = 8


def _prepare(db, tmp_path: Path, people: int = 80) -> Path:
    upsert_attendees(db, demo_roster(people), "2026-11-29T08:00:00+01:00", rng=demo_rng())
    codes = [r[0] for r in db.execute("SELECT code FROM attendees ORDER BY id")]
    codes_file = tmp_path / "codes.json"
    codes_file.write_text(json.dumps(codes))
    return codes_file


def _start(target: Path | str, codes_file: Path, ops: int) -> list[subprocess.Popen]:
    return [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.storm", str(target), str(w), str(ops), str(100 + w), str(codes_file)],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for w in range(WORKERS)
    ]


def _acks(procs: list[subprocess.Popen]) -> tuple[list[list[str]], list[str]]:
    acks, errors = [], []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        lines = out.splitlines()
        acks.append([line for line in lines if line.startswith("ACK ")])
        errors += [line for line in lines if line.startswith("ERR ")]
        # A traceback on stderr is a failure too, except from a process we killed.
        if proc.returncode == 0:
            assert "Traceback" not in err, err
    return acks, errors


def _check_file(target: Path | str, acks: list[list[str]]) -> None:
    db = connect(target)
    if not is_postgres(db):  # a PostgreSQL server checks its own pages
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    nonces = {r[0] for r in db.execute("SELECT nonce FROM scans")}
    acked = [line.split()[2] for worker in acks for line in worker if line.startswith("ACK scan")]
    assert acked, "the storm acknowledged no scans"
    missing = [n for n in acked if n not in nonces]
    assert not missing, f"{len(missing)} acknowledged scans are not in the file"
    # Nobody arrives twice: at most one first arrival per person that is not annulled.
    twice = db.execute(
        """SELECT attendee_id, COUNT(*) FROM scans WHERE list = 'venue' AND reason = 'ok' AND accepted = 1
           AND id NOT IN (SELECT annuls FROM scans WHERE annuls IS NOT NULL)
           GROUP BY attendee_id HAVING COUNT(*) > 1"""
    ).fetchall()
    assert twice == []
    over = db.execute(
        """SELECT s.id, s.capacity, COUNT(*) FROM signups g JOIN sessions s ON s.id = g.session_id
           WHERE g.status = 'confirmed' AND s.capacity IS NOT NULL GROUP BY s.id HAVING COUNT(*) > s.capacity"""
    ).fetchall()
    assert over == []
    one_per_round = db.execute(
        """SELECT attendee_id, round FROM signups WHERE status = 'confirmed' AND round IS NOT NULL
           GROUP BY attendee_id, round HAVING COUNT(*) > 1"""
    ).fetchall()
    assert one_per_round == []
    # Each acknowledged sign-up or cancel that was its worker's last word on that pair holds.
    last: dict[tuple[str, str], str] = {}
    for worker in acks:
        for line in worker:
            parts = line.split()
            if parts[1] in ("signup", "cancel"):
                _, _, code, session, status, moved_from = parts
                if status in ("confirmed", "waitlisted", "cancelled"):
                    last[(code, session)] = status
                if moved_from != "-":
                    last[(code, moved_from)] = "cancelled"
    # Someone on a waitlist who is promoted gives up their other seat in that round by design.
    waited = {line.split()[2] for worker in acks for line in worker if line.split()[4:5] == ["waitlisted"]}
    for (code, session), status in last.items():
        row = db.execute(
            """SELECT g.status FROM signups g JOIN attendees a ON a.id = g.attendee_id
               WHERE a.code = ? AND g.session_id = ? AND g.status != 'cancelled'""",
            (code, session),
        ).fetchone()
        actual = row[0] if row else "cancelled"
        # A waitlisted person may since have been promoted, or moved on by that promotion.
        allowed = {"waitlisted", "confirmed", "cancelled"} if status == "waitlisted" else {status}
        if status == "confirmed" and code in waited:
            allowed.add("cancelled")
        assert actual in allowed, (code, session, status, actual)
    before = db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()
    db.execute("BEGIN" if is_postgres(db) else "BEGIN IMMEDIATE")  # rolled back below: the storm is over
    rebuild_presence(db)
    recount = db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()
    tallies = dict(db.execute("SELECT key, value FROM tallies").fetchall())
    recount_tallies(db)
    recounted = dict(db.execute("SELECT key, value FROM tallies").fetchall())
    db.execute("ROLLBACK")
    assert before == recount
    assert {k: v for k, v in tallies.items() if v} == {k: v for k, v in recounted.items() if v}
    db.close()


def _storm(db, target, tmp_path, ops: int) -> None:
    codes_file = _prepare(db, tmp_path)
    acks, errors = _acks(_start(target, codes_file, ops))
    assert errors == [], errors[:3]
    assert sum(len(a) for a in acks) == WORKERS * ops
    _check_file(target, acks)


def test_eight_processes_storm(db, target, tmp_path):
    """8 writers x 40 operations: nothing lost, nothing doubled, nothing over capacity."""
    _storm(db, target, tmp_path, ops=40)


@pytest.mark.long
def test_eight_processes_long_storm(db, target, tmp_path):
    """The same storm at 8 x 1000 operations."""
    _storm(db, target, tmp_path, ops=1000)


def _crash(db, target, tmp_path, ops: int, kills: int, seed: int) -> None:
    codes_file = _prepare(db, tmp_path)
    db.close()
    rng = random.Random(seed)
    procs = _start(target, codes_file, ops)
    victims = rng.sample(procs, kills)
    for victim in victims:
        time.sleep(rng.uniform(0.05, 0.4))
        victim.send_signal(signal.SIGKILL)
    acks, errors = _acks(procs)
    assert errors == [], errors[:3]
    # The kills landed mid-storm: the victims died before finishing their operations.
    killed = [p for p in victims if p.returncode == -signal.SIGKILL]
    assert any(len(acks[procs.index(p)]) < ops for p in killed)
    _check_file(target, acks)
    # The app's own start-up path opens the database normally afterwards.
    reopened = open_store(target)
    assert reopened.execute("SELECT COUNT(*) FROM scans").fetchone()[0] > 0
    reopened.close()


def test_writers_killed_mid_storm(db, target, tmp_path):
    """Three of eight writers are SIGKILLed at random moments: what they acknowledged is there."""
    _crash(db, target, tmp_path, ops=150, kills=3, seed=7)


@pytest.mark.long
def test_writers_killed_mid_storm_long(db, target, backend, tmp_path, request):
    """Several rounds of kills in longer storms, each on a fresh database."""
    from kiosk.domain.loader import load_programme
    from kiosk.store.sessions import sync_programme
    from tests.support.event import PROGRAMME_PATH

    for seed in range(5):
        if backend == "postgresql":
            server = request.getfixturevalue("pg_server")
            fresh = server.create_database(server.unique_name())
        else:
            fresh = tmp_path / f"crash{seed}.db"
        store = open_store(fresh)
        sync_programme(store, load_programme(PROGRAMME_PATH))
        sub = tmp_path / f"c{seed}"
        sub.mkdir()
        _crash(store, fresh, sub, ops=400, kills=5, seed=seed)
