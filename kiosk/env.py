"""The event opened once per process: settings, plus the programme, store and clock on demand.

Shared by the command line and the app's launch (kiosk.ui.launch), so it lives below both: a
subcommand and a screen open the store, sync the programme and read the shared rehearsal clock
the same way. A problem that stops the process is said in one plain sentence on stderr (`fail`).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NoReturn

from kiosk.clock import Clock
from kiosk.config import Settings, make_default_db_folder
from kiosk.domain.source import DeferredProgramme, EventFacts, ProgrammeError, ProgrammeSource
from kiosk.store import open_store
from kiosk.store.db import Database, StoreFault, explain, shown
from kiosk.store.sessions import stored_event, sync_programme

if TYPE_CHECKING:
    from kiosk.domain.programme import Programme


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one plain sentence to stderr and exit (2: error)."""
    _say(message)
    sys.exit(code)


def fail_programme(error: ProgrammeError) -> NoReturn:
    """List every problem of the programme file on stderr and exit 2."""
    for problem in error.problems:
        _say(problem)
    sys.exit(2)


@dataclass
class Env:
    """The command line's view of the event: settings, plus the programme and store on demand."""

    settings: Settings
    _deferred: DeferredProgramme | None = field(default=None, repr=False)
    _event: EventFacts | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)
    _clock: Clock | None = field(default=None, repr=False)

    def deferred(self) -> DeferredProgramme:
        """The programme file, read (exit 2 when it cannot be) but not necessarily validated yet."""
        if self._deferred is None:
            try:
                self._deferred = DeferredProgramme(ProgrammeSource.read(self.settings.programme_path))
            except ProgrammeError as error:
                fail_programme(error)
        return self._deferred

    def programme(self) -> Programme:
        """The validated programme, or exit 2 listing every problem."""
        try:
            return self.deferred().get()
        except ProgrammeError as error:
            fail_programme(error)

    def db(self, *, defer_programme: bool = False, raise_faults: bool = False) -> Database:
        """The store, migrated and in step with the programme, or exit 2 with a plain sentence.

        `defer_programme` (the app's start): a file whose digest the store already holds was
        validated and synced by an earlier start; its facts come from the store, and validating
        and syncing it again is left to the app, after its first screen. `raise_faults`: a fault
        is raised (StoreFault) instead (a desk whose server is away starts offline: kiosk.ui.launch).
        """
        if self._db is None:
            source = self.deferred().source
            try:
                make_default_db_folder(self.settings.db_path)
                db = open_store(self.settings.db_path)
                self._event = stored_event(db, source.digest) if defer_programme else None
                if self._event is None:
                    sync_programme(db, self.programme(), source.digest)
                    self._event = self.deferred().event()
                self._db = db
            except StoreFault as error:
                if raise_faults:
                    raise
                # A damaged page may surface as a bare sqlite3 error while reading: same sentence.
                fail(f"{explain(error)} ({shown(self.settings.db_path)})")
        return self._db

    def event(self) -> EventFacts:
        """The event's name, date and time zone (from the store when it is in step with the file)."""
        self.db()
        assert self._event is not None
        return self._event

    def clock(self) -> Clock:
        """The event's clock, made once: a running KIOSK_NOW is this database's shared rehearsal clock."""
        if self._clock is None:
            event = self.event()
            self._clock = self.settings.clock(event.date, event.timezone, db=self.db(),
                                              say=_say)
        return self._clock

    def now(self) -> dt.datetime:
        """The current moment on the event's clock."""
        return self.clock().now()
