"""What every screen needs to know about its process: settings, programme, clock, store access."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.clock import Clock
from kiosk.config import Settings
from kiosk.domain.source import DeferredProgramme, EventFacts
from kiosk.store.db import StoreFault, connect

if TYPE_CHECKING:
    from kiosk.domain.programme import Programme
    from kiosk.store.offline_switch import OfflineSwitch


@dataclass
class UiContext:
    """Shared by the app and its screens; `db()` gives each thread its own connection."""

    settings: Settings
    deferred: DeferredProgramme
    event: EventFacts
    clock: Clock
    role: str = "programme"
    door_session: str | None = None
    public: bool = False
    # A desk on PostgreSQL: its offline switch (kiosk/ui/offline_desk.py), which its jobs write through.
    offline: OfflineSwitch | None = None
    _local: threading.local = field(default_factory=threading.local, repr=False)
    # The thread the app's screens run on (the context is made on it, before the app starts).
    _screen_thread: threading.Thread = field(default_factory=threading.current_thread, repr=False)

    @property
    def programme(self) -> Programme:
        """The validated programme (validated on first use when the start deferred it)."""
        return self.deferred.get()

    @property
    def lang(self) -> str:
        """The interface language, nl or en."""
        return self.settings.lang

    @property
    def device(self) -> str:
        """This desk's or door's name in the scan log."""
        return self.settings.device

    def db(self) -> sqlite3.Connection:
        """A connection for the calling thread (workers must not share the UI thread's).

        On PostgreSQL each wait for an answer lasts a few seconds at most (a frozen server), and the
        screens' own thread never waits to try a silent server again (kiosk.store.pg_silence).
        """
        db = getattr(self._local, "db", None)
        if db is None:
            options = {"screen": True, "probes": threading.current_thread() is not self._screen_thread}
            try:
                db = connect(self.settings.db_path, **options)
            except StoreFault:
                if self.offline is None:
                    raise
                from kiosk.store.offline_switch import LazyConnection  # a desk on PostgreSQL only
                # A desk's writer starting while its server is gone: its jobs are answered offline.
                db = LazyConnection(str(self.settings.db_path), **options)
            self._local.db = db
        return db
