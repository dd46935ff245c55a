"""The desk's (and the door's) writes, queued: every scan and undo runs once, in the order it was made.

A scanner can deliver the next code while the last one is still being written. Each submission
becomes a job with its own nonce (taken when Enter was pressed, so a retry never doubles it);
jobs wait in a FIFO and one worker thread at a time drains it, so answers come back in order.
No Textual here: the screen starts the worker, this module only orders and runs the store calls.
`OrderedJobs` takes any job type (the door queues its own jobs, see kiosk/ui/screens/door.py).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from kiosk.domain.outcomes import ScanResult
from kiosk.store.scans import VENUE, new_nonce, record_scan, undo_scan
from kiosk.store.undo import UndoHeld, undo_last


@dataclass
class ScanJob:
    """Check a code in (or out): the one code path, `record_scan`."""

    code: str
    direction: str = "entry"
    at: dt.datetime | None = None
    nonce: str = field(default_factory=new_nonce)

    def run(self, db: sqlite3.Connection, *, now: dt.datetime, device: str) -> ScanResult:
        """Record the scan (at the moment Enter was pressed, when known); the result is after COMMIT."""
        return record_scan(db, self.code, now=self.at or now, device=device, direction=self.direction,
                           nonce=self.nonce)


@dataclass
class UndoJob:
    """Annul one scan (confirmed by staff), or Ctrl+Z: this desk's last one, as the undo rules allow.

    With `scan_id` (picked in F9 or confirmed after Ctrl+Z asked) the scan is annulled; without it
    `undo_last` judges this desk's newest undoable scan (kiosk/domain/undo_rules.py) and may hold
    it back, writing nothing, for the desk to ask about or refuse.
    """

    scan_id: int | None = None
    at: dt.datetime | None = None
    nonce: str = field(default_factory=new_nonce)

    def run(self, db: sqlite3.Connection, *, now: dt.datetime, device: str) -> ScanResult | UndoHeld:
        """Append the undo; returns its result (UNDO or NOTHING_TO_UNDO), or the held target."""
        # The desk undoes check-ins and check-outs at the venue, never a door's room scan.
        if self.scan_id is None:
            return undo_last(db, now=self.at or now, device=device, list_=VENUE, nonce=self.nonce)
        return undo_scan(db, now=self.at or now, device=device, scan_id=self.scan_id, nonce=self.nonce, list_=VENUE)


Job = ScanJob | UndoJob
# Any queued job: the desk's `Job`, or the door's own job types.
J = TypeVar("J")
R = TypeVar("R")


class OrderedJobs(Generic[J]):
    """A thread-safe FIFO that guarantees at most one drainer at a time.

    `put` returns True when the caller must start a drainer (none is running); the drainer calls
    `take` until it returns None, which also marks it finished, under the same lock, so a job put
    at that very moment is never left behind.
    """

    def __init__(self) -> None:
        self._pending: deque[J] = deque()
        self._lock = threading.Lock()
        self._busy = False

    def put(self, job: J) -> bool:
        """Queue a job; True when no drainer is running and one must be started."""
        with self._lock:
            self._pending.append(job)
            if self._busy:
                return False
            self._busy = True
            return True

    def take(self) -> J | None:
        """The next job, or None (and the drainer is then considered finished)."""
        with self._lock:
            if self._pending:
                return self._pending.popleft()
            self._busy = False
            return None

    @property
    def busy(self) -> bool:
        """True while a drainer is at work or jobs wait."""
        with self._lock:
            return self._busy or bool(self._pending)

    def drain(self, run: Callable[[J], R], done: Callable[[J, R], None],
              failed: Callable[[J, Exception], None]) -> None:
        """Run every queued job in order (call from the one worker thread `put` asked for).

        `done(job, result)` after each job returned, `failed(job, error)` when it raised (the
        screen words the error): a failure in one job must not swallow the scans queued behind it.
        """
        while (job := self.take()) is not None:
            try:
                result = run(job)
            except Exception as error:  # noqa: BLE001 - reported as failed; the queue goes on
                failed(job, error)
            else:
                done(job, result)
