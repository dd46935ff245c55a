"""After a purge or a forget: the removed text gone from the storage too, not only from the rows.

Blanking a column leaves the old value behind where the database keeps old versions of rows:

- SQLite: in free pages of the file, in the `-wal` file's frames, in FTS5's older index segments
  and in ANALYZE's samples (`sqlite_stat4`). The search index is rebuilt, `ANALYZE` resampled,
  `VACUUM` rewrites the file and a `TRUNCATE` checkpoint empties the `-wal` file.
- PostgreSQL: every UPDATE writes a new row version and leaves the old one in the table's pages
  (a dead tuple) until VACUUM. `VACUUM (FULL, ANALYZE)` on the tables that held personal text
  rewrites them and their indexes (the GIN search index too) into new files without the dead
  tuples, and resamples the planner's statistics. It needs the tables' owner (or the database's),
  and cannot run inside a transaction (PgConnection is autocommit: here it is not in one). What the
  server keeps beyond the tables is its own to clean: WAL segments are recycled after the next
  checkpoints, old statistics rows by autovacuum, and backups taken before the purge keep what they
  held until they are deleted (README, "Privacy").
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kiosk.store.db import BUSY_TIMEOUT_MS, Database, FaultKind, StoreError, explain, is_postgres

# How long the final checkpoint (SQLite) or VACUUM FULL's table lock (PostgreSQL) waits for other
# processes' reads to end before giving up.
CHECKPOINT_WAIT_MS = 2_000
VACUUM_TIMEOUT_MS = 600_000
# The tables whose rows held personal text: names, codes, e-mail, organisations (also in tally keys
# per organisation), scanned text and walk-in corrections.
PERSONAL_TABLES = ("attendees", "scans", "corrections", "tallies")


def rebuild_search(conn: Database) -> None:
    """Rebuild the search index from the blanked `attendees.search_text` (SQLite's FTS5).

    The update trigger only adds delete markers: the old tokens (folded names) stay in older
    index segments until a merge. A rebuild writes the index afresh from the blanked column.
    PostgreSQL's GIN index is rebuilt by the VACUUM FULL of `wipe_free_space`.
    """
    if is_postgres(conn):
        return
    conn.execute("INSERT INTO attendees_fts (attendees_fts) VALUES ('rebuild')")
    stat4 = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'").fetchone()
    if stat4:
        # ANALYZE's samples hold copies of indexed values (codes); resample from the blanked rows.
        conn.execute("ANALYZE")


def wipe_free_space(conn: Database) -> bool:
    """Rewrite the storage without the old copies of the removed text; True when it fully succeeded.

    SQLite: VACUUM the file and empty the `-wal` file. The checkpoint cannot finish while another
    process still reads an older snapshot; then the old frames stay in the `-wal` file until it can.
    PostgreSQL: VACUUM (FULL, ANALYZE) the personal tables; False when this role may not (not their
    owner) or another connection holds them in an open transaction past CHECKPOINT_WAIT_MS.
    """
    if is_postgres(conn):
        return _vacuum_pg(conn)
    try:
        conn.execute("VACUUM")
        # Other kiosks read in short transactions; waiting the full busy timeout adds nothing.
        conn.execute(f"PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}")
        try:
            busy, _log, _done = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except sqlite3.Error as error:
        raise explain(error) from error
    return bool(busy == 0)


def may_vacuum(conn: Database) -> bool:
    """Whether this PostgreSQL role may VACUUM the personal tables (superuser, their owner or the database's).

    Asked first because a VACUUM of someone else's table is not an error: the server skips it
    with a warning only, and the purge would say "clean" when it was not.
    """
    tables = ", ".join(f"'{table}'::regclass" for table in PERSONAL_TABLES)
    row = conn.execute(
        f"""SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                   OR pg_has_role((SELECT datdba FROM pg_database WHERE datname = current_database()), 'USAGE')
                   OR bool_and(pg_has_role(c.relowner, 'USAGE'))
            FROM pg_class c WHERE c.oid IN ({tables})"""
    ).fetchone()
    return bool(row[0])


def _vacuum_pg(conn: Database) -> bool:
    if conn.in_transaction or not may_vacuum(conn):
        return False
    # VACUUM FULL takes each table's exclusive lock: wait briefly for other kiosks' transactions, never
    # the statement timeout (their reads queue behind a waiting VACUUM).
    conn.execute(f"SET lock_timeout = {CHECKPOINT_WAIT_MS}")
    # Rewriting a day of 100,000 people may take longer than a screen's statement timeout.
    conn.execute(f"SET statement_timeout = {VACUUM_TIMEOUT_MS}")
    try:
        conn.execute(f"VACUUM (FULL, ANALYZE) {', '.join(PERSONAL_TABLES)}")
    except StoreError as error:
        if error.kind is FaultKind.BUSY:
            return False
        raise
    finally:
        conn.execute("RESET lock_timeout")
        conn.execute("RESET statement_timeout")  # back to the connection's own (kiosk.store.pg)
    return True


def database_files(conn: Database) -> list[Path]:
    """The main database file and its `-wal` and `-shm` companions that exist now (none on PostgreSQL)."""
    if is_postgres(conn):
        return []
    main = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not main:
        return []
    return [Path(main + suffix) for suffix in ("", "-wal", "-shm") if os.path.exists(main + suffix)]


def narrow_modes(db: Database) -> list[Path]:
    """Make the database files readable by their owner only; returns the files that were wider.

    New files are created 0600 (and SQLite gives `-wal` and `-shm` the main file's mode), but a
    file made by hand or by an older version may be readable by others. A PostgreSQL server keeps
    its files itself (its data folder is 0700).
    """
    widened = []
    for path in database_files(db):
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
            widened.append(path)
    return widened
