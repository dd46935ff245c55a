"""A desk that keeps scanning when its server drops: online or offline by itself, and back.

`OfflineSwitch` is the desk's way to record a scan on PostgreSQL (the screen through
kiosk/ui/offline_desk.py, the storm tests directly). Online, a scan is `record_scan` on the
server, as at every desk. The switch goes offline by itself when a write fails for the network's
sake (FaultKind unreachable or lost) or when writes get slow (kiosk.domain.link_rules: 2 of the
last 5 over a second); offline, each scan is answered from the device's local copy and kept in
its queue (kiosk.store.offline_queue), on disk before the answer is returned. A scan whose write
was lost on the way is answered offline under the same nonce: if the server did commit it, the
upload finds it there and writes nothing more.

A background thread (`start`; one round is `tick`) keeps the local copy fresh while the server
answers, says the device is here (kiosk.store.devices), and while offline tries the server every
second: once it answers, the queue is uploaded in order, and only when it is empty does the
switch go back online, so scans reach the server in the order they were made. New scans during
the upload join the queue. A switch that starts with scans still waiting (a desk killed while
offline) starts offline and uploads them first.

The background is work beside a person scanning, and waits for them: no piece of it (a page of
the refresh, the heartbeat, the note of this desk's own scans in the copy) starts while a scan is
being written or within QUIET_SECONDS of the desk's last key or answer (`note_activity`), so a
scan's statements, commit and frame never share the interpreter or the disk with it; a desk
scanning flat out still gets its round after MAX_DEFER_SECONDS.

Each thread has its own connections (the caller's server connection for its scans; the
background thread its own server and local connections). `_lock` makes the choice between online
and offline and the offline answer one step, and going back online another, so no scan slips
between the last upload and the switch.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from kiosk.domain.link_rules import SLOW_SECONDS, LinkHealth, connection_fault
from kiosk.domain.outcomes import DoorScanResult, Person, ScanResult
from kiosk.domain.scan_rules import ENTRY, VENUE
from kiosk.domain.views import RecentScan, SearchHit
from kiosk.store.db import Database, StoreError, StoreFault, connect, explain
from kiosk.store.devices import heartbeat
from kiosk.store.door import door_scan
from kiosk.store.offline_copy import open_local, refresh
from kiosk.store.offline_door import answer_door_offline, copy_inside
from kiosk.store.offline_files import copy_source, local_path
from kiosk.store.offline_queue import answer_offline, count_waiting, note_online, upload_waiting, walk_in_offline
from kiosk.store.offline_reads import PanelFigures, copy_is_empty, copy_person, copy_search, side_panel
from kiosk.store.pg_lazy import LazyConnection as LazyConnection  # imported from here by the app
from kiosk.store.scans import create_walk_in, record_scan, stamp

# A scan's or walk-in's answer (a door's has the room's count too).
Result = TypeVar("Result", bound=ScanResult)
# How often the background thread looks: the server's return is noticed within about this long.
TICK_SECONDS = 1.0
# How often the local copy is refreshed and the heartbeat written while online.
REFRESH_SECONDS = 2.0
HEARTBEAT_SECONDS = 5.0
# The background holds off this long after the desk's last key, look-up or answer ...
QUIET_SECONDS = 0.3
# ... but no piece of its work waits longer than this (the copy and the heartbeat stay fresh).
MAX_DEFER_SECONDS = 5.0


class OfflineSwitch:
    """One desk's scans: on the server while it answers, in the local queue while it does not."""

    def __init__(
        self,
        target: str,
        local_path: Path,
        device: str,
        *,
        role: str = "desk",
        lists: Sequence[str] = (VENUE,),
        clock: Callable[[], dt.datetime] | None = None,
        tick_seconds: float = TICK_SECONDS,
        start_offline: StoreError | None = None,
        on_online: Callable[[Database], object] | None = None,
        max_defer: float = MAX_DEFER_SECONDS,
    ) -> None:
        """`start_offline`: the server was away when the device started (kiosk/ui/offline_start.py):
        offline from the first scan. `on_online(server)`: called on the background thread each time
        the switch is back online (the queue uploaded), with its server connection. `max_defer`:
        the longest one piece of background work waits for a quiet moment."""
        self.target = target
        self.local_path = local_path
        self.device = device
        self.role = role
        self.lists = tuple(lists)
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC).astimezone())
        self.tick_seconds = tick_seconds
        self._lock = threading.RLock()
        self._health = LinkHealth()
        self.source = copy_source(target)  # the database this device's copy is of (no password)
        self._local = open_local(local_path, self.source)  # the scanning thread's (under _lock)
        self._waiting = count_waiting(self._local)
        self._offline_since: str | None = stamp(self.clock()) if self._waiting or start_offline else None
        self._on_online = on_online
        self._bg_local: sqlite3.Connection | None = None
        self._bg_server: Database | None = None
        self._last_refresh = 0.0
        self._last_heartbeat = 0.0
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.last_fault: StoreError | None = start_offline
        self.uploaded = 0
        self._noted: list[ScanResult] = []
        self.max_defer = max_defer
        self._active_at = 0.0  # time.monotonic() of the desk's last key, look-up or answer
        self._writing = 0  # scans being written now (the writer thread's)
        self._writing_lock = threading.Lock()

    # ---- what a screen shows --------------------------------------------------------------

    @property
    def offline(self) -> bool:
        """True while scans are answered from the local copy (offline, or still uploading)."""
        with self._lock:
            return self._offline_since is not None

    @property
    def waiting(self) -> int:
        """How many scans this desk still has to upload."""
        with self._lock:
            return self._waiting

    # ---- scanning ---------------------------------------------------------------------------

    def scan(self, db: Database, raw_code: str, *, now: dt.datetime, direction: str = ENTRY,
             nonce: str) -> ScanResult:
        """Record one scan: on the server when online, else answered from the copy and queued.

        Raises StoreError only for a fault that is not the network's (the server refused the
        data, the local disk is full): shown as failed, as at any desk.
        """
        online = self._online(lambda: record_scan(db, raw_code, now=now, device=self.device, direction=direction,
                                                  nonce=nonce))
        if online is not None:
            return online
        return self._kept(now, lambda local: answer_offline(local, raw_code, now=now, device=self.device,
                                                            direction=direction, nonce=nonce))

    def walk_in(self, db: Database, name: str, organisation: str = "", city: str = "", email: str = "", *,
                now: dt.datetime, nonce: str) -> ScanResult:
        """A walk-in: `create_walk_in` on the server when online, else with a code of this desk's own, queued."""
        online = self._online(lambda: create_walk_in(db, name, organisation, city, email, now=now, device=self.device,
                                                     nonce=nonce), timed=False)
        if online is not None:
            return online
        return self._kept(now, lambda local: walk_in_offline(local, name, organisation, city, email, now=now,
                                                             device=self.device, nonce=nonce))

    def door_scan(self, db: Database, raw_code: str, session_id: str, *, now: dt.datetime, direction: str = ENTRY,
                  nonce: str) -> DoorScanResult:
        """A door's scan: `door_scan` on the server when online, else answered from the copy and queued."""
        online = self._online(lambda: door_scan(db, raw_code, session_id, now=now, device=self.device,
                                                direction=direction, nonce=nonce))
        if online is not None:
            return online
        return self._kept(now, lambda local: answer_door_offline(local, raw_code, session_id, now=now,
                                                                 device=self.device, direction=direction, nonce=nonce))

    def _online(self, write: Callable[[], Result], *, timed: bool = True) -> Result | None:
        """`write` on the server while online; None when offline, or when the network failed it just now.

        `timed`: its time counts towards "slow" (kiosk.domain.link_rules), and an accepted scan goes
        into the copy (by the background, or before the next offline answer).
        """
        if self.offline:
            return None
        started = time.monotonic()
        try:
            with self._scanning():
                result = write()
        except StoreFault as error:
            fault = explain(error)
            if not connection_fault(fault.kind):
                raise
            self._went_offline(fault)
            return None
        if timed:
            slow = self._health.record(time.monotonic() - started)
            with self._lock:
                self._noted.append(result)
            if slow:
                self._went_offline(None)
        return result

    def _kept(self, now: dt.datetime, answer: Callable[[sqlite3.Connection], Result]) -> Result:
        """An answer from the copy, kept in the queue (under `_lock`: no scan slips past a return online)."""
        with self._scanning(), self._lock:
            self._apply_noted(self._local)
            result = answer(self._local)
            self._waiting = count_waiting(self._local)
            self._offline_since = self._offline_since or stamp(now)
            return result

    def note_activity(self) -> None:
        """Someone is at the desk (a key searched, a code looked up): the background holds off a moment."""
        self._active_at = time.monotonic()

    @contextmanager
    def _scanning(self) -> Iterator[None]:
        """While a scan is written the background waits; its answer is activity (the frame, the side panel follow)."""
        with self._writing_lock:
            self._writing += 1
        try:
            yield
        finally:
            with self._writing_lock:
                self._writing -= 1
            self.note_activity()

    def wait_quiet(self) -> None:
        """On the background thread: until no scan is being written and the desk has been quiet a moment.

        At most `max_defer` seconds (or until the switch stops): background work never waits for good.
        """
        deadline = time.monotonic() + self.max_defer
        while not self._stop.is_set():
            now = time.monotonic()
            left = self._active_at + QUIET_SECONDS - now
            if (left <= 0 and not self._writing) or now >= deadline:
                return
            self._stop.wait(min(max(left, 0.02), deadline - now, 0.1))  # a look every 0.1 s at most

    def person(self, raw_code: str) -> Person | None:
        """Whose code this is, as the local copy knows (the desk's look-up while offline)."""
        with self._lock:
            return copy_person(self._local, raw_code)

    def search(self, text: str, limit: int) -> list[SearchHit]:
        """A name search in the local copy (the desk's while offline; folded: `celik` finds Çelik)."""
        with self._lock:
            return copy_search(self._local, text, limit)

    def side_panel(self, now: dt.datetime, shown: Sequence[RecentScan]) -> PanelFigures:
        """The desk's side panel from the copy: arrived, expected, last 10 minutes (None: never filled), last scans."""
        with self._lock:
            self._apply_noted(self._local)
            return side_panel(self._local, self.device, now, shown)

    def inside(self, session_id: str) -> int:
        """How many are inside a door's session as the copy knows (its offline scans included)."""
        with self._lock:
            self._apply_noted(self._local)
            return copy_inside(self._local, session_id)

    def set_lists(self, lists: Sequence[str]) -> None:
        """The presence to keep in the copy from now on (a door chose another session); read at the next refresh."""
        with self._lock:
            if tuple(lists) != self.lists:
                self.lists = tuple(lists)
                self._last_refresh = 0.0

    def went_offline(self, fault: StoreError | None) -> None:
        """Answer from the copy from now on, until the server answers again (a start while it is away)."""
        self._went_offline(fault)

    def _apply_noted(self, local: sqlite3.Connection) -> None:
        """Put this desk's own online scans into the copy (under `_lock`)."""
        noted, self._noted = self._noted, []
        if noted:
            note_online(local, noted, self.lists)

    def _went_offline(self, fault: StoreError | None) -> None:
        with self._lock:
            self.last_fault = fault
            if self._offline_since is None:
                self._offline_since = stamp(self.clock())

    # ---- the background ---------------------------------------------------------------------

    def start(self) -> None:
        """Start the background thread (refresh, heartbeat, and the upload when the server is back)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name=f"offline-{self.device}", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop the background thread (after its current round) and close its connections."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        for conn in (self._bg_server, self._bg_local):
            if conn is not None:
                try:
                    conn.close()
                except Exception:  # noqa: BLE001 - closing a connection to a server that is gone
                    pass
        self._bg_server = self._bg_local = None

    def close(self) -> None:
        """Stop the background and close the local file."""
        self.stop()
        with self._lock:
            self._local.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.tick()
            self._stop.wait(self.tick_seconds)

    def tick(self) -> bool:
        """One round: upload what waits and go back online, refresh the copy, say the device is here.

        Returns True when the server answered. Never raises for a fault: it is kept in `last_fault`.
        """
        try:
            server = self._server()
            local = self._background_local()
            started = time.monotonic()
            server.execute("SELECT 1").fetchone()
            if self.offline and time.monotonic() - started > SLOW_SECONDS:
                return True  # it answers, but slowly: stay offline a little longer
            if self.waiting:
                if time.monotonic() - self._last_heartbeat >= HEARTBEAT_SECONDS:
                    self.say_here(server)  # "12 waiting", before the upload
                done = upload_waiting(server, local, on_sent=self._one_sent)
                with self._lock:
                    self.uploaded += done.sent
            back = False
            with self._lock:
                self._waiting = count_waiting(self._local)
                if self._waiting == 0 and self._offline_since is not None:
                    self._offline_since = None
                    self._health.reset()
                    self.last_fault = None
                    back = True
            self.wait_quiet()
            with self._lock:
                self._apply_noted(local)
                lists = self.lists
            if back and self._on_online is not None:
                self._on_online(server)
            if not self.offline:
                now = time.monotonic()
                if now - self._last_refresh >= REFRESH_SECONDS or copy_is_empty(local):
                    refresh(server, local, lists, source=self.source, pause=self.wait_quiet)
                    self._last_refresh = now
            if back or time.monotonic() - self._last_heartbeat >= HEARTBEAT_SECONDS:
                self.wait_quiet()
                self.say_here(server)
            return True
        except StoreFault as error:
            fault = explain(error)
            if connection_fault(fault.kind):
                self._went_offline(fault)
            else:
                with self._lock:
                    self.last_fault = fault
            return False

    def _one_sent(self) -> None:
        with self._lock:
            self._waiting = max(0, self._waiting - 1)

    def say_here(self, server: Database) -> None:
        """Write this device's heartbeat row (kiosk.store.devices)."""
        with self._lock:
            waiting, since = self._waiting, self._offline_since
        heartbeat(server, self.device, self.role, self.clock(), waiting, since)
        self._last_heartbeat = time.monotonic()

    def _server(self) -> Database:
        if self._bg_server is None:
            self._bg_server = connect(self.target, screen=True)  # a frozen server: offline within seconds
        return self._bg_server

    def _background_local(self) -> sqlite3.Connection:
        if self._bg_local is None:
            self._bg_local = open_local(self.local_path, self.source)
        return self._bg_local


def make_switch(target: Any, folder: Path, device: str, **options: Any) -> OfflineSwitch:
    """The switch of a device on `target` with its local file of that database in `folder` (offline_files.local_path)."""
    return OfflineSwitch(str(target), local_path(folder, device, copy_source(str(target))), device, **options)
