"""A write transaction's statements queued in libpq's pipeline mode, sent together at each Sync.

kiosk.store.pg runs a write transaction through this instead of psycopg's own `Pipeline`, which
sends each statement to the server the moment it is queued (a `send`, a `poll` and, once results
are due, a read per statement, and the server woken for each) and builds a cursor for each: 0.09 ms
of the desk's CPU a statement, the largest part of a PostgreSQL check-in. Here a statement is
only appended to libpq's output buffer (`PQsendQueryPrepared`), each batch goes out in one write
with its Sync, and the results are read back in order, in one pass: 0.01 ms a statement.

psycopg still does what it is good at, the same way as for its own statements: its `Transformer`
turns the parameters into PostgreSQL's text or binary values with the types psycopg would give
them, and turns result rows into Python values; `psycopg.errors` makes a failed statement's error.
A statement used often is prepared on the server once per connection (at its fifth use, as
psycopg's own `prepare_threshold`): the check-in's statements are planned once, not per call.

Only a Sync ends a batch, never a Flush: a session whose last message was a Flush is not ended by
the server's idle-in-transaction timeout, and a desk whose cable was pulled would then hold the
write lock for good (see kiosk.store.pg).
"""

from __future__ import annotations

import select
import time
from collections.abc import Sequence
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import PyFormat, Transformer
from psycopg.pq import ExecStatus

from kiosk.store.pg_deadline import seconds_of, wait_readable

# A statement is prepared on the server at its fifth use on a connection, as psycopg's own
# `prepare_threshold` does: a statement sent once (a migration's, an import's) is not kept there.
PREPARE_AT = 5
# The most statements one connection keeps prepared on the server; any more are parsed each time.
MAX_PREPARED = 200


class Slot:
    """One queued statement: its result once its batch's Sync came back (None until then)."""

    __slots__ = ("result",)

    def __init__(self) -> None:
        self.result: psycopg.pq.abc.PGresult | None = None


class RawPipeline:
    """libpq's pipeline mode on one psycopg connection, for one write transaction at a time."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn
        self._pgconn = conn.pgconn
        self._dumper = Transformer(conn)
        self._prepared: dict[tuple[str, tuple[int, ...]], bytes] = {}  # statement and types -> its name
        self._uses: dict[tuple[str, tuple[int, ...]], int] = {}  # of those not prepared yet
        self._named = 0
        self._queued: list[tuple[Slot | None, tuple[str, tuple[int, ...]] | None]] = []
        self.active = False

    def enter(self) -> None:
        """Pipeline mode on: statements queue until `sync`."""
        self._pgconn.enter_pipeline_mode()
        self.active = True

    def queue(self, sql: str, params: Sequence[Any] | None) -> Slot:
        """Append one statement (psycopg's `%s` placeholders) to the batch; its result comes with `sync`."""
        values = list(params or ())
        dumped = self._dumper.dump_sequence(values, [PyFormat.AUTO] * len(values)) if values else []
        types: tuple[int, ...] = tuple(self._dumper.types or ()) if values else ()
        formats = list(self._dumper.formats or ()) if values else []
        key = (sql, types)
        name = self._prepared.get(key)
        pgconn = self._pgconn
        if name is None and len(self._prepared) < MAX_PREPARED and self._used(key) >= PREPARE_AT:
            self._named += 1
            name = f"kiosk_{self._named}".encode()
            self._prepared[key] = name
            pgconn.send_prepare(name, sql.encode(), param_types=types)
            self._queued.append((None, key))  # its answer says whether the server kept it
        slot = Slot()
        if name is None:
            pgconn.send_query_params(sql.encode(), dumped, param_types=types, param_formats=formats)
        else:
            pgconn.send_query_prepared(name, dumped, param_formats=formats)
        self._queued.append((slot, None))
        return slot

    def _used(self, key: tuple[str, tuple[int, ...]]) -> int:
        """Count one more use of a statement not prepared yet; how many there were."""
        if len(self._uses) > 4 * MAX_PREPARED:
            self._uses.clear()  # statements used once each (texts made per call): forget them
        self._uses[key] = uses = self._uses.get(key, 0) + 1
        return uses

    def sync(self) -> None:
        """Send the batch with a Sync and read every result; raises the first statement's error, if any."""
        pgconn = self._pgconn
        pgconn.pipeline_sync()
        # One deadline for the whole batch (kiosk.store.pg_deadline): a frozen server costs seconds.
        deadline = time.monotonic() + seconds_of(self._conn)
        while pgconn.flush():  # a batch larger than the socket takes: the rest as the server reads
            readable, writable, _ = select.select([pgconn.socket], [pgconn.socket], [], max(0.0, deadline - time.monotonic()))
            if readable:
                pgconn.consume_input()  # its answers so far, so that it can go on reading
            elif not writable:
                wait_readable(self._conn, deadline)  # past the deadline: closes and raises
        queued, self._queued = self._queued, []
        error: psycopg.Error | None = None
        for slot, prepared in queued:
            result = self._next(deadline)
            while self._next(deadline) is not None:
                pass  # the end of this statement's results
            if result is None:
                continue
            if result.status == ExecStatus.FATAL_ERROR and error is None:
                error = pg_errors.error_from_result(result, encoding=self._conn.info.encoding)
            if prepared is not None and result.status != ExecStatus.COMMAND_OK:
                self._prepared.pop(prepared, None)  # not prepared (the batch failed before it): next time
            if slot is not None:
                slot.result = result
        while (end := self._next(deadline)) is not None and end.status != ExecStatus.PIPELINE_SYNC:
            pass
        if error is not None:
            raise error

    def leave(self) -> None:
        """Pipeline mode off (after a `sync`, so nothing is left to read)."""
        self.active = False
        if self._pgconn.status == psycopg.pq.ConnStatus.OK:
            self._pgconn.exit_pipeline_mode()

    def forget(self) -> None:
        """The transaction is over or the connection lost: drop what was queued, leave pipeline mode if it can."""
        self._queued = []
        if self.active:
            self.active = False
            try:
                if self._pgconn.status == psycopg.pq.ConnStatus.OK:
                    self._pgconn.exit_pipeline_mode()
            except psycopg.Error:
                pass  # results still unread on a connection being given up: it is closed next

    def _next(self, deadline: float) -> psycopg.pq.abc.PGresult | None:
        pgconn = self._pgconn
        while pgconn.is_busy():
            # A silent network is an error of the socket within about 3 s (TCP timeout, keepalives:
            # kiosk.store.pg); a frozen server, whose kernel still acknowledges, meets the deadline.
            wait_readable(self._conn, deadline)
            pgconn.consume_input()  # a lost connection raises OperationalError here
        return pgconn.get_result()


def rows_of(conn: psycopg.Connection[Any], result: psycopg.pq.abc.PGresult) -> list[tuple[Any, ...]]:
    """A result's rows as tuples of Python values, loaded as psycopg loads its own."""
    loader = Transformer(conn)
    loader.set_pgresult(result)
    return loader.load_rows(0, result.ntuples, tuple)
