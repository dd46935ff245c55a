"""Eight desks on PostgreSQL while the server stops in the middle and starts again (issue 18).

Each desk is a process scanning through kiosk.store.offline_switch (tests/support/offline_storm.py),
which goes offline by itself when its writes fail and back once the server answers, uploading
its queue first. After the storm: every scan any desk acknowledged, online or offline, is in the
server's log exactly once and nothing else is; nobody arrived twice; presence and the counts
equal a recount; the person every offline desk let in is one arrival and seven flagged double
entries. A desk killed while offline uploads its queue when it is started again.

The server is a cluster of this module's own (`own_server`, tests/support/own_server.py: stopped with
`pause()` and started with `resume()`); the run's shared server is never stopped.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kiosk.interop.demo import demo_rng, demo_roster
from kiosk.store import connect, open_store
from kiosk.store.attendees import upsert_attendees
from kiosk.store.presence import rebuild_presence
from kiosk.store.schema import recount_tallies
from tests.support.event import ROOT
from tests.support.own_server import own_database

if TYPE_CHECKING:
    from tests.support.pg_cluster import PgCluster

pytestmark = pytest.mark.postgres

DESKS = 8
SHARED = "SHARED1"
# Longer than any wait of the desks' own: only a hang reaches it.
GUARD = 300.0


@pytest.fixture
def day(own_server, tmp_path):
    """A fresh database with 80 people and the shared one; returns (url, codes file)."""
    with own_database(own_server, "offline") as url:
        db = open_store(url)
        roster = demo_roster(80)
        upsert_attendees(db, roster, "2026-11-29T08:00:00+01:00", rng=demo_rng())
        from kiosk.domain.roster import RosterRow

        upsert_attendees(db, [RosterRow("Gedeelde Gast", "Gemeente Ede", "Ede", "", SHARED)],
                         "2026-11-29T08:00:00+01:00")
        codes = [row[0] for row in db.execute("SELECT code FROM attendees ORDER BY id")]
        db.close()
        codes_file = tmp_path / "codes.json"
        codes_file.write_text(json.dumps(codes))
        yield url, codes_file


class Desk:
    """One desk process and the lines it printed, read as they come."""

    def __init__(self, url: str, device: str, ops: int, seed: int, codes_file: Path, folder: Path,
                 shared: str | None = SHARED) -> None:
        args = [sys.executable, "-m", "tests.support.offline_storm", url, device, str(ops), str(seed),
                str(codes_file), str(folder)] + ([shared] if shared else [])
        self.proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self.errors: list[str] = []
        # One reader per pipe (communicate() would read stdout too, taking lines from under this one).
        self._readers = [threading.Thread(target=self._read, args=(pipe, into), daemon=True)
                         for pipe, into in ((self.proc.stdout, self.lines), (self.proc.stderr, self.errors))]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _read(pipe, into: list[str]) -> None:
        for line in pipe:
            into.append(line.rstrip("\n"))

    def acks(self, state: str | None = None) -> list[list[str]]:
        """The acknowledged scans: [nonce, reason, online|offline, code], optionally only online or offline."""
        found = [line.split()[1:] for line in list(self.lines) if line.startswith("ACK ")]
        return [ack for ack in found if state is None or ack[2] == state]

    def finish(self) -> str:
        """Wait for the process; its stderr."""
        self.proc.wait(timeout=GUARD)
        for reader in self._readers:
            reader.join(timeout=10)
        return "\n".join(self.errors)


def _until(condition, what: str, timeout: float = GUARD) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited too long for {what}"
        time.sleep(0.05)


def _check_log(url: str, desks: list[Desk]) -> dict[str, tuple[str, int]]:
    """Every acknowledged scan is in the log once, nothing else is; counts equal a recount. Returns nonce -> row."""
    db = connect(url)
    logged = {str(n): (str(r), int(a)) for n, r, a in db.execute("SELECT nonce, reason, accepted FROM scans")}
    acked = [ack[0] for desk in desks for ack in desk.acks()]
    assert len(acked) == len(set(acked))
    missing = [nonce for nonce in acked if nonce not in logged]
    assert not missing, f"{len(missing)} acknowledged scans are not in the server's log"
    assert set(logged) == set(acked), "the log holds scans nobody acknowledged"
    # Each green offline entry is on the server as an arrival, or flagged as a double entry; or, when
    # the desk's online write was lost on the way after the server had committed it (COMMIT goes in
    # the write's last batch), as the server's own verdict under that nonce: the desk answered from
    # its copy under the same nonce and the upload found the scan there (someone let in meanwhile
    # by another desk is then the server's refused `already_in`, never a second arrival).
    for desk in desks:
        for nonce, reason, _state, code in desk.acks("offline"):
            if reason in ("ok", "reentry"):
                assert logged[nonce] in {("ok", 1), ("reentry", 1), ("offline_duplicate", 0), ("already_in", 0)}, (
                    nonce, reason, logged[nonce])
            elif reason in ("unknown_code", "cancelled", "bounce", "not_inside"):
                assert logged[nonce] == (reason, 0)
            elif reason in ("not_in_copy", "no_copy"):  # kept unjudged (amber): the server's own judgement is logged
                if code.startswith("UNKNOWN"):
                    assert logged[nonce] == ("unknown_code", 0), (nonce, logged[nonce])
                else:
                    assert logged[nonce][0] not in ("not_in_copy", "no_copy", "unknown_code"), (nonce, logged[nonce])
    twice = db.execute(
        """SELECT attendee_id, COUNT(*) FROM scans WHERE list = 'venue' AND reason = 'ok' AND accepted = 1
           GROUP BY attendee_id HAVING COUNT(*) > 1""").fetchall()
    assert twice == []
    before = db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()
    tallies = {k: v for k, v in db.execute("SELECT key, value FROM tallies").fetchall() if v}
    db.execute("BEGIN")
    rebuild_presence(db)
    recount = db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()
    recount_tallies(db)
    recounted = {k: v for k, v in db.execute("SELECT key, value FROM tallies").fetchall() if v}
    db.execute("ROLLBACK")
    assert before == recount
    assert tallies == recounted
    shared = db.execute(
        """SELECT s.reason, s.accepted FROM scans s JOIN attendees a ON a.id = s.attendee_id
           WHERE a.code = ? ORDER BY s.id""", (SHARED,)).fetchall()
    db.close()
    assert sorted(shared) == sorted([("ok", 1)] + [("offline_duplicate", 0)] * (DESKS - 1)), shared
    return logged


def _storm(server: PgCluster, url: str, codes_file: Path, folder: Path, ops: int, offline_seconds: float) -> None:
    desks = [Desk(url, f"desk-{n + 1}", ops, 500 + n, codes_file, folder) for n in range(DESKS)]
    # Stop the server once every desk is well into its scans, online.
    _until(lambda: all(len(d.acks("online")) >= ops // 5 for d in desks), "the desks' first online scans")
    server.pause()
    stopped_at = time.monotonic()
    # Every desk goes offline by itself and keeps scanning (and lets the shared person in).
    _until(lambda: all(any(a[3] == SHARED for a in d.acks("offline")) for d in desks), "every desk offline")
    time.sleep(max(0.0, offline_seconds - (time.monotonic() - stopped_at)))
    server.resume()
    errors = [desk.finish() for desk in desks]
    for desk, err in zip(desks, errors):
        assert desk.proc.returncode == 0, err
        assert "Traceback" not in err, err
        assert desk.lines[-2:] == ["WAITING 0", "DONE"], (desk.lines[-6:], err[-3000:])
        assert not [line for line in desk.lines if line.startswith("ERR")]
        assert len(desk.acks()) == ops
    offline = sum(len(d.acks("offline")) for d in desks)
    assert offline >= DESKS * 2, "the desks hardly scanned offline"
    assert all(d.acks("online")[-1:] for d in desks)
    _check_log(url, desks)


@pytest.mark.timeout(400)  # eight processes on a loaded machine: more than the suite's two minutes
def test_eight_desks_keep_scanning_while_the_server_is_stopped(own_server, day, tmp_path):
    """8 desks x 60 scans, the server stopped for about 2 s in the middle: every acknowledged scan logged once."""
    url, codes_file = day
    _storm(own_server, url, codes_file, tmp_path, ops=60, offline_seconds=2.0)


@pytest.mark.long
@pytest.mark.timeout(1500)
def test_eight_desks_through_a_long_stop(own_server, day, tmp_path):
    """8 desks x 400 scans, the server stopped for 20 s: the long version, for `make test-long`."""
    url, codes_file = day
    _storm(own_server, url, codes_file, tmp_path, ops=400, offline_seconds=20.0)


@pytest.mark.timeout(300)
def test_a_desk_killed_while_offline_uploads_its_queue_after_its_restart(own_server, day, tmp_path):
    url, codes_file = day
    desk = Desk(url, "desk-9", 100000, 9, codes_file, tmp_path, shared=None)
    _until(lambda: len(desk.acks("online")) >= 3, "the desk's first scans")
    own_server.pause()
    _until(lambda: len(desk.acks("offline")) >= 10, "offline scans")
    desk.proc.send_signal(signal.SIGKILL)
    desk.finish()
    acked = desk.acks()
    own_server.resume()
    again = Desk(url, "desk-9", 0, 9, codes_file, tmp_path, shared=None)
    again.finish()
    assert again.proc.returncode == 0
    assert again.lines[0] != "WAITING 0"  # it found the queue its predecessor left
    assert again.lines[-2:] == ["WAITING 0", "DONE"]
    db = connect(url)
    logged = {str(n) for (n,) in db.execute("SELECT nonce FROM scans WHERE device = 'desk-9'")}
    db.close()
    # Every scan it acknowledged before it was killed; at most the one in flight besides (on disk, not yet said).
    assert {ack[0] for ack in acked} <= logged
    assert len(logged - {ack[0] for ack in acked}) <= 1
