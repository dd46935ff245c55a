"""A desk that starts while its server is away: up offline from its own copy, online by itself later.

A desk laptop rebooted during a network outage cannot open the store (kiosk.env.Env.db fails on
the server). When this device keeps a copy of that database (kiosk.store.offline_files.find_copy:
this device's file, recorded as copied from this database, with attendees in it), the desk starts
from it instead (`offline_app`): the event's facts from the programme file, the offline switch
made before the screen and started offline (kiosk.store.offline_switch), so the first scan is
answered from the copy and the banner says so. The switch tries the server every second; once
it answers, the queue goes up, the desk is online, and the store is brought in step as a start
would have done (`CatchUp`: migrated, the programme's sessions synced), once.

Without a copy of that database there is nothing to answer from: it says so in one sentence,
that the desk needs the server once first. Only the desk starts offline; the other roles need
their server to start (a door's sessions and counts, the dashboard's figures, the kiosk's seats).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from kiosk.domain.link_rules import connection_fault
from kiosk.domain.source import DeferredProgramme, ProgrammeError
from kiosk.env import Env, fail, fail_programme
from kiosk.store.db import Database, StoreFault, explain, is_url, shown

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.ui.app import KioskApp

NO_COPY = ("Desk {device} cannot start offline: it has no copy of {db} of its own yet, so it needs the "
           "database server once first, and that server cannot be reached now (stopped, or the network is down).")


def may_start_offline(settings: Settings, role: str) -> bool:
    """True for a desk on PostgreSQL: its start may go on offline when the server is away."""
    return role == "desk" and is_url(settings.db_path)


def offline_app(env: Env, role: str, error: BaseException) -> KioskApp | None:
    """The desk's app started from its local copy, for a start whose server cannot be reached.

    None when this is not that case (another role, SQLite, a fault that is not the network's: the
    caller says the fault as always); exits 2 with one sentence when the desk has no copy of this
    database yet.
    """
    settings = env.settings
    fault = explain(error)
    if not may_start_offline(settings, role) or not connection_fault(fault.kind):
        return None
    # Here only: a start that reaches its server (or a SQLite one) never loads the switch's modules.
    from kiosk.store.offline_files import find_copy
    from kiosk.store.offline_switch import make_switch
    from kiosk.ui.offline_desk import offline_folder

    if find_copy(offline_folder(), settings.device, str(settings.db_path)) is None:
        fail(NO_COPY.format(device=settings.device, db=shown(settings.db_path)))
    from kiosk.ui.app import KioskApp
    from kiosk.ui.context import UiContext

    deferred = env.deferred()
    try:
        event = deferred.event()  # from the file: the store that holds its facts is away
    except ProgrammeError as problem:
        fail_programme(problem)
    # A rehearsal's shared KIOSK_NOW lives on the server: this desk runs its own from KIOSK_NOW meanwhile.
    clock = settings.clock(event.date, event.timezone)
    ctx = UiContext(settings, deferred, event, clock, role=role)
    ctx.offline = make_switch(settings.db_path, offline_folder(), settings.device, role=role, clock=clock.now,
                              start_offline=fault, on_online=CatchUp(deferred))
    ctx.offline.start()
    return KioskApp(ctx)


class CatchUp:
    """What the start skipped, done once the server answers: the schema migrated and the programme synced."""

    def __init__(self, deferred: DeferredProgramme) -> None:
        self.deferred = deferred
        self.done = threading.Event()

    def __call__(self, server: Database) -> None:
        """On the switch's background thread, with its server connection; a fault is tried again next time."""
        if self.done.is_set():
            return
        from kiosk.store.schema import migrate
        from kiosk.store.sessions import stored_event, sync_programme

        try:
            migrate(server)
            digest = self.deferred.source.digest
            if stored_event(server, digest) is None:
                sync_programme(server, self.deferred.get(), digest)
        except StoreFault:
            return  # the switch keeps the fault; the next return online tries again
        self.done.set()
