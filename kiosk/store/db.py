"""Connections with the storage rules applied, and the one way to run a read-then-write.

A database is a SQLite file (a path) or a PostgreSQL database (a `postgresql://` URL,
kiosk.store.pg). The store's operations use one small interface of both (`Database`): `execute`,
`executemany`, `in_transaction` and `close`, in the SQL both speak with `?` placeholders.

Every connection: WAL, `synchronous=FULL`, a busy timeout, foreign keys. Every read-then-write
runs in `BEGIN IMMEDIATE`, which takes the write lock up front: a plain `BEGIN` upgrades its lock
half-way and then fails with "database is locked" under concurrency, whatever the timeout.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

BUSY_TIMEOUT_MS = 10_000

# A row as sqlite3 returns it: a tuple of SQLite values (str, int, float, bytes, None).
Row = tuple[Any, ...]


class Cursor(Protocol):
    """What the store reads from a statement: sqlite3's cursor, or kiosk.store.pg's."""

    @property
    def rowcount(self) -> int: ...
    @property
    def description(self) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Database(Protocol):
    """A connection as the store uses it: a sqlite3.Connection or a kiosk.store.pg.PgConnection."""

    @property
    def in_transaction(self) -> bool: ...
    def execute(self, sql: str, parameters: Any = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Any, /) -> Cursor: ...
    def close(self) -> None: ...


def is_postgres(db: Database) -> bool:
    """True for a PostgreSQL connection, where the few things that differ take their other branch."""
    return getattr(db, "backend", "sqlite") == "postgresql"


class _ReadRows:
    """A read's rows, taken at once: what `read_after_commit` hands back on SQLite."""

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self.description = cursor.description
        self.rowcount = cursor.rowcount
        self._rows = iter(cursor.fetchall())

    def fetchone(self) -> Any:
        """The next row, or None."""
        return next(self._rows, None)

    def fetchall(self) -> list[Any]:
        """The rows not taken yet."""
        return list(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return self._rows


def read_after_commit(db: Database, sql: str, params: Row = ()) -> Cursor:
    """A read sent inside a write transaction whose rows are taken once it has committed.

    PostgreSQL sends it in the transaction's last batch, with COMMIT: one round trip fewer. SQLite
    runs it now and keeps its rows: a statement left unfinished across COMMIT holds the
    connection's read snapshot, and SQLite then skips the checkpoint of that COMMIT, so the WAL
    of a long-lived connection would grow without end.
    """
    cursor = db.execute(sql, params)
    return cursor if is_postgres(db) else _ReadRows(cursor)  # type: ignore[arg-type]


def is_url(target: object) -> bool:
    """True when `target` names a PostgreSQL database rather than a SQLite file."""
    text = str(target)
    return text.startswith(("postgresql://", "postgres://", "service="))


def shown(target: object) -> str:
    """The database as a screen, a log or an error may name it: a URL without its password."""
    text = str(target)
    if not is_url(text):
        return text
    # user:password@ in a URL, and a password=... parameter (`?password=`, or libpq's key=value form).
    text = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", text)
    return re.sub(r"(password\s*=\s*)('[^']*'|[^&\s]*)", r"\1***", text)


class FaultKind(StrEnum):
    """What went wrong with the database, so each screen can say it in its own language."""

    BUSY = "busy"
    READONLY = "readonly"
    FULL = "full"
    MISSING = "missing"
    DAMAGED = "damaged"
    IO = "io"
    # A database server (PostgreSQL) and the network to it.
    UNREACHABLE = "unreachable"
    LOGIN = "login"
    NO_DATABASE = "no_database"
    LOST = "lost"
    # The server's login for this device may not read or write that table (kiosk.store.pg_roles).
    DENIED = "denied"
    OTHER = "other"


class StoreError(Exception):
    """A database problem put in words a desk worker understands; `detail` keeps the technical cause.

    `kind` names the fault (a FaultKind: busy, readonly, full, ...) so a screen can say
    it in the visitor's language; the message itself is the English sentence the CLI prints.
    """

    def __init__(self, message: str, detail: str = "", kind: FaultKind = FaultKind.OTHER) -> None:
        super().__init__(message)
        self.detail = detail
        self.kind = kind


# What a read or write may raise: callers outside the store catch these and show `explain(error)`.
StoreFault = (StoreError, sqlite3.Error)

MESSAGES: dict[FaultKind, str] = {
    FaultKind.BUSY: "The database is busy (another desk holds it too long); nothing was saved. Try again.",
    FaultKind.READONLY: "The database file is read-only; nothing was saved. Ask the organiser to fix its permissions.",
    FaultKind.FULL: "The disk is full; nothing was saved. Ask the organiser to free space.",
    FaultKind.MISSING: "The database file cannot be opened (is its folder missing?); nothing was saved.",
    FaultKind.DAMAGED: "The database file is damaged; nothing was saved. Ask the organiser to restore a copy.",
    FaultKind.IO: "The disk could not be read or written (disk I/O error); nothing was saved. "
          "Ask the organiser to check the disk or USB stick.",
    FaultKind.UNREACHABLE: "The database server cannot be reached (stopped, or the network is down); nothing was saved. "
          "Try again in a moment: the kiosk reconnects by itself.",
    FaultKind.LOGIN: "The database server refused the login (wrong user or password); nothing was saved. "
          "Ask the organiser.",
    FaultKind.NO_DATABASE: "The database server has no such database; nothing was saved. Ask the organiser.",
    FaultKind.LOST: "The connection to the database server was lost during the change; it may not have been saved. "
          "Scan again: nobody is counted twice.",
    FaultKind.DENIED: "This device's database login may not read or change that (permission denied); nothing was saved. "
          "Ask the organiser.",
    FaultKind.OTHER: "The database refused the change; nothing was saved.",
}


def explain(error: BaseException) -> StoreError:
    """Translate an sqlite3 (or OS) error into a StoreError with a plain sentence and its `kind`."""
    if isinstance(error, StoreError):
        return error
    text = str(error).lower()
    code = getattr(error, "sqlite_errorname", "") or ""
    if "locked" in text or "busy" in text or code.startswith("SQLITE_BUSY"):
        kind = FaultKind.BUSY
    elif "readonly" in text or "read-only" in text or code.startswith("SQLITE_READONLY"):
        kind = FaultKind.READONLY
    elif "full" in text or code == "SQLITE_FULL":
        kind = FaultKind.FULL
    elif "unable to open" in text or code.startswith("SQLITE_CANTOPEN"):
        kind = FaultKind.MISSING
    elif "malformed" in text or "not a database" in text or "corrupt" in text or code in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):
        kind = FaultKind.DAMAGED
    elif "disk i/o" in text or code.startswith("SQLITE_IOERR"):
        kind = FaultKind.IO
    else:
        kind = FaultKind.OTHER
    return StoreError(MESSAGES[kind], detail=str(error), kind=kind)


