"""A bound on every wait for a PostgreSQL server's answer: a frozen server costs a screen seconds, not minutes.

A server that is frozen (its processes stopped, a VM paused, a disk that hangs, a machine deep in
swap) still has a kernel that acknowledges TCP: neither `tcp_user_timeout` nor the keepalives
fire, the server's own `statement_timeout` never runs, and a cancel request would go to the same
frozen postmaster. Without a bound of the client's own, a look-up on the desk's screen thread
waited until the server woke up (about 90 s in a real terminal, clock and keys stopped).

So every wait for an answer has a deadline here, in the thread that waits, with no thread or timer
per statement: psycopg's own waits through `BoundedConnection.wait` (psycopg's timeout, which its
C wait loop keeps anyway), the write pipeline's through `wait_readable` (one clock read per batch).
When the deadline passes, the connection is closed (its state is unknown: an answer may still
come) and `Unanswered` is raised, which says "timed out" (kiosk.store.pg_silence: the next
statements fail at once for a moment) and "the connection is lost" (kiosk.store.pg_faults: a
COMMIT that went out may have been saved; the offline desk answers it under the same nonce, and
the upload finds it on the server if it was).

The bound is `ANSWER_SECONDS` for any connection (longer than the server's statement timeout, so a
report at 100,000 attendees still runs), `SCREEN_SECONDS` for the connections the app's workers use
and `SCREEN_THREAD_SECONDS` for the screen's own thread (kiosk/ui/context.py), whose statements take
milliseconds.
"""

from __future__ import annotations

import select
import time
from typing import Any, TypeVar

import psycopg
from psycopg import errors as pg_errors
from psycopg.abc import PQGen

RV = TypeVar("RV")

# Any connection: the server's statement timeout (kiosk.store.pg, 15 s) and then some, so the
# server's own timeout (which it says in words) comes first whenever the server is alive.
ANSWER_SECONDS = 20.0
# A screen's workers' connections: a desk worker waits this long at most, then the desk answers
# from its copy (kiosk.store.offline_switch) ...
SCREEN_SECONDS = 3.0
# ... and the screen's own thread (its look-ups take milliseconds; over a second is already "slow",
# kiosk.domain.link_rules): its clock and keys stop this long at most, once, then the copy answers.
SCREEN_THREAD_SECONDS = 1.5
# psycopg's own interval between two looks at a wait (its connection's default).
_INTERVAL = 0.1


class Unanswered(psycopg.OperationalError):
    """The server did not answer within the deadline; the connection was closed."""


def unanswered(seconds: float) -> Unanswered:
    """The error for a wait that passed its deadline (words kiosk.store.pg_silence and pg_faults read)."""
    return Unanswered(f"the server did not answer within {seconds:g} s (timed out): the connection is lost")


class BoundedConnection(psycopg.Connection[Any]):
    """psycopg's connection whose every wait for the server ends after `answer_seconds`.

    A wait given its own timeout (LISTEN's `notifies(timeout=...)`) keeps it, and its timeout stays
    psycopg's own (no answer is missing there: nothing was asked).
    """

    answer_seconds: float = ANSWER_SECONDS

    def wait(self, gen: PQGen[RV], interval: float = _INTERVAL, timeout: float | None = None) -> RV:
        """psycopg's wait, with the deadline when none was given; past it, the connection is closed."""
        if timeout is not None:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, self.answer_seconds)
        except pg_errors._WaitTimeout:  # noqa: SLF001  # psycopg's own timeout of this wait
            self.close()
            raise unanswered(self.answer_seconds) from None


def wait_readable(conn: psycopg.Connection[Any], deadline: float) -> None:
    """Wait until the connection's socket has something to read, or close it and raise Unanswered at `deadline`."""
    remaining = deadline - time.monotonic()
    if remaining > 0 and select.select([conn.pgconn.socket], [], [], remaining)[0]:
        return
    seconds = seconds_of(conn)
    conn.close()
    raise unanswered(seconds)


def seconds_of(conn: psycopg.Connection[Any]) -> float:
    """How long `conn` waits for an answer."""
    return conn.answer_seconds if isinstance(conn, BoundedConnection) else ANSWER_SECONDS
