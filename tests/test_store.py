"""The store: migrating a version-1 file, two writer processes, nonce replay, undo, derived presence."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

from kiosk.store import connect, immediate, open_store
from kiosk.store.attendees import RosterRow, import_roster, search, upsert_attendees
from kiosk.store.db import check_integrity
from kiosk.store.presence import rebuild_presence
from kiosk.store.scans import record_scan, undo_scan
from kiosk.store.schema import SCHEMA_VERSION, migrate
from tests.support.event import ROOT, at

# The store behaves the same on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True


def presence_rows(db) -> list[tuple]:
    """The whole presence table, in a stable order."""
    return db.execute("SELECT * FROM presence ORDER BY attendee_id, list").fetchall()


def scan_rows(db) -> list[tuple]:
    """The whole scan log."""
    return db.execute("SELECT * FROM scans ORDER BY id").fetchall()


# --- migration -----------------------------------------------------------------------------


def test_a_version_1_file_migrates_with_search_and_presence(db_path):
    old = connect(db_path)
    assert migrate(old, target=1) == 1
    # Written the way version 1 wrote: no search_text column, no presence table.
    with immediate(old) as conn:
        for i, (code, name, org) in enumerate([("A1", "Søren Ødegaard", "Gemeente Delft"),
                                               ("B2", "Ayşe Çelik", "Gemeente Zaanstad"),
                                               ("C3", "Łukasz Nowak", "Regio Twente")], start=1):
            conn.execute("INSERT INTO attendees (id, code, name, organisation, created_at, updated_at) "
                         "VALUES (?, ?, ?, ?, '2026-01-01', '2026-01-01')", (i, code, name, org))
        scans = [  # (attendee, direction, accepted, annuls)
            (1, "entry", 1, None), (2, "entry", 1, None), (2, "exit", 1, None), (3, "entry", 0, None),
            (1, "entry", 1, None), (3, "entry", 1, None), (3, "entry", 1, 6),
        ]
        for n, (attendee, direction, accepted, annuls) in enumerate(scans, start=1):
            conn.execute(
                "INSERT INTO scans (id, nonce, at, device, list, direction, raw_code, attendee_id, accepted, reason, "
                "annuls) VALUES (?, ?, ?, 'desk-1', 'venue', ?, '', ?, ?, ?, ?)",
                (n, f"n{n}", f"2026-11-29T09:{n:02}:00.000+01:00", direction, attendee, accepted,
                 "undo" if annuls else ("ok" if accepted else "already_in"), annuls),
            )
    assert not old.execute("SELECT 1 FROM sqlite_master WHERE name = 'presence'").fetchall()
    old.close()

    db = open_store(db_path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [hit.person.code for hit in search(db, "soren odeg")] == ["A1"]
    assert [hit.person.code for hit in search(db, "celik zaan")] == ["B2"]
    assert [hit.person.code for hit in search(db, "lukasz")] == ["C3"]
    # Presence equals the scan log: 1 inside (entered twice), 2 came and left, 3's entry was undone.
    state = {row[0]: row[2:4] for row in db.execute("SELECT attendee_id, list, inside, entries FROM presence")}
    assert state == {1: (1, 2), 2: (0, 1)}
    assert search(db, "soren")[0].inside and not search(db, "ayse")[0].inside
    db.execute("INSERT INTO attendees_fts (attendees_fts) VALUES ('integrity-check')")
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    migrated = presence_rows(db)
    with immediate(db) as conn:
        rebuild_presence(conn)
    assert presence_rows(db) == migrated


def test_opening_twice_runs_each_migration_once(target):
    first, second = open_store(target), open_store(target)
    assert migrate(first) == migrate(second) == SCHEMA_VERSION


# --- two processes ---------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from kiosk.clock import Clock
    from kiosk.store import connect
    from kiosk.store.attendees import RosterRow, import_roster, upsert_attendees
    from kiosk.store.scans import record_scan

    db_path, who = sys.argv[1], sys.argv[2]
    db = connect(db_path)
    now = Clock.fixed("09:00").now()
    for i in range(60):
        record_scan(db, f"P{i % 40:03}", now=now, device=who, nonce=f"{who}-{i}")
        if i % 10 == 0:
            upsert_attendees(db, [RosterRow(f"{who} walk-in {i}", code=f"{who}{i}")], now.isoformat())
            import_roster(db, [RosterRow(f"Person {j}", code=f"P{j:03}", city=who) for j in range(40)],
                          now.isoformat())
    print("done")
    """
)


def test_two_processes_write_at_once_without_locking_errors(db, target, now):
    import_roster(db, [RosterRow(f"Person {j}", code=f"P{j:03}") for j in range(40)], now.isoformat())
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(target), who], cwd=ROOT,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for who in ("A", "B")
    ]
    results = [proc.communicate(timeout=120) for proc in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0 and out.strip() == "done", err
        assert "locked" not in err
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 120
    assert db.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == 40 + 12
    assert db.execute("SELECT COUNT(*) FROM presence WHERE inside = 1").fetchone()[0] == 40
    check_integrity(db)  # raises when the SQLite file is damaged (PostgreSQL checks its own pages)


# --- the scan log ------------------------------------------------------------------------------


def test_a_nonce_sent_twice_makes_one_row(db, people, now):
    first = record_scan(db, "ANNA44", now=now, device="desk-1", nonce="same")
    second = record_scan(db, "ANNA44", now=at("09:31"), device="desk-2", nonce="same")
    assert db.execute("SELECT COUNT(*) FROM scans WHERE nonce = 'same'").fetchone()[0] == 1
    assert second.replayed and second.scan_id == first.scan_id and second.accepted
    assert second.device == "desk-1"


def test_undo_appends_and_deletes_nothing(db, people, now):
    scan = record_scan(db, "HOF222", now=now, device="desk-1")
    before = scan_rows(db)
    undo = undo_scan(db, now=at("09:31"), device="desk-1")
    after = scan_rows(db)
    assert after[: len(before)] == before and len(after) == len(before) + 1
    assert after[-1][0] == undo.scan_id and after[-1][-1] == scan.scan_id  # annuls the check-in
    assert db.execute("SELECT inside FROM presence WHERE list = 'venue'").fetchall() == []
    # Nothing left to undo is logged too, as a refused scan.
    nothing = undo_scan(db, now=at("09:32"), device="desk-1")
    assert nothing.reason.value == "nothing_to_undo" and len(scan_rows(db)) == len(after) + 1


def test_presence_equals_a_rebuild_after_random_scans(db, now):
    rows = [RosterRow(f"Person {i}", code=f"R{i:02}") for i in range(12)]
    upsert_attendees(db, rows, now.isoformat())
    for seed in range(3):
        rng = random.Random(seed)
        for step in range(150):
            moment = at(f"{9 + step // 60:02}:{step % 60:02}")
            device, list_ = rng.choice(["desk-1", "desk-2"]), rng.choice(["venue", "venue", "r1-slim-met-stroom"])
            action = rng.random()
            if action < 0.15:
                undo_scan(db, now=moment, device=device)
            else:
                record_scan(db, rng.choice(rows).code, now=moment, device=device, list_=list_,
                            direction="exit" if action > 0.7 else "entry")
        live = presence_rows(db)
        with immediate(db) as conn:
            rebuild_presence(conn)
        assert presence_rows(db) == live
        assert live, "the random sequence should leave someone somewhere"
