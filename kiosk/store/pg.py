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
- faults: a psycopg error becomes a StoreError in one sentence (kiosk.store.pg_faults);
- timeouts: a dead server answers within about 3 seconds (connect, TCP and statement timeouts),
  and the next statement after a lost connection reconnects by itself.

psycopg is imported by this module only, and this module only when a `postgresql://` URL is
given, so a SQLite desk starts as fast as before.
"""

from __future__ import annotations

import re
import select
import threading
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg.pq import TransactionStatus

from kiosk.store import pg_silence
from kiosk.store.db import StoreError
from kiosk.store.pg_faults import explain_pg

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


@lru_cache(maxsize=4096)
def translate(sql: str, with_params: bool) -> tuple[str, tuple[int, ...] | None]:
    """The store's SQL in PostgreSQL's spelling, and how to order the parameters for it.

    `?` becomes `%s`; a numbered `?N` (SQLite's way to use one value twice) becomes `%s` too, and
    the second item lists which parameter each `%s` takes (None: as given). Cached by statement
    text: the store's statements are a few hundred constant strings.
    """
    out = _rewrite_idioms(sql)
    order: list[int] = []
    numbered = False

    def placeholder(match: re.Match[str]) -> str:
        nonlocal numbered
        if match.group(1):
            numbered = True
            order.append(int(match.group(1)) - 1)
        else:
            order.append(len(order))
        return "%s"

    parts = re.split(r"('(?:[^']|'')*')", out)  # string literals at the odd positions keep their ? and %
    for index, part in enumerate(parts):
        if with_params:
            part = part.replace("%", "%%")
            if index % 2 == 0:
                part = re.sub(r"\?(\d*)", placeholder, part)
        parts[index] = part
    return "".join(parts), tuple(order) if numbered else None


def _rewrite_idioms(sql: str) -> str:
    # Case-insensitive code look-up and name order: SQLite's NOCASE folds ASCII letters.
    sql = re.sub(r"([\w.]+) = \? COLLATE NOCASE", r"upper(\1) = upper(?)", sql)
    sql = re.sub(r"([\w.]+) COLLATE NOCASE", r"lower(\1)", sql)
    sql = re.sub(r"\binstr\(", "strpos(", sql)
    sql = re.sub(r"\bgroup_concat\(", "string_agg(", sql)
    return sql


def _no_nul(value: Any) -> Any:
    """A text value PostgreSQL can take: a NUL (which its text type cannot hold) as U+FFFD, the replacement character.

    psycopg refuses to send a NUL at all, which would fail a whole check-in over one hostile byte;
    the store keeps NULs out of what it writes (kiosk/store/scans.py), so this only turns a look-up
    of such text into one that finds nobody, as it finds nobody on SQLite.
    """
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value


class PgCursor:
    """The part of a sqlite3 cursor the store uses, over a psycopg cursor."""

    def __init__(self, cursor: psycopg.Cursor[Any]) -> None:
        self._cursor = cursor

    @property
    def rowcount(self) -> int:
        """Rows changed by the statement."""
        return self._cursor.rowcount

    @property
    def description(self) -> Any:
        """The columns of the result (name first, as sqlite3 gives them), or None."""
        return self._cursor.description

    def fetchone(self) -> Any:
        """The next row, or None."""
        return self._cursor.fetchone() if self._cursor.description else None

    def fetchall(self) -> list[Any]:
        """The remaining rows."""
        return self._cursor.fetchall() if self._cursor.description else []

    def __iter__(self) -> Iterator[Any]:
        return iter(self.fetchall())


class PgConnection:
    """One PostgreSQL connection with the store's rules, used as the store uses a sqlite3 one.

    Autocommit, like sqlite3 with isolation_level=None: a statement outside `immediate` is its own
    transaction, and `immediate` (kiosk.store.db) issues BEGIN and COMMIT itself. A connection the
    server dropped is opened again at the next statement outside a transaction.
    """

    backend = "postgresql"

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.RLock()
        self._conn: psycopg.Connection[Any] | None = None
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
        if not self.in_transaction:
            # A server that just timed out is not waited for again (kiosk/store/pg_silence.py). Never
            # inside a transaction: its statements, and its ROLLBACK, go to the server as they are.
            pg_silence.check(self.url)
        conn = self._conn
        if conn is not None and not conn.closed and not conn.broken and _said_goodbye(conn):
            conn.close()  # the server ended this session while it was idle (stopped, restarted): open afresh
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._open()
        assert self._conn is not None
        return self._conn

    @property
    def in_transaction(self) -> bool:
        """True between BEGIN and COMMIT or ROLLBACK (false on a connection that was lost)."""
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            return False
        return conn.info.transaction_status != TransactionStatus.IDLE

    def execute(self, sql: str, parameters: Sequence[Any] | dict[str, Any] = (), /) -> PgCursor:
        """Run one statement (the store's `?` placeholders) and return its cursor."""
        with self._lock:
            conn = self._live()
            in_transaction = self.in_transaction
            try:
                text, order = translate(sql, bool(parameters))
                if order is not None:
                    parameters = [parameters[i] for i in order]  # type: ignore[index]
                if isinstance(parameters, dict):
                    parameters = {key: _no_nul(value) for key, value in parameters.items()}
                elif parameters:
                    parameters = [_no_nul(value) for value in parameters]
                cursor = PgCursor(conn.execute(text, parameters or None))
            except psycopg.Error as error:
                raise self._fault(error, sql, in_transaction) from error
            pg_silence.heard(self.url)
            return cursor

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> PgCursor:
        """Run one statement for each parameter row (in one round trip per batch, pipelined)."""
        with self._lock:
            conn = self._live()
            in_transaction = self.in_transaction
            cursor = conn.cursor()
            try:
                text, order = translate(sql, True)
                rows = [[_no_nul(row[i]) for i in (range(len(row)) if order is None else order)] for row in parameters]
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
            conn = self._live()
            try:
                with conn.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            except psycopg.Error as error:
                raise explain_pg(error) from error

    def begin_write(self, *, bulk: bool = False) -> None:
        """BEGIN and take the one write lock: kiosk.store.db.immediate's first step here."""
        self.execute("BEGIN")
        idle = BULK_IDLE_TIMEOUT if bulk else WRITER_IDLE_TIMEOUT
        try:
            self.execute(f"SELECT pg_advisory_xact_lock({WRITE_LOCK}), "
                         f"set_config('idle_in_transaction_session_timeout', '{idle}', true)")
        except BaseException:
            # Not yet inside `immediate`'s block, which rolls back: without this a lock wait that
            # timed out left the connection in a failed transaction, refusing every later scan.
            if self.in_transaction:
                try:
                    self.execute("ROLLBACK")
                except Exception:  # noqa: BLE001 - the rollback's own fault: the first one is the one to say
                    pass
            raise

    def password_verifier(self, password: str, role: str) -> str:
        """libpq's SCRAM-SHA-256 verifier of `password` for `role`: ALTER ROLE then never carries the clear text."""
        with self._lock:
            verifier: bytes = self._live().pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256")
            return verifier.decode()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        if self._conn is not None:
            self._conn.close()


def _said_goodbye(conn: psycopg.Connection[Any]) -> bool:
    """True when an idle connection's server has ended it: a statement sent now would fail as "lost".

    A server that stops or restarts sends each idle session a FATAL message and closes it; that
    sits unread in the socket until the next statement, which then fails although nothing was
    sent yet. One zero-timeout poll (microseconds) finds it. Anything else unread on an idle
    connection (a notice) is consumed, and the connection stays.
    """
    if conn.info.transaction_status != TransactionStatus.IDLE:
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
