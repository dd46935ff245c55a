"""One way to write off the UI thread: jobs queued per screen, run in order on the queue's writer thread.

Every write a screen or widget makes (a scan, an undo, a walk-in, a correction, a sign-up, a
badge print) is a *job*: an object whose `run(db, ctx)` makes one store call, on the writer
thread's own connection (`ctx.db()` gives each thread its own). The owner (a screen, or a widget
such as the kiosk's MyBadge) keeps a `WriteQueue`; `put` queues a job and wakes the queue's
writer thread, which stays between bursts, waiting for the next job (started at the first put,
ended by itself once its owner has left). The writer runs the jobs one by one, in the order
put, and posts to the owner for each job exactly one of:

- `WriteDone(queue, job, result)`: `run` returned, so its transaction committed; only now may a
  screen say "checked in";
- `WriteFailed(queue, job, error)`: `run` raised; nothing of it was recorded, and the screen shows
  it as failed (in red), never as done. A bug in one job fails that job only: the scans queued
  behind it are still written.

Each burst (the jobs from an idle queue's first put until it is empty again) has a future that
is settled once it is written; `all_written(app)` waits for every queue's (tests, and anyone who
must know the writes are in). No Textual worker is started for a burst: a worker's start, its
two state messages and their dispatch to the owner cost the UI thread 1.4 ms of CPU a scan,
beside the store call and before its answer (bench/scan_profile.py). Nothing is lost at exit:
the writer is not a daemon thread, so a job put before the app ends is still written.

Each writer's connection leaves its SQLite checkpoints to the process's checkpointer
(kiosk/store/checkpoints.py, held while the writer lives): a person's commit never copies the WAL
back into the database file.

One damaged-file check: before its first job each writer waits for the start-up file check
(`App.checked_file`); when that found the file damaged, every job fails with that fault and
none is run.

One rule for how an error is worded (`WriteFailed.said`, kiosk/ui/fault.py): a store fault is said
as the sentence for its kind; anything else is a bug, said only as "internal error". An
exception's own text can carry a name or a code, and some of these screens face the public.
A screen that expects a refusal of its own (a walk-in changed meanwhile, a badge printed
already) tells it by `error`'s type and words it itself.

A screen has one queue; the desk has two, its scans and its badge prints, so that a slow or stuck
printer never holds up a check-in. Each queue of one owner has its own `name` (its thread's name).
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
import threading
import weakref
from collections import deque
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from textual.message import Message

from kiosk.store import checkpoints
from kiosk.ui.fault import fault_message

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

    from kiosk.ui.context import UiContext

R_co = TypeVar("R_co", covariant=True)
# How long a writer thread rests between checks that its owner is still there (it wakes at once for a job).
REST_SECONDS = 0.25


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


# Every queue made, for `all_written` (a queue goes with its owner).
_QUEUES: weakref.WeakSet[WriteQueue[Any]] = weakref.WeakSet()


async def all_written(app: App[object]) -> None:
    """Wait until every write queue of `app` has written all it was given (each job's message posted)."""
    while bursts := [queue._burst for queue in list(_QUEUES)
                     if queue._app is app and queue._burst is not None and not queue._burst.done]:
        await asyncio.gather(*(burst.wait() for burst in bursts))


class WriteQueue(Generic[J]):
    """One owner's writes, run in order on its writer thread; each answered by WriteDone or WriteFailed."""

    def __init__(self, owner: Widget, name: str) -> None:
        """`owner` receives the messages; `name` names the writer thread."""
        self.owner = owner
        self.name = name
        self._jobs: OrderedJobs[J] = OrderedJobs()
        self._writer: _Writer | None = None
        # The app it writes for and the burst last started (for `all_written`), set at the first put.
        self._app: App[object] | None = None
        self._burst: _Burst | None = None
        _QUEUES.add(self)

    def put(self, job: J) -> None:
        """Queue one write and wake the writer thread (started at the first put, or again after it ended).

        Put it last in a handler: what the screen does after it runs beside the store call and takes
        turns with it for the interpreter (the desk and the door put a scan as their Enter's last step).
        """
        if not self._jobs.put(job):
            return  # the writer is at work on a burst: it takes this job before it rests
        burst = self._burst = _Burst()
        self._app = self.owner.app
        if self._writer is None or not self._writer.wake(burst):
            self._writer = _Writer(self, burst)

    @property
    def busy(self) -> bool:
        """True while a job waits or runs (its message may still be on its way to the owner)."""
        return self._jobs.busy

    def _drain(self, app: App[object], damaged: Exception | None) -> None:
        """On the writer thread: run every queued job in order, each answered by one message."""
        owner = self.owner
        ctx: UiContext = app.ctx  # type: ignore[attr-defined]
        while (job := self._jobs.take()) is not None:
            try:
                if damaged is not None:
                    raise damaged
                result = job.run(ctx.db(), ctx)
            except Exception as error:  # noqa: BLE001 - reported as failed; the jobs behind it still run
                owner.post_message(WriteFailed(self, job, error))
            else:
                owner.post_message(WriteDone(self, job, result))


class _Burst:
    """The jobs a writer takes from waking to resting: an awaitable settled once they are written."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._done = self._loop.create_future()

    def finished(self) -> None:
        """From the writer thread: the burst is written (every job's message posted before this)."""
        self._loop.call_soon_threadsafe(self._settle)

    def _settle(self) -> None:
        if not self._done.done():
            self._done.set_result(None)

    @property
    def done(self) -> bool:
        """True once the burst is written (seen from the UI thread)."""
        return self._done.done()

    async def wait(self) -> None:
        """Until the burst is written."""
        await self._done


class _Writer:
    """One queue's writer thread: waits for a burst, writes it, waits again; ends with its owner.

    A thread that stays is the point: a Textual thread worker per burst made each scan wait for
    the event loop to start the worker's task and hand it to the thread pool, 1 to 8 ms before
    the store call began (bench/scan_profile.py). The thread keeps its own connection
    (`ctx.db()`), so the file is opened once, not once a burst.

    It ends by itself within REST_SECONDS of its owner leaving the DOM (or the app ending), after
    the jobs already queued are written: a daemon thread would be cut off mid-write at exit, and
    a plain one that never ends would keep the process alive.
    """

    def __init__(self, queue: WriteQueue[Any], burst: _Burst) -> None:
        self._queue = queue
        self._app = queue.owner.app
        self._lock = threading.Lock()
        self._bursts: deque[_Burst] = deque([burst])
        self._woken = threading.Event()
        self._woken.set()
        self._ended = False
        context = contextvars.copy_context()  # Textual's active app, as on the UI thread
        self._thread = threading.Thread(target=context.run, args=(self._run,), name=f"writer-{queue.name}")
        self._thread.start()

    def wake(self, burst: _Burst) -> bool:
        """A new burst (the queue was idle): write it. False when this thread has ended: start another."""
        with self._lock:
            if self._ended:
                return False
            self._bursts.append(burst)
        self._woken.set()
        return True

    def _run(self) -> None:
        # Never write into a file the start-up check finds damaged (it takes ~0.4 s once, at the start).
        try:
            damaged = self._app.checked_file()  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - every job then fails with it: none is left unanswered
            damaged = error
        # A person waits for this thread's commits: the file's checkpoints run beside them, not in them.
        held = None if damaged is not None else _hold_checkpoints(self._app)
        try:
            self._serve(damaged)
        finally:
            if held is not None:
                held.release()

    def _serve(self, damaged: Exception | None) -> None:
        owner = self._queue.owner
        while True:
            if not self._woken.wait(REST_SECONDS):
                with self._lock:
                    if self._bursts or owner.is_attached:
                        continue
                    self._ended = True
                return
            self._woken.clear()
            with self._lock:
                bursts, self._bursts = list(self._bursts), deque()
            try:
                self._queue._drain(self._app, damaged)
            finally:
                for burst in bursts:
                    burst.finished()


def _hold_checkpoints(app: App[object]) -> checkpoints.Hold | None:
    """This writer's connection leaves its SQLite checkpoints to the process's checkpointer (kiosk.store.checkpoints)."""
    ctx: UiContext = app.ctx  # type: ignore[attr-defined]
    try:
        return checkpoints.hold(ctx.db())
    except Exception:  # noqa: BLE001 - the first job meets it again and says what is wrong
        return None
