"""SQLite checkpoints off the scan's commit: a thread per process and file copies the WAL back when it is quiet.

In WAL mode every commit appends its pages to the -wal file; a *checkpoint* copies them into the
database file and syncs it, after which the next writer starts the WAL from its beginning again.
SQLite's default (`wal_autocheckpoint`, 1000 pages) runs that checkpoint inside the commit that
crosses the mark: at 100,000 attendees about one scan in 90 waited tens of
milliseconds for it. (And a commit while one of its own statements is still open, say an answer
whose row is fetched after COMMIT, cannot checkpoint at all: SQLite skips it without a word.)

A process whose connections write for people (the app's writer threads, kiosk/ui/writes.py)
`hold`s the file: this module's checkpointer then runs there, on its own thread with its own
connection, and those connections leave checkpoints to it (`wal_autocheckpoint` raised to a
backstop, BACKSTOP_FRAMES, that only an unusually long WAL reaches). The thread looks at the WAL
every POLL_SECONDS and runs `PRAGMA wal_checkpoint(PASSIVE)`, which never blocks a writer or a
reader:

- when the WAL holds THRESHOLD_FRAMES pages not yet copied back and nobody (in any process) has
  committed for QUIET_SECONDS, the gap between two people at the desk;
- whatever it holds, when nobody has committed for IDLE_SECONDS;
- at HARD_FRAMES even when the commits never pause (eight busy desks, a burst of walk-ins).
  A PASSIVE checkpoint that commits overtake copies what it saw, but the next writer starts the
  WAL over only when it finds everything copied back: when the WAL has grown to 2 x HARD_FRAMES
  frames without starting over, copied back in part, the thread takes the write lock for one checkpoint (`BEGIN
  IMMEDIATE` on a second connection, in turn with the writers), so that nobody can commit past
  it. A scan that comes meanwhile waits for the few frames the PASSIVE ones left (milliseconds);
  the next writer then starts the WAL over. So the WAL stays bounded under any load.

After a long quiet (TRUNCATE_IDLE_SECONDS) a WAL file that a burst (a roster import, a purge) left
larger than TRUNCATE_BYTES is cut back with `wal_checkpoint(TRUNCATE)`, without waiting for anyone
(busy timeout 0: it gives up when someone writes). Smaller ones keep their size: rewriting a WAL
in place syncs faster than growing it.

How much is pending and when the last commit was are read from the WAL index (the -shm file's
header, whose layout every SQLite since 3.7.0 shares so that versions can work on one file
together: https://www.sqlite.org/walformat.html): a 136-byte read, no lock, no statement. Where it
cannot be read the thread falls back on `PRAGMA data_version` and checkpoints after each quiet.

What stays bounded without this thread: processes that do not hold the file (the command line,
the dashboard) keep SQLite's default; a process killed while holding leaves a WAL of at most about
HARD_FRAMES pages, which the next process that holds the file checkpoints once it is quiet (and
SQLite's last connection to close checkpoints and removes the WAL). Durability is unchanged: the
scan's COMMIT still syncs the WAL (`synchronous=FULL`), and the checkpointer's connection has the
same setting, so it syncs the WAL before and the database file after copying.
"""

from __future__ import annotations

import atexit
import os
import sqlite3
import struct
import threading
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.store.db import StoreFault, connect_sqlite

THRESHOLD_FRAMES = 1000  # SQLite's own default mark, now reached off the commit
HARD_FRAMES = 4000  # about 16 MB of WAL: checkpoint then even while commits keep coming
BACKSTOP_FRAMES = 16_000  # a held connection's wal_autocheckpoint: only if this thread falls far behind
QUIET_SECONDS = 0.25
IDLE_SECONDS = 10.0
TRUNCATE_IDLE_SECONDS = 30.0
TRUNCATE_BYTES = 64 * 1024 * 1024
POLL_SECONDS = 0.05
# After a checkpoint that could not copy everything (a reader still needs older pages): wait this
# long before trying again, unless someone commits meanwhile.
RETRY_SECONDS = 1.0
# How long a catch-up under the write lock waits for that lock before it tries again later.
GATE_SECONDS = 2.0

WAL_INDEX_VERSION = 3007000
_HEADER = struct.Struct("=IIIBBHII")  # iVersion, unused, iChange, isInit, bigEndCksum, szPage, mxFrame, nPage


@dataclass(frozen=True)
class WalState:
    """What the WAL index says: the commit counter, the last frame written, the frames copied back."""

    change: int
    frames: int
    backfilled: int

    @property
    def pending(self) -> int:
        """Frames not yet copied into the database file."""
        return max(self.frames - self.backfilled, 0)


