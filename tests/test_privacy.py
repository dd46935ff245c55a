"""Privacy: purge and forget keep every count and leave no name in the stored bytes.

On SQLite the stored bytes are the file with its -wal and -shm; on PostgreSQL they are the files
of the database's tables and indexes in the server's data folder, written out by a CHECKPOINT
(the tests' own server: `pg_server.data`). What the server keeps beyond them (WAL segments,
backups) is said by `kiosk purge` and the README, and is not the tables' to clean. A person's
export and the files the command line writes: tests/test_privacy_exports.py.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from kiosk.domain.outcomes import Reason
from kiosk.store import connect, open_store
from kiosk.store.attendees import count_expected, find_by_code, search
from kiosk.store.occupancy import occupancy
from kiosk.store.privacy import ANON_PREFIX, forget_person, purge, purge_plan
from kiosk.store.scans import count_arrivals, create_walk_in, record_scan
from tests.support.event import at
from tests.support.privacy_day import privacy_day, run

# Purge and forget behave the same on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True
# Every table of the schema, for a dump that reads alike on both stores.
TABLES = ("meta", "attendees", "sessions", "scans", "signups", "presence", "tallies", "corrections", "badge_prints")

# What must not survive a purge, as stored (UTF-8) and as the search index folds it.
SECRETS = [
    "Ayşe Çelik", "ayse@example.invalid", "CELIK1", "Pieter van 't Hof", "HOF222", "Søren Ødegaard",
    "SOREN3", "Provincie Noord-Holland", "Gemeente Zaanstad", "Bold Org", "Anna de Vries", "ANNA44",
    "Cancelled Person", "CANC55", "celik", "odegaard", "pieter",
]


@pytest.fixture
def event(db, people):
    """The privacy tests' small day (tests/support/privacy_day.py); returns {name: code}."""
    return privacy_day(db, people)


def numbers(db) -> dict:
    """The day's numbers recounted with our own SQL: what `kiosk report` and the dashboard show."""
    conn = db
    arrivals = [r[0] for r in conn.execute(
        "SELECT first_entry_at FROM presence WHERE list = 'venue' AND first_entry_at IS NOT NULL")]
    per_5_minutes = Counter(f"{a[11:13]}:{int(a[14:16]) // 5 * 5:02d}" for a in arrivals)
    return {
        "signed_up": conn.execute(
            "SELECT session_id, status, COUNT(*) FROM signups GROUP BY 1, 2 ORDER BY 1, 2").fetchall(),
        "attended": conn.execute(
            "SELECT list, COUNT(*), SUM(inside) FROM presence WHERE first_entry_at IS NOT NULL GROUP BY list"
            " ORDER BY list").fetchall(),
        "no_shows": conn.execute(
            """SELECT s.session_id, COUNT(*) FROM signups s
               LEFT JOIN presence p ON p.attendee_id = s.attendee_id AND p.list = s.session_id
               WHERE s.status = 'confirmed' AND p.first_entry_at IS NULL GROUP BY 1 ORDER BY 1""").fetchall(),
        "scan_log": conn.execute(
            "SELECT id, at, device, list, direction, attendee_id, accepted, reason, annuls FROM scans ORDER BY id"
        ).fetchall(),
        "per_city": conn.execute("SELECT city, COUNT(*) FROM attendees GROUP BY city ORDER BY city").fetchall(),
        "per_5_minutes": sorted(per_5_minutes.items()),
        "occupancy": occupancy(db),
        "arrivals": count_arrivals(db),
        "expected": count_expected(db),
        # Counts per organisation go with the organisations' names (purged); every other count stays.
        "tallies": conn.execute(
            "SELECT key, value FROM tallies WHERE value != 0 AND key NOT LIKE '%\\_org:%' ESCAPE '\\' ORDER BY key"
        ).fetchall(),
    }


