"""One way to write off the UI thread: jobs queued per screen, run in order on a Textual thread worker.

Every write a screen or widget makes (a scan, an undo, a walk-in, a correction, a sign-up, a
badge print) is a *job*: an object whose `run(db, ctx)` makes one store call, on the worker
thread's own connection (`ctx.db()` gives each thread its own). The owner (a screen, or a widget
such as the kiosk's MyBadge) keeps a `WriteQueue`; `put` queues a job and, when no worker is
draining, starts one: `run_worker(thread=True, exclusive=True, exit_on_error=False)`, the call
`@work` makes, which a queue that is not itself a widget makes on its owner. The worker runs
the jobs one by one, in the order put, and posts to the owner for each job exactly one of:

- `WriteDone(queue, job, result)`: `run` returned, so its transaction committed; only now may a
  screen say "checked in";
- `WriteFailed(queue, job, error)`: `run` raised; nothing of it was recorded, and the screen shows
  it as failed (in red), never as done. A bug in one job fails that job only: the scans queued
  behind it are still written.

One damaged-file check: before its first job each worker waits for the start-up file check
(`App.checked_file`); when that found the file damaged, every job fails with that fault and
none is run.

One rule for how an error is worded (`WriteFailed.said`, kiosk/ui/fault.py): a store fault is said
as the sentence for its kind; anything else is a bug, said only as "internal error". An
exception's own text can carry a name or a code, and some of these screens face the public.
A screen that expects a refusal of its own (a walk-in changed meanwhile, a badge printed
already) tells it by `error`'s type and words it itself.

A screen has one queue; the desk has two, its scans and its badge prints, so that a slow or stuck
printer never holds up a check-in. Each queue of one owner needs its own `name` (the worker
group: `exclusive` cancels only its own group's finished drainer).
"""

from __future__ import annotations

import sqlite3
import threading
from collections import deque
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from textual.message import Message

from kiosk.ui.fault import fault_message

if TYPE_CHECKING:
    from textual.widget import Widget

    from kiosk.ui.context import UiContext

R_co = TypeVar("R_co", covariant=True)


class Job(Protocol[R_co]):
    """A write to run on the worker thread: one store call that commits before it returns."""

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> R_co:
        """Make the store call on `db` (this thread's connection); raise when nothing was recorded."""
        ...


# A queued item: a Job for a WriteQueue; OrderedJobs itself orders anything.
T = TypeVar("T")


class OrderedJobs(Generic[T]):
    """A thread-safe FIFO that guarantees at most one drainer at a time.

    `put` returns True when the caller must start a drainer (none is running); the drainer calls
    `take` until it returns None, which also marks it finished, under the same lock, so a job put
    at that very moment is never left behind.
    """

    def __init__(self) -> None:
        self._pending: deque[T] = deque()
        self._lock = threading.Lock()
        self._busy = False

    def put(self, job: T) -> bool:
        """Queue a job; True when no drainer is running and one must be started."""
        with self._lock:
            self._pending.append(job)
            if self._busy:
                return False
            self._busy = True
            return True

    def take(self) -> T | None:
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


J = TypeVar("J", bound=Job[Any])


class WriteDone(Message, bubble=False):
    """A queued write returned (committed); `result` is what it came to. For the queue's owner only."""

    def __init__(self, queue: WriteQueue[Any], job: Any, result: Any) -> None:
        super().__init__()
        self.queue = queue
        self.job = job
        self.result = result


class WriteFailed(Message, bubble=False):
    """A queued write raised: nothing of it was recorded. For the queue's owner only."""

    def __init__(self, queue: WriteQueue[Any], job: Any, error: Exception) -> None:
        super().__init__()
        self.queue = queue
        self.job = job
        self.error = error

    def said(self, lang: str) -> str:
        """The error in words for a screen: a store fault's sentence, else only "internal error"."""
        return fault_message(self.error, lang)


class WriteQueue(Generic[J]):
    """One owner's writes, run in order on a thread worker; each answered by WriteDone or WriteFailed."""

    def __init__(self, owner: Widget, name: str) -> None:
        """`owner` receives the messages and runs the worker; `name` is the worker group, one per queue."""
        self.owner = owner
        self.name = name
        self._jobs: OrderedJobs[J] = OrderedJobs()

    def put(self, job: J) -> None:
        """Queue one write; start the worker when none is draining."""
        if self._jobs.put(job):
            self.owner.run_worker(self._drain, name=self.name, group=self.name, thread=True, exclusive=True,
                                  exit_on_error=False)

    @property
    def busy(self) -> bool:
        """True while a job waits or runs (its message may still be on its way to the owner)."""
        return self._jobs.busy

    def _drain(self) -> None:
        """On the worker thread: run every queued job in order, each answered by one message."""
        owner = self.owner
        app = owner.app
        ctx: UiContext = app.ctx  # type: ignore[attr-defined]
        # Never write into a file the start-up check finds damaged (it takes ~0.4 s once, at the start).
        damaged = app.checked_file()  # type: ignore[attr-defined]
        while (job := self._jobs.take()) is not None:
            try:
                if damaged is not None:
                    raise damaged
                result = job.run(ctx.db(), ctx)
            except Exception as error:  # noqa: BLE001 - reported as failed; the jobs behind it still run
                owner.post_message(WriteFailed(self, job, error))
            else:
                owner.post_message(WriteDone(self, job, result))
