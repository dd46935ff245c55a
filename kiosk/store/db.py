"""Connections with the storage rules applied, and the one way to run a read-then-write.

Every connection: WAL, `synchronous=FULL`, a busy timeout, foreign keys. Every read-then-write
runs in `BEGIN IMMEDIATE`, which takes the write lock up front: a plain `BEGIN` upgrades its lock
half-way and then fails with "database is locked" under concurrency, whatever the timeout.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

BUSY_TIMEOUT_MS = 10_000


class StoreError(Exception):
    """A database problem put in words a desk worker understands; `detail` keeps the technical cause."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def explain(error: BaseException) -> StoreError:
    """Translate an sqlite3 error into a StoreError with a plain sentence."""
    text = str(error).lower()
    if isinstance(error, StoreError):
        return error
    if "locked" in text or "busy" in text:
        message = "The database is busy (another desk holds it too long); nothing was saved. Try again."
    elif "readonly" in text or "read-only" in text:
        message = "The database file is read-only; nothing was saved. Ask the organiser to fix its permissions."
    elif "disk is full" in text or "full" in text:
        message = "The disk is full; nothing was saved. Ask the organiser to free space."
    elif "unable to open" in text:
        message = "The database file cannot be opened (is its folder missing?); nothing was saved."
    elif "malformed" in text or "not a database" in text or "corrupt" in text:
        message = "The database file is damaged; nothing was saved. Ask the organiser to restore a copy."
    else:
        message = "The database refused the change; nothing was saved."
    return StoreError(message, detail=str(error))


def connect(path: str | Path, *, create: bool = True) -> sqlite_utils.Database:
    """Open the database file with the storage rules applied; one per process and per thread."""
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(f"There is no database at {path}.")
    try:
        if create and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            # Attendee data: readable by its owner only, from the first byte on.
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves.
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            raise StoreError("The database cannot switch to WAL mode.", detail=mode)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error as error:
        raise explain(error) from error
    except OSError as error:
        # Creating the folder or file failed: a missing or read-only place, said in one sentence.
        raise StoreError(
            f"The database file cannot be created there ({(error.strerror or 'not allowed').lower()}); nothing was saved.",
            detail=str(error),
        ) from error
    return sqlite_utils.Database(conn)


@contextmanager
def immediate(db: sqlite_utils.Database) -> Iterator[sqlite3.Connection]:
    """Run the block in `BEGIN IMMEDIATE ... COMMIT`; roll back and raise StoreError on failure.

    Only when this block exits normally has the change been written (COMMIT returned).
    """
    conn = db.conn
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error as error:
        raise explain(error) from error
    try:
        yield conn
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        if isinstance(error, sqlite3.Error):
            raise explain(error) from error
        raise


def open_store(path: str | Path) -> sqlite_utils.Database:
    """Connect and bring the schema up to date: what every process does first."""
    from kiosk.store.schema import migrate

    db = connect(path)
    migrate(db)
    return db