def dump(db) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order: SQLite's iterdump, for both stores."""
    return {table: sorted((tuple(row) for row in db.execute(f"SELECT * FROM {table}")), key=repr) for table in TABLES}


def file_bytes(db_path: Path) -> bytes:
    """The raw bytes of the database and its -wal and -shm files, as `strings` would read them."""
    return b"".join(Path(f"{db_path}{s}").read_bytes() for s in ("", "-wal", "-shm") if Path(f"{db_path}{s}").exists())


# This database's tables and indexes, and their TOAST tables and indexes: the files that hold its rows.
RELATIONS = """
WITH mine AS (SELECT oid, reltoastrelid FROM pg_class
              WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()))
SELECT pg_relation_filepath(oid) FROM mine
UNION SELECT pg_relation_filepath(reltoastrelid) FROM mine WHERE reltoastrelid != 0
UNION SELECT pg_relation_filepath(indexrelid) FROM pg_index WHERE indrelid IN (SELECT reltoastrelid FROM mine)
"""


def server_bytes(target: str, data: Path) -> bytes:
    """The raw bytes of the PostgreSQL database's table and index files, after a CHECKPOINT wrote every page out."""
    conn = connect(target)
    try:
        conn.execute("CHECKPOINT")
        paths = [data / row[0] for row in conn.execute(RELATIONS) if row[0]]
    finally:
        conn.close()
    # A relation over 1 GB goes on in PATH.1, PATH.2, ...
    return b"".join(part.read_bytes() for path in paths for part in [path, *path.parent.glob(f"{path.name}.[0-9]*")]
                    if part.exists())


@pytest.fixture
def stored(backend, db_path, target, request):
    """What the database holds at rest, as bytes (see the module docstring); called after each step."""
    if backend == "postgresql":
        data = request.getfixturevalue("pg_server").data
        return lambda: server_bytes(target, data)
    return lambda: file_bytes(db_path)


def found(secrets: list[str], data: bytes) -> list[str]:
    """The secrets whose UTF-8 bytes occur in `data` (case-insensitive for ASCII)."""
    lower = data.lower()
    return [s for s in secrets if s.encode().lower() in lower]


def test_purge_removes_personal_data_and_keeps_every_number(db, db_path, backend, event, stored):
    before = numbers(db)
    assert len(found(SECRETS, stored())) == len(SECRETS)  # the check can see them at all
    result = purge(db, now=at("17:00"))
    assert result.done and result.wiped
    rows = db.execute("SELECT id, code, name, organisation, email, search_text, city FROM attendees").fetchall()
    assert all(r[1] == f"{ANON_PREFIX}{r[0]}" and r[2:6] == ("", "", "", "") for r in rows)
    assert {r[6] for r in rows} >= {"Zaanstad", "Delft"}  # the city stays, for counts per city
    assert db.execute("SELECT COUNT(*) FROM scans WHERE raw_code != ''").fetchone()[0] == 0
    assert search(db, "celik") == [] and search(db, "Pieter") == []
    assert numbers(db) == before
    if backend == "sqlite":
        # The connection is still open (as on the day): the -wal file is there but emptied.
        assert Path(f"{db_path}-wal").exists()
    assert found(SECRETS, stored()) == []


def test_kiosk_report_prints_the_same_before_and_after_purge(target, backend, db, event, stored):
    before = run(target, "report")
    assert before.exit_code == 0 and "Vaartocht over de Zaan" in before.output
    purged = run(target, "purge", "--yes")
    assert purged.exit_code == 0, purged.output
    if backend == "postgresql":
        # What the server keeps beyond the tables is said: dead rows gone, WAL segments and backups not.
        said = purged.output.replace("\n", " ")
        assert "the tables were rewritten" in said and "dead row version" in said
        assert "WAL segments" in said and "backups made before now" in said
    else:
        assert "the file was vacuumed" in purged.output and "WAL segments" not in purged.output
    assert run(target, "report").output == before.output
    db.close()
    assert found(SECRETS, stored()) == []