def connect(path: str | Path, *, create: bool = True, screen: bool = False, probes: bool = True) -> Any:
    """Open the database (a file, or a PostgreSQL URL) with the storage rules applied; one per process and thread.

    Typed Any: a sqlite3.Connection or a PgConnection, both used through `Database`. On PostgreSQL
    `screen` bounds each wait for an answer to a few seconds (a screen's or its worker's:
    kiosk.store.pg_deadline), and `probes=False` (the screen's own thread) to a second and a half,
    and never tries a server gone silent (kiosk.store.pg_silence).
    """
    if is_url(path):
        from kiosk.store.pg import connect_pg  # psycopg only for a URL: a SQLite desk never loads it

        return connect_pg(str(path), screen=screen, probes=probes)
    return connect_sqlite(path, create=create)


def connect_sqlite(path: str | Path, *, create: bool = True) -> sqlite3.Connection:
    """Open the SQLite file with the storage rules applied."""
    path = Path(path)
    if not create and not path.exists():
        raise StoreError(f"There is no database at {path}.", kind=FaultKind.MISSING)
    if not path.exists() and not path.parent.is_dir():
        # Never create the folder: a missing one is a typo or an unplugged drive, and a fresh empty
        # database there would check people in against nobody (or lose the day's scans on unplug).
        raise StoreError(
            f"The database file cannot be created there: the folder {path.parent} does not exist "
            "(a typo, or a drive not plugged in?). Check the path or create the folder first.",
            kind=FaultKind.MISSING,
        )
    try:
        if create and not path.exists():
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
        # As sqlite-utils sets it, with which organisers open this file: triggers behave alike there.
        conn.execute("PRAGMA recursive_triggers = ON")
    except sqlite3.Error as error:
        raise explain(error) from error
    except OSError as error:
        # Creating the folder or file failed: a missing or read-only place, said in one sentence.
        raise StoreError(
            f"The database file cannot be created there ({(error.strerror or 'not allowed').lower()}); nothing was saved.",
            detail=str(error),
            kind=FaultKind.MISSING,
        ) from error
    return conn