def wal_state(path: str | Path) -> WalState | None:
    """Read the -shm header of the database at `path`; None when it is absent or mid-change."""
    try:
        fd = os.open(f"{path}-shm", os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.pread(fd, 136, 0)
    except OSError:
        return None
    finally:
        os.close(fd)
    if len(data) < 136 or data[:48] != data[48:96]:
        return None  # a commit is updating it right now (its two copies differ), or it is new
    version, _, change, initialised, _, _, frames, _ = _HEADER.unpack_from(data, 0)
    if version != WAL_INDEX_VERSION or not initialised:
        return None
    (backfilled,) = struct.unpack_from("=I", data, 96)
    return WalState(change, frames, backfilled)


@dataclass
class Counts:
    """What a checkpointer did, for benchmarks and the curious: the checkpoints it ran, by mode."""

    passive: int = 0
    gated: int = 0  # of those, the ones run with the write lock held (see the module's docstring)
    truncate: int = 0


class Checkpointer:
    """One file's checkpoints in this process, on a thread of their own (see the module's docstring)."""

    def __init__(self, path: str) -> None:
        """Start the thread for the database file `path` (an absolute path)."""
        self.path = path
        self.counts = Counts()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="kiosk-checkpoints", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """End the thread after the checkpoint it may be running, and close its connection."""
        self._stop.set()
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def _run(self) -> None:
        try:
            conn = connect_sqlite(self.path, create=False)
        except StoreFault:
            return  # gone or unreadable: the writers' own connections say so, and keep their backstop
        conn.execute("PRAGMA busy_timeout = 0")  # never wait: a checkpoint that would is tried later
        try:
            gate = connect_sqlite(self.path, create=False)
            gate.execute("PRAGMA busy_timeout = 2")  # tries at 0 and 1 ms inside each BEGIN (see _catch_up)
        except StoreFault:  # sqlite3.Error included
            conn.close()
            return
        try:
            self._watch(conn, gate)
        finally:
            gate.close()
            conn.close()

    def _watch(self, conn: sqlite3.Connection, gate: sqlite3.Connection) -> None:
        last_change: object = None
        changed_at = time.monotonic()
        dirty = True  # without the WAL index: a commit seen since the last complete checkpoint
        retry_at = truncated_at = 0.0
        while not self._stop.wait(POLL_SECONDS):
            now = time.monotonic()
            state = wal_state(self.path)
            try:
                change: object = state.change if state else conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error:
                continue
            if change != last_change:
                last_change, changed_at, dirty = change, now, True
            quiet = now - changed_at
            # Without the WAL index, a commit since the last checkpoint counts as enough to copy back.
            pending = state.pending if state else (THRESHOLD_FRAMES if dirty else 0)
            # Copied in part, yet long: commits overtook the copies (a bulk write's first copy is not gated).
            overtaken = state is not None and state.frames >= 2 * HARD_FRAMES and 0 < state.backfilled < state.frames
            due = (overtaken or pending >= HARD_FRAMES or (pending >= THRESHOLD_FRAMES and quiet >= QUIET_SECONDS)
                   or (pending > 0 and quiet >= IDLE_SECONDS))
            if due and now >= retry_at:
                complete = self._catch_up(conn, gate) if overtaken else self._checkpoint(conn, "PASSIVE")
                dirty = not complete
                retry_at = 0.0 if complete else now + RETRY_SECONDS
            elif (pending == 0 and quiet >= TRUNCATE_IDLE_SECONDS and now - truncated_at >= TRUNCATE_IDLE_SECONDS
                  and _size(f"{self.path}-wal") > TRUNCATE_BYTES):
                truncated_at = now
                self._checkpoint(conn, "TRUNCATE")

    def _checkpoint(self, conn: sqlite3.Connection, mode: str) -> bool:
        """Run one checkpoint; True when it copied every frame back."""
        try:
            busy, frames, copied = conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        except sqlite3.Error:
            return False
        if mode == "PASSIVE":
            self.counts.passive += 1
        else:
            self.counts.truncate += 1
        return not busy and copied >= frames

    def _catch_up(self, conn: sqlite3.Connection, gate: sqlite3.Connection) -> bool:
        """One PASSIVE checkpoint while `gate` holds the write lock: no commit overtakes it.

        The lock is asked for in SQLite's busy handler, a millisecond apart, without the
        interpreter: a writer thread of this process that commits back to back holds the
        interpreter in the moments between its transactions, when the lock is free, so a retry
        that first needed the interpreter would find the lock taken again each time.
        """
        deadline = time.monotonic() + GATE_SECONDS
        while True:
            try:
                gate.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError:
                if time.monotonic() >= deadline:
                    return False
        try:
            self.counts.gated += 1
            return self._checkpoint(conn, "PASSIVE")
        finally:
            with suppress(sqlite3.Error):
                gate.execute("ROLLBACK")


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class Hold:
    """A connection's claim on its file's checkpointer; `release` when the connection's thread ends."""

    def __init__(self, path: str) -> None:
        """Registered by `hold`."""
        self.path = path
        self._released = False

    def release(self) -> None:
        """Give the claim up; the checkpointer stops once nobody in the process holds the file."""
        if self._released:
            return
        self._released = True
        with _lock:
            left = _holders.get(self.path, 0) - 1
            if left > 0:
                _holders[self.path] = left
                return
            _holders.pop(self.path, None)
            checkpointer = _running.pop(self.path, None)  # None once the process's exit stopped it
        if checkpointer is not None:
            checkpointer.stop()


_lock = threading.Lock()
_running: dict[str, Checkpointer] = {}
_holders: dict[str, int] = {}


def hold(db: Any) -> Hold | None:
    """Leave `db`'s checkpoints to this process's checkpointer for its file (started if need be).

    For a connection whose commits a person waits for. None (and nothing changed) for anything but
    a SQLite file's connection: PostgreSQL checkpoints on its server.
    """
    if not isinstance(db, sqlite3.Connection):
        return None
    try:
        row = db.execute("PRAGMA database_list").fetchone()
        if not row or not row[2]:
            return None  # an in-memory or temporary database has no WAL
        db.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_FRAMES}")
    except sqlite3.Error:
        return None
    path = os.path.realpath(row[2])
    with _lock:
        _holders[path] = _holders.get(path, 0) + 1
        if path not in _running:
            _running[path] = Checkpointer(path)
    return Hold(path)


def checkpointer(path: str | Path) -> Checkpointer | None:
    """The checkpointer running in this process for the file at `path`, if any."""
    with _lock:
        return _running.get(os.path.realpath(path))


@atexit.register
def _stop_all() -> None:
    # At exit: let a running checkpoint finish rather than leave it to the next process.
    with _lock:
        running = list(_running.values())
        _running.clear()
        _holders.clear()
    for item in running:
        item.stop(timeout=2.0)
