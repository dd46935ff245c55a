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
- round trips: a write transaction runs in libpq's pipeline mode (`PgConnection` below,
  kiosk/store/pg_pipeline.py), so the statements whose results nobody has read yet go to the
  server together with the next one that is read, or with COMMIT: each round trip costs 0.15-0.3
  ms, a check-in's whole work on the server about as much;
- faults: a psycopg error becomes a StoreError in one sentence (kiosk.store.pg_faults);
- timeouts: a dead server answers within about 3 seconds (connect, TCP and statement timeouts), a
  frozen one meets a deadline on every wait (pg_deadline); a lost connection reconnects by itself.

psycopg is imported by this module only, and this module only when a `postgresql://` URL is
given, so a SQLite desk starts as fast as before.
"""

from __future__ import annotations

import select
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg.pq import ExecStatus, TransactionStatus

from kiosk.store import pg_sessions, pg_silence
from kiosk.store.db import StoreError
from kiosk.store.pg_deadline import ANSWER_SECONDS, SCREEN_SECONDS, SCREEN_THREAD_SECONDS, BoundedConnection
from kiosk.store.pg_faults import explain_pg
from kiosk.store.pg_pipeline import RawPipeline, Slot, rows_of
from kiosk.store.pg_sql import no_nul, numbered, translate

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

    A statement of a write transaction is queued instead (`slot`, kiosk.store.pg_pipeline):
    reading it, `sync` sends what is queued and waits for all of it, and its rows are loaded from
    its result. `fault` turns a server's error that comes then into the store's StoreError.
    """

    def __init__(self, cursor: psycopg.Cursor[Any] | None, fault: Callable[[psycopg.Error], StoreError] | None = None,
                 sync: Callable[[], None] | None = None, slot: tuple[Slot, psycopg.Connection[Any]] | None = None) -> None:
        self._cursor = cursor
        self._fault = fault
        self._sync = sync
        self._slot = slot
        self._rows: Iterator[Any] | None = None

    @property
    def rowcount(self) -> int:
        """Rows changed by the statement."""
        if self._slot is None:
            return self._cursor.rowcount if self._cursor is not None else -1
        result = self._result()
        return result.command_tuples if result is not None and result.command_tuples is not None else -1

    @property
    def description(self) -> Any:
        """The columns of the result (name first, as sqlite3 gives them), or None."""
        if (result := self._result()) is None or result.status != ExecStatus.TUPLES_OK:
            return None
        return [((result.fname(i) or b"").decode(), None, None, None, None, None, None) for i in range(result.nfields)]

    def fetchone(self) -> Any:
        """The next row, or None."""
        return next(self._loaded(), None)

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return list(self._loaded())

    def _result(self) -> psycopg.pq.abc.PGresult | None:
        """The statement's result; a queued one's after a Sync if it has not come yet."""
        if self._slot is None:
            return self._cursor.pgresult if self._cursor is not None else None
        slot, _conn = self._slot
        if slot.result is None and self._sync is not None:
            self._read(self._sync)  # its result (and those of the statements queued before it), now
        return slot.result

    def _loaded(self) -> Iterator[Any]:
        """The rows not fetched yet (loaded once, as psycopg loads its own)."""
        if self._rows is None:
            result = self._result()
            rows: list[Any] = []
            if result is not None and result.status == ExecStatus.TUPLES_OK:
                # psycopg's cursor loads its own (psycopg asked of the result: its description is built anew each time).
                rows = self._read(self._cursor.fetchall) if self._slot is None else rows_of(self._slot[1], result)  # type: ignore[union-attr]
            self._rows = iter(rows)
        return self._rows

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

    A write transaction whose first statement has parameters runs in pipeline mode
    (kiosk.store.pg_pipeline): BEGIN and the write lock are queued with that statement, and every
    statement is queued until one is read (`PgCursor`), which sends them all and waits for their
    results with one Sync. COMMIT or ROLLBACK goes with what is still unread and leaves the
    pipeline: a check-in's INSERT, presence, answer and COMMIT are one round trip, the answer read
    once COMMIT returned. Each batch ends with a Sync, never a Flush, after which the server's idle
    timeout below would no longer end a desk whose cable was pulled. A transaction started with a
    statement without parameters (a migration's scripts) or a bulk one (COPY, batches) sends BEGIN
    and the lock on their own and runs as before.
    """

    backend = "postgresql"

    def __init__(self, url: str, answer_seconds: float = ANSWER_SECONDS, probes: bool = True) -> None:
        self.url, self.answer_seconds, self.probes = url, answer_seconds, probes  # see pg_deadline, pg_silence
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None
        # The write lock `begin_write` asked for, sent with BEGIN before the transaction's first statement.
        self._opening: str | None = None
        self._bulk = False
        self._pipeline: RawPipeline | None = None  # the connection's; active in a pipelined write transaction
        self._pid = 0  # its server process (kiosk.store.pg_sessions)
        pg_silence.check(url, probes)  # a server that went silent a moment ago is not waited for again
        self._open()

    def _open(self) -> None:
        params = pg_conninfo.conninfo_to_dict(self.url)
        for key, value in CONNECT_DEFAULTS.items():
            params.setdefault(key, value)
        params.setdefault("options", f"-c statement_timeout={STATEMENT_TIMEOUT_MS}")
        pg_sessions.closed(self._pid)
        try:
            self._conn = BoundedConnection.connect(pg_conninfo.make_conninfo("", **params), autocommit=True)
        except psycopg.Error as error:
            raise self._fault(error) from error
        self._conn.answer_seconds = self.answer_seconds
        self._pid = self._conn.info.backend_pid
        pg_sessions.opened(self._pid)  # its commits' notifications are this process's own
        self._pipeline = RawPipeline(self._conn)  # its prepared statements are this session's
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
        pg_silence.check(self.url, self.probes)
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
            if self._opening is not None and (not parameters or self._bulk or isinstance(parameters, dict)):
                self._send_opening()  # a statement without parameters may be a script, which pipeline mode refuses
            elif self._piped() and ((not parameters and ";" in sql) or isinstance(parameters, dict)):
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
                    self._enter_pipeline()
                if self._pipeline is not None and self._pipeline.active and not isinstance(parameters, dict):
                    slot = self._pipeline.queue(numbered(text) if parameters else text, parameters or None)
                    if ending:
                        self._pipeline.sync()  # COMMIT or ROLLBACK with what is unread, and the Sync: one round trip
                        self._pipeline.leave()
                    pg_silence.heard(self.url)
                    return PgCursor(None, lambda error: self._fault(error, sql, True), self._sync, (slot, conn))
                cursor = conn.execute(text, parameters or None)
            except psycopg.Error as error:
                if ending or not self._server_transaction():
                    self._drop_pipeline()
                raise self._fault(error, sql, in_transaction) from error
            pg_silence.heard(self.url)
            return PgCursor(cursor)

    def _piped(self) -> bool:
        return self._pipeline is not None and self._pipeline.active

    def _send_opening(self) -> None:
        """BEGIN and the write lock now, in one round trip of their own (a fault: `immediate` rolls back)."""
        opening, self._opening = self._opening, None
        self.execute(f"BEGIN; {opening}")

    def _enter_pipeline(self) -> None:
        """Pipeline mode for this write transaction, with BEGIN and the write lock queued first."""
        opening, self._opening = self._opening, None
        assert self._pipeline is not None
        self._pipeline.enter()
        self._pipeline.queue("BEGIN", None)
        self._pipeline.queue(opening or "SELECT 1", None)

    def _sync(self) -> None:
        """Send what is queued with a Sync and wait for all of its results (never a Flush: see the class)."""
        with self._lock:
            if self._piped():
                assert self._pipeline is not None
                try:
                    self._pipeline.sync()
                except psycopg.Error:
                    if not self._server_transaction():
                        self._drop_pipeline()  # the connection was lost: no ROLLBACK will leave it
                    raise

    def _sync_and_leave(self) -> None:
        """Before a script, COPY or a batch, which pipeline mode refuses: what is queued, then pipeline mode off."""
        try:
            self._sync()
            if self._pipeline is not None:
                self._pipeline.leave()
        except psycopg.Error as error:
            self._drop_pipeline()
            raise self._fault(error, "SELECT", True) from error

    def _drop_pipeline(self) -> None:
        """Forget the pipeline of a transaction that is over, or of a connection that was lost."""
        if self._pipeline is not None:
            self._pipeline.forget()

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> PgCursor:
        """Run one statement for each parameter row (in one round trip per batch, pipelined)."""
        with self._lock:
            if self._opening is not None:
                self._send_opening()
            elif self._piped():
                self._sync_and_leave()  # psycopg sends the batch in a pipeline of its own
            conn = self._live()
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
            elif self._piped():
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
        pg_sessions.closed(self._pid)


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


def connect_pg(url: str, *, screen: bool = False, probes: bool = True) -> PgConnection:
    """Open a connection to `url`'s database; `screen`: a screen's (not `probes`) or its worker's: short waits (pg_deadline)."""
    return PgConnection(url, ANSWER_SECONDS if not screen else SCREEN_SECONDS if probes else SCREEN_THREAD_SECONDS, probes)