@contextmanager
def immediate(conn: Database, *, bulk: bool = False) -> Iterator[Database]:
    """Run the block in `BEGIN IMMEDIATE ... COMMIT` (PostgreSQL: BEGIN and the write lock); roll back on failure.

    Only when this block exits normally has the change been written (COMMIT returned). Failures
    are raised as StoreError. `bulk`: a whole-roster import or a purge, whose Python work between
    two statements may last seconds; on PostgreSQL the server then waits longer before it ends a
    quiet writer (kiosk.store.pg.WRITER_IDLE_TIMEOUT).
    """
    if is_postgres(conn):
        conn.begin_write(bulk=bulk)  # type: ignore[attr-defined]  # PgConnection's own first step
    else:
        assert isinstance(conn, sqlite3.Connection)
        try:
            _begin_immediate(conn)
        except sqlite3.Error as error:
            raise explain(error) from error
    try:
        if isinstance(conn, sqlite3.Connection):
            _still_there(conn)
        yield conn
        conn.execute("COMMIT")
    except BaseException as error:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except StoreFault:
                pass
        if isinstance(error, sqlite3.Error):
            raise explain(error) from error
        raise


def _begin_immediate(conn: sqlite3.Connection) -> None:
    """`BEGIN IMMEDIATE`, waiting for the write lock in short, jittered steps up to the busy timeout.

    SQLite's own busy handler sleeps in growing steps (up to 100 ms at a time), so with eight busy
    desks an unlucky one kept sleeping while the others took turns: its worst check-in took over
    half a second. Trying again every millisecond or so keeps each wait close to the real queue.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    conn.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                busy = getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY or "locked" in str(error)
                if not busy or time.monotonic() >= deadline:
                    raise
                time.sleep(random.uniform(0.0002, 0.0015))
    finally:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def _still_there(conn: sqlite3.Connection) -> None:
    """Refuse to write when the file was deleted (or its folder removed) under an open connection.

    SQLite keeps writing into a deleted file's inode, and all of it is lost when the process ends:
    a check-in must not be shown as done there. One stat per transaction.
    """
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    if path and not os.path.exists(path):
        raise StoreError(
            "The database file is gone from its folder (deleted, or the drive removed); nothing was saved. "
            "Ask the organiser.",
            detail=path,
            kind=FaultKind.MISSING,
        )


def check_integrity(db: Any) -> None:
    """Raise StoreError (damaged) unless `PRAGMA quick_check` finds the file sound.

    Run once when a kiosk starts, so a damaged file is reported before the first person is
    scanned rather than in the middle of the queue; it reads every page (about a second at
    100,000 attendees), which is why it is not run on every connection. A PostgreSQL server
    checks its own pages (and has no such statement).
    """
    if is_postgres(db):
        return
    try:
        rows = db.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.Error as error:
        raise explain(error) from error
    if [tuple(row) for row in rows] != [("ok",)]:
        raise StoreError(MESSAGES[FaultKind.DAMAGED], detail=str(rows[0][0]) if rows else "", kind=FaultKind.DAMAGED)


def open_store(path: str | Path) -> Any:
    """Connect and bring the schema up to date: what every process does first."""
    from kiosk.store.schema import migrate

    db = connect(path)
    migrate(db)
    return db
