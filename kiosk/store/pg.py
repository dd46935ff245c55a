"""PostgreSQL for a venue of several machines: the connection, its SQL dialect and its faults.

The store's operations are written once, in the SQL both databases speak, against the small
connection interface of kiosk.store.db (`execute`, `executemany`, `in_transaction`, `close`).
What truly differs for PostgreSQL lives here, in one place:

- placeholders: the store writes `?`, psycopg wants `%s` (and a literal `%` doubled);
- a few idioms (`COLLATE NOCASE`, `instr`, `group_concat`), rewritten once per statement text;
- locking: every read-then-write starts with one transaction-scoped advisory lock
  (`pg_advisory_xact_lock`), the same single-writer rule SQLite's `BEGIN IMMEDIATE` gives: a
  check-in's reads and its writes see one state, seats are counted with nobody else counting, and
  with one lock taken first in every writer no "deadlock detected" can happen;
- round trips: a write transaction runs in libpq's pipeline mode (`PgConnection` below), so the
  statements whose results nobody has read yet go to the server together with the next one that
  is read: each round trip costs 0.15-0.3 ms, a check-in's whole work on the server about as much;
- faults: a psycopg error becomes a StoreError in one sentence (kiosk.store.pg_faults);
- timeouts: a dead server answers within about 3 seconds (connect, TCP and statement timeouts),
  and the next statement after a lost connection reconnects by itself.

psycopg is imported by this module only, and this module only when a `postgresql://` URL is
given, so a SQLite desk starts as fast as before.
"""

from __future__ import annotations

import select
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg.pq import ExecStatus, TransactionStatus

from kiosk.store import pg_silence
from kiosk.store.db import StoreError
from kiosk.store.pg_faults import explain_pg
from kiosk.store.pg_sql import no_nul, translate

# The one advisory lock every writer takes first (a constant of our own: "kiosk" in ASCII).
WRITE_LOCK = 0x6B696F736B

# Defaults a URL may override: a dead server is noticed in about 2 seconds, never a hang. The
# screen waiting on it is frozen for that long (the first keystroke after a cable was pulled), so
# libpq's shortest connect timeout (2 s) and the same for unacknowledged data.
CONNECT_DEFAULTS = {
    "connect_timeout": "2",
    # Unacknowledged data (a scan sent into a pulled cable) fails the connection after 2 s ...
    "tcp_user_timeout": "2000",
    # ... and an idle one whose server vanished is found by keepalives within about 3 s.
    "keepalives": "1",
    "keepalives_idle": "1",
    "keepalives_interval": "1",
    "keepalives_count": "2",
    "application_name": "netwerkdag-kiosk",
}
# A statement that takes longer than this is stopped, so a screen never waits on a stuck server.
# Long enough for `kiosk report` and exports at 100,000 attendees.
STATEMENT_TIMEOUT_MS = 15_000
# A writer that goes quiet this long inside its transaction is ended by the server (its write
# lock freed): a desk whose cable was pulled mid-scan would otherwise hold every desk's writes
# until the server noticed the dead connection (hours: the server's own TCP keepalive). Set for
# write transactions only (SET LOCAL), so a long read snapshot (`kiosk db copy`) is not cut off.
WRITER_IDLE_TIMEOUT = "5s"
# The same for a bulk write (`immediate(db, bulk=True)`: an import of 100,000 attendees, a purge),
# whose Python work between two statements takes seconds; found cutting off a 100k import at 5 s.
BULK_IDLE_TIMEOUT = "5min"