def test_purge_with_another_reader_open_says_the_file_is_not_clean_yet(db, target, event, monkeypatch, stored):
    monkeypatch.setattr("kiosk.store.wipe.CHECKPOINT_WAIT_MS", 50)
    reader = connect(target)
    reader.execute("BEGIN")
    # Holds an old snapshot (SQLite), and the table in an open transaction (PostgreSQL: VACUUM FULL waits).
    reader.execute("SELECT COUNT(*) FROM attendees").fetchone()
    result = purge(db, now=at("17:00"))
    assert result.done and not result.wiped
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE name != ''").fetchone()[0] == 0  # the rows are blank
    out = run(target, "purge", "--yes")
    assert out.exit_code == 1 and "another kiosk process" in out.output
    reader.execute("ROLLBACK")
    reader.close()
    again = purge(db, now=at("17:01"))
    assert again.plan.nothing_to_remove and again.wiped
    assert found(SECRETS, stored()) == []


def test_a_postgresql_role_that_may_not_vacuum_purges_and_says_how_to_clean(pg_server, pg_url, programme):
    """VACUUM of another's table is skipped with a warning only: the purge must not call the tables clean."""
    from kiosk.domain.source import ProgrammeSource
    from kiosk.store.attendees import RosterRow, upsert_attendees
    from kiosk.store.sessions import sync_programme
    from tests.support.event import PROGRAMME_PATH

    owner = open_store(pg_url)
    sync_programme(owner, programme, ProgrammeSource.read(PROGRAMME_PATH).digest)
    upsert_attendees(owner, [RosterRow("Søren Ødegaard", "Provincie Noord-Holland", "Haarlem", "", "SOREN3")],
                     at("09:00").isoformat())
    assert record_scan(owner, "SOREN3", now=at("09:10"), device="desk-1").accepted
    # A role that may change the rows (as a venue's kiosk login may) but owns neither the tables nor the database.
    role = pg_server.unique_name("purger")
    owner.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw-{role}'")
    owner.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}")
    as_role = pg_url.replace(f"{pg_server.user}:{pg_server.password}@", f"{role}:pw-{role}@")
    out = run(as_role, "purge", "--yes")
    assert out.exit_code == 1, out.output
    said = out.output.replace("\n", " ")
    assert "the tables could not be rewritten" in said and "VACUUM (FULL, ANALYZE) attendees, scans" in said
    assert "dead row version keeps it" not in said  # not called clean
    assert owner.execute("SELECT name, code FROM attendees").fetchall() == [("", "anon 1")]
    assert found(["Søren Ødegaard", "SOREN3"], server_bytes(pg_url, pg_server.data)) != []  # old row versions
    again = run(pg_url, "purge", "--yes")  # the owner: nothing left to blank, the tables rewritten
    assert again.exit_code == 0 and "The tables were rewritten." in again.output
    assert found(["Søren Ødegaard", "SOREN3", "Noord-Holland", "soren"], server_bytes(pg_url, pg_server.data)) == []
    owner.close()


def test_dry_run_and_not_yet_due_change_nothing(db, target, event):
    before = dump(db)
    out = run(target, "purge", "--dry-run")
    assert out.exit_code == 0
    assert "Would remove:" in out.output and "names of 6 attendees" in out.output
    assert "Stays:" in out.output and "Dry run: nothing was changed." in out.output
    early = run(target, "purge", "--keep-days", "30", "--yes")
    assert early.exit_code == 0 and "Nothing is removed yet" in early.output
    preview = run(target, "purge", "--keep-days", "30", "--dry-run")  # not due, yet it shows what will go
    assert "Nothing is removed yet" in preview.output and "Once due, a purge would remove:" in preview.output
    assert "names of 6 attendees" in preview.output and "Dry run: nothing was changed." in preview.output
    refused = run(target, "purge", input="n\n")
    assert refused.exit_code == 1 and "This removes:" in refused.output and "Stays:" in refused.output
    assert dump(db) == before


