"""`kiosk backup`: a consistent, self-contained copy of the live database."""

from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from kiosk.cli import main
from kiosk.store.backup import backup_to
from kiosk.store.scans import record_scan
from tests.support.event import PROGRAMME_PATH, at


def test_backup_copies_everything_committed_while_the_store_is_open(tmp_path, db, db_path, people):
    record_scan(db, people["Anna de Vries"], now=at("09:31"), device="desk-1")
    copy = tmp_path / "copy.db"
    size = backup_to(db_path, copy)
    assert size == copy.stat().st_size > 0
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("SELECT COUNT(*) FROM attendees").fetchone()[0] == len(people)
        assert conn.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()
    assert not (tmp_path / "copy.db-wal").exists() and not (tmp_path / "copy.db.part").exists()
    assert copy.stat().st_mode & 0o077 == 0  # attendee data: owner only


def test_cli_backup_replaces_the_copy_and_fails_plainly(tmp_path, db, db_path, people):
    copy = tmp_path / "copy.db"
    copy.write_text("old")
    base = ["--db", str(db_path), "--programme", str(PROGRAMME_PATH)]
    result = CliRunner().invoke(main, [*base, "backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert copy.read_bytes().startswith(b"SQLite format 3")
    result = CliRunner().invoke(main, [*base, "backup", str(tmp_path / "no" / "such" / "dir" / "x.db")])
    assert result.exit_code == 2 and "cannot be written" in result.output