class PgCursor:
    """The part of a sqlite3 cursor the store uses, over a psycopg cursor (None: a statement never sent).

    A statement of a write transaction is queued (pipeline mode): reading it, `sync` sends what is
    queued and waits for all of it. `fault` turns a server's error that comes then into the
    store's StoreError.
    """

    def __init__(self, cursor: psycopg.Cursor[Any] | None,
                 fault: Callable[[psycopg.Error], StoreError] | None = None,
                 sync: Callable[[], None] | None = None) -> None:
        self._cursor = cursor
        self._fault = fault
        self._sync = sync

    @property
    def rowcount(self) -> int:
        """Rows changed by the statement."""
        return cursor.rowcount if (cursor := self._results()) is not None else -1

    @property
    def description(self) -> Any:
        """The columns of the result (name first, as sqlite3 gives them), or None."""
        return cursor.description if (cursor := self._results()) is not None else None

    def fetchone(self) -> Any:
        """The next row, or None."""
        cursor = self._rows()
        return self._read(cursor.fetchone) if cursor is not None else None

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        cursor = self._rows()
        return list(self._read(cursor.fetchall)) if cursor is not None else []

    def _results(self) -> psycopg.Cursor[Any] | None:
        if self._cursor is not None and self._cursor.pgresult is None and self._sync is not None:
            self._read(self._sync)  # queued: its results (and those queued before it), now
        return self._cursor

    def _rows(self) -> psycopg.Cursor[Any] | None:
        """The cursor when its statement returned rows (asked of the result: psycopg's description is built anew each time)."""
        cursor = self._results()
        result = cursor.pgresult if cursor is not None else None
        return cursor if result is not None and result.status == ExecStatus.TUPLES_OK else None

    def _read(self, read: Callable[[], Any]) -> Any:
        try:
            return read()
        except psycopg.Error as error:
            if self._fault is None:
                raise
            raise self._fault(error) from error

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """One PostgreSQL connection with the store's rules, used as the store uses a sqlite3 one.

    Autocommit, like sqlite3 with isolation_level=None: a statement outside `immediate` is its own
    transaction, and `immediate` (kiosk.store.db) issues BEGIN and COMMIT itself. A connection the
    server dropped is opened again at the next statement outside a transaction.

    A write transaction whose first statement has parameters runs in pipeline mode: BEGIN and the
    write lock are queued with that statement, and every statement is queued until one is read
    (`PgCursor`), which sends them all and waits for their results with one Sync: a check-in's
    INSERT, presence and answer are one round trip. The pipeline is left only with COMMIT or
    ROLLBACK, in their round trip. Never left or read in between: psycopg sends a Flush after the
    Sync when it leaves a pipeline, and a session whose last message was a Flush is not ended by
    the idle timeout below: a desk whose cable was pulled then held the write lock for good.
    A transaction started with a statement without parameters (a migration's scripts) or a bulk
    one (COPY, batches) sends BEGIN and the lock on their own and runs as before.
    """

    backend = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None
        # The write lock `begin_write` asked for, sent with BEGIN before the transaction's first statement.
        self._opening: str | None = None
        self._bulk = False
        self._pipe: AbstractContextManager[psycopg.Pipeline] | None = None  # this write transaction's pipeline
        self._pipeline: psycopg.Pipeline | None = None
        self._open()

    def _open(self) -> None:
        params = pg_conninfo.conninfo_to_dict(self.url)
        for key, value in CONNECT_DEFAULTS.items():
            params.setdefault(key, value)
        params.setdefault("options", f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")
        try:
            self._conn = psycopg.connect(pg_conninfo.make_conninfo("", **params), autocommit=True)
        except psycopg.Error as error:
            raise self._fault(error) from error
        pg_silence.heard(self.url)

    def _fault(self, error: psycopg.Error, sql: str | None = None, in_transaction: bool = False) -> StoreError:
        """The StoreError for `error`; a timeout (a silent network) makes the next statements fail at once."""
        if pg_silence.is_timeout(error):
            pg_silence.timed_out(self.url)
        return explain_pg(error, sql, in_transaction)

    def _live(self) -> psycopg.Connection[Any]:
        if self._conn is not None and self._server_transaction():
            return self._conn  # inside a transaction its statements, and its ROLLBACK, go as they are
        # A server that just timed out is not waited for again (kiosk/store/pg_silence.py).
        pg_silence.check(self.url)
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken and _said_goodbye(conn):
            conn.close()  # the server ended this session while it was idle (stopped, restarted): open afresh
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._drop_pipeline()
            self._open()
        assert self._conn is not None
        return self._conn

    @property
    def in_transaction(self) -> bool:
        """True between BEGIN and COMMIT or ROLLBACK (false on a connection that was lost)."""
        return self._opening is not None or self._server_transaction()

    def _server_transaction(self) -> bool:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            return False
        return conn.pgconn.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = (), /) -> PgCursor:
        """Run one statement (the store's `?` placeholders) and return its cursor."""
        with self._lock:
            ending = len(sql) < 12 and sql.strip().upper() in ("COMMIT", "ROLLBACK")
            if self._opening is not None and ending:
                self._opening = None  # nothing was sent since BEGIN: there is nothing to end
                return PgCursor(None)
            if self._opening is not None and (not parameters or self._bulk):
                self._send_opening()  # a statement without parameters may be a script, which pipeline mode refuses
            elif self._pipeline is not None and not parameters and ";" in sql:
                self._sync_and_leave()
            conn = self._live()
            in_transaction = self.in_transaction
            try:
                text, order = translate(sql, bool(parameters))
                if order is not None:
                    parameters = [parameters[i] for i in order]  # type: ignore[index]
                if isinstance(parameters, dict):
                    parameters = {key: no_nul(value) for key, value in parameters.items()}
                elif parameters:
                    parameters = [no_nul(value) for value in parameters]
                if self._opening is not None:
                    self._enter_pipeline(conn)
                queued = self._pipeline is not None
                cursor = conn.execute(text, parameters or None)
                if queued and ending:
                    self._leave_pipeline()  # COMMIT or ROLLBACK, the Sync and their answer: one round trip
            except psycopg.Error as error:
                if ending or not self._server_transaction():
                    self._drop_pipeline()
                raise self._fault(error, sql, in_transaction) from error
            pg_silence.heard(self.url)
            if queued and not ending:
                return PgCursor(cursor, lambda error: self._fault(error, sql, True), self._sync)
            return PgCursor(cursor)

    def _send_opening(self) -> None:
        """BEGIN and the write lock now, in one round trip of their own (a fault: `immediate` rolls back)."""
        opening, self._opening = self._opening, None
        self.execute(f"BEGIN; {opening}")

    def _enter_pipeline(self, conn: psycopg.Connection[Any]) -> None:
        """Pipeline mode for this write transaction, with BEGIN and the write lock queued first."""
        opening, self._opening = self._opening, None
        self._pipe = conn.pipeline()
        self._pipeline = self._pipe.__enter__()
        conn.execute("BEGIN")
        conn.execute(opening or "SELECT 1")

    def _sync(self) -> None:
        """Send what is queued with a Sync and wait for all of its results (never a Flush: see the class)."""
        with self._lock:
            if self._pipeline is not None:
                try:
                    self._pipeline.sync()
                except psycopg.Error:
                    if not self._server_transaction():
                        self._drop_pipeline()  # the connection was lost: no ROLLBACK will leave it
                    raise

    def _leave_pipeline(self) -> None:
        """Leave pipeline mode (a Sync, then psycopg's Flush): after COMMIT or ROLLBACK, or before a script or COPY."""
        pipe, self._pipe, self._pipeline = self._pipe, None, None
        if pipe is not None:
            pipe.__exit__(None, None, None)

    def _sync_and_leave(self) -> None:
        try:
            self._sync()
            self._leave_pipeline()
        except psycopg.Error as error:
            self._drop_pipeline()
            raise self._fault(error, "SELECT", True) from error

    def _drop_pipeline(self) -> None:
        """Forget the pipeline of a transaction that is over, or of a connection that was lost."""
        try:
            self._leave_pipeline()
        except psycopg.Error:
            pass  # the fault that ended it is the one to say

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> PgCursor:
        """Run one statement for each parameter row (in one round trip per batch, pipelined)."""
        with self._lock:
            if self._opening is not None:
                self._send_opening()
            conn = self._live()  # in pipeline mode psycopg sends the batch as a nested pipeline
            in_transaction = self.in_transaction
            cursor = conn.cursor()
            try:
                text, order = translate(sql, True)
                rows = [[no_nul(row[i]) for i in (range(len(row)) if order is None else order)] for row in parameters]
                cursor.executemany(text, rows)
            except psycopg.Error as error:
                raise self._fault(error, sql, in_transaction) from error
            pg_silence.heard(self.url)
            return PgCursor(cursor)

    def copy_rows(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], /) -> None:
        """Load rows into `table` with COPY (`kiosk db copy`): about twice as fast as the same INSERTs.

        `table` and `columns` are the schema's own names, never user text.
        """
        names = ", ".join(f'"{column}"' for column in columns)
        with self._lock:
            if self._opening is not None:
                self._send_opening()
            elif self._pipeline is not None:
                self._sync_and_leave()  # COPY cannot run in pipeline mode
            conn = self._live()
            try:
                with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            except psycopg.Error as error:
                raise explain_pg(error) from error

    def begin_write(self, *, bulk: bool = False) -> None:
        """BEGIN and take the one write lock: kiosk.store.db.immediate's first step here.

        Both go to the server with the transaction's first statement, in its round trip: the lock
        is held before that statement runs, as if they had been sent on their own.
        """
        idle = BULK_IDLE_TIMEOUT if bulk else WRITER_IDLE_TIMEOUT
        opening = (f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), "
                   f"set_config('idle_in_transaction_session_timeout', '{idle}', true)")
        with self._lock:
            if self.in_transaction:
                # Inside a transaction already: the lock again (the server only warns about the BEGIN), now.
                self.execute("BEGIN")
                self.execute(opening)
                return
            self._opening, self._bulk = opening, bulk

    def password_verifier(self, password: str, role: str) -> str:
        """libpq's SCRAM-SHA-256 verifier of `password` for `role`: ALTER ROLE then never carries the clear text."""
        with self._lock:
            verifier: bytes = self._live().pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
            return verifier.decode()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        self._opening = None
        with self._lock:
            self._drop_pipeline()
        if self._conn is not None:
            self._conn.close()


def _said_goodbye(conn: psycopg.Connection[Any]) -> bool:
    """True when an idle connection's server has ended it: a statement sent now would fail as "lost".

    A server that stops or restarts sends each idle session a FATAL message and closes it; that
    sits unread in the socket until the next statement, which then fails although nothing was
    sent yet. One zero-timeout poll (microseconds) finds it. Anything else unread on an idle
    connection (a notice) is consumed, and the connection stays.
    """
    if conn.pgconn.transaction_status != TransactionStatus.IDLE:
        return False
    try:
        # The FATAL message and the end of the stream may come as two reads: look a few times.
        for _look in range(4):
            readable, _, _ = select.select([conn.fileno()], [], [], 0)
            if not readable:
                break
            conn.pgconn.consume_input()
    except (OSError, ValueError, psycopg.Error):
        return True
    return conn.broken


def connect_pg(url: str) -> PgConnection:
    """Open a connection to the PostgreSQL database that `url` names."""
    return PgConnection(url)