def test_keep_days_counts_from_the_last_activity(db, event):
    plan = purge_plan(db, 7, at("17:00"))
    assert not plan.due and plan.keep_until.date().isoformat() == "2026-12-06"
    assert purge(db, keep_days=7, now=at("17:00")).done is False
    assert find_by_code(db, "CELIK1") is not None
    later = at("17:00").replace(day=7, month=12)
    assert purge_plan(db, 7, later).due and purge(db, keep_days=7, now=later).done


def test_without_a_date_a_purge_is_not_due_before_the_days_last_session_ends(db, event):
    db.execute("UPDATE meta SET value = '' WHERE key = 'event_date'")  # the shipped programme's placeholder
    assert not purge_plan(db, 0, at("13:00")).due  # mid-day: people still to scan
    assert purge_plan(db, 0, at("16:31")).due  # the closing (16:30) has begun


def test_clear_city_also_removes_cities(db, event):
    assert "cities of" in "\n".join(purge_plan(db, 0, at("17:00"), clear_city=True).goes())
    purge(db, now=at("17:00"), clear_city=True)
    assert db.execute("SELECT COUNT(*) FROM attendees WHERE city != ''").fetchone()[0] == 0


def test_anonymous_codes_stay_unique_and_cannot_be_scanned(db, event):
    purge(db, now=at("17:00"))
    codes = [r[0] for r in db.execute("SELECT code FROM attendees")]
    assert len(set(codes)) == len(codes) and all(codes)
    result = record_scan(db, codes[0], now=at("17:05"), device="desk-1")
    assert result.reason is Reason.UNKNOWN_CODE


def test_forget_one_person_keeps_counts_and_leaves_no_trace(db, event, stored):
    before = numbers(db)
    result = forget_person(db, "hof222", at("15:00"))  # as typed: lower case
    assert result is not None and result.wiped and result.signups_kept == 2
    # Their own scans and the refused scan where someone typed their name lost their text.
    assert result.scans_cleared == 3
    assert find_by_code(db, "HOF222") is None
    assert numbers(db) == before
    assert found(["Pieter van 't Hof", "HOF222", "pieter"], stored()) == []
    # Everyone else is untouched: still found by name, still scannable.
    assert [h.person.code for h in search(db, "soren")] == ["SOREN3"]
    assert found(["Ayşe Çelik", "ayse@example.invalid", "CELIK1"], stored()) != []
    assert forget_person(db, "HOF222", at("15:01")) is None


def test_forgetting_a_walk_in_named_after_a_code_leaves_that_persons_scans(db, event):
    # A desk scanned Søren's badge while the walk-in form had the focus: a walk-in named after his code.
    mistake = create_walk_in(db, "SOREN3", now=at("10:00"), device="desk-1").person
    soren = "SELECT at, raw_code FROM scans WHERE attendee_id = (SELECT id FROM attendees WHERE code = 'SOREN3') ORDER BY id"
    before = db.execute(soren).fetchall()
    result = forget_person(db, mistake.code, at("15:00"))
    assert result is not None and result.scans_cleared == 1  # its own arrival only
    assert db.execute(soren).fetchall() == before and {raw for _, raw in before} == {"SOREN3"}


def test_forget_from_the_command_line_asks_first(target, db, event):
    refused = run(target, "forget", "CELIK1", input="n\n")
    assert refused.exit_code == 1 and "Ayşe Çelik" in refused.output and "Stays, anonymous" in refused.output
    assert find_by_code(db, "CELIK1") is not None
    done = run(target, "forget", "CELIK1", "--yes")
    assert done.exit_code == 0 and "is now 'anon " in done.output
    assert find_by_code(db, "CELIK1") is None
    assert run(target, "forget", "NOSUCH").exit_code == 1
