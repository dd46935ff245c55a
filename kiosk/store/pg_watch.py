"""Another machine's writes, heard on PostgreSQL through LISTEN/NOTIFY instead of polling tables.

Every write to a table a screen shows sends `NOTIFY kiosk_changes, '<table>'` when it commits
(the triggers in kiosk/store/pg_schema.py). A watcher holds one dedicated listening connection on a
thread of its own; a notification sets a flag that `changed()` reads and, when given, calls
`on_change` at once (the screens hand it to their own thread), so a check-in at another desk
reaches a screen in milliseconds, not at the next poll. A commit of this process's own
(kiosk.store.pg_sessions) only sets the flag, which the screens' poll reads, as SQLite's
`data_version` tells them of another connection of the same process: a desk's own scan is not
read again in the frame that shows its answer. When the server goes away the thread
connects again every second; once back it reports a change, so the screen re-reads everything it
shows (what was written while it was away sent no notification it could hear). Its retries are
also this process's probe of a silent network (kiosk/store/pg_silence.py): a timeout keeps the
screens' own statements from waiting 3 s each, and its return lets them through again at once.
While the server counts as silent and the listening connection still stands (a frozen server:
its kernel keeps the connection up), the thread asks it `SELECT 1` at each wait, within a few
seconds (kiosk/store/pg_deadline.py); its answer lets the screens through and makes them re-read.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import psycopg
from psycopg import conninfo as pg_conninfo

from kiosk.store import pg_sessions, pg_silence
from kiosk.store.pg import CONNECT_DEFAULTS
from kiosk.store.pg_deadline import SCREEN_SECONDS, BoundedConnection

CHANNEL = "kiosk_changes"
RETRY_SECONDS = 1.0
# How long one wait for notifications lasts before the thread looks whether it should stop.
WAIT_SECONDS = 0.5


class PgChangeWatcher:
    """Says whether the database changed since the last look, heard by LISTEN on its own thread."""

    def __init__(self, url: str, on_change: Callable[[], object] | None = None) -> None:
        self._url = url
        self._params = pg_conninfo.conninfo_to_dict(url)
        for key, value in CONNECT_DEFAULTS.items():
            self._params.setdefault(key, value)
        self._changed = threading.Event()
        self._called = threading.Event()  # `on_change` was called and `changed()` not read since
        self._stop = threading.Event()
        self._on_change = on_change
        self.listening = threading.Event()  # set while the listening connection is up
        self._thread = threading.Thread(target=self._run, name="kiosk-listen", daemon=True)
        self._thread.start()

    def changed(self) -> bool:
        """True when another connection committed (or the server came back) since the last call."""
        self._called.clear()
        if self._changed.is_set():
            self._changed.clear()
            return True
        return False

    def close(self) -> None:
        """Stop listening (the thread ends within WAIT_SECONDS)."""
        self._stop.set()

    def _signal(self, own: bool = False) -> None:
        self._changed.set()
        # Coalesce a burst: the callback runs once until the screen has read `changed()` again.
        if own or self._called.is_set():
            return
        self._called.set()
        if self._on_change is not None:
            try:
                self._on_change()
            except Exception:  # noqa: BLE001  # a screen that is closing: the flag is still set
                pass

    def _run(self) -> None:
        reconnecting = False
        while not self._stop.is_set():
            try:
                conn = BoundedConnection.connect(pg_conninfo.make_conninfo("", **self._params), autocommit=True)
                conn.answer_seconds = SCREEN_SECONDS
            except psycopg.Error as error:
                if pg_silence.is_timeout(error):
                    pg_silence.timed_out(self._url)  # keeps this process's screens from waiting on it too
                self._stop.wait(RETRY_SECONDS)
                reconnecting = True
                continue
            try:
                with conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    pg_silence.heard(self._url)  # the server is back: statements go to it again at once
                    if reconnecting:
                        self._signal()  # writes made while away were not heard: re-read
                    while not self._stop.is_set():
                        for notice in conn.notifies(timeout=WAIT_SECONDS):
                            self._signal(own=pg_sessions.is_own(notice.pid))
                        if pg_silence.is_silent(self._url):
                            conn.execute("SELECT 1")  # the screens' statements timed out: is it back?
                            pg_silence.heard(self._url)
                            self._signal()  # what they missed while it was silent: re-read
            except psycopg.Error as error:
                if pg_silence.is_timeout(error):
                    pg_silence.timed_out(self._url)  # keepalives found the network silent
            self.listening.clear()
            reconnecting = True
            self._stop.wait(RETRY_SECONDS)
