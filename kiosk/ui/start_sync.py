"""The start's deferred programme sync, on a thread after the first screen: a server away is waited for, not shouted.

A start whose store already held this programme file's digest painted its first screen without
validating the file (kiosk.domain.source.DeferredProgramme); the app then validates it and brings
the sessions table in step on a worker (`sync_at_start`), which only writes when someone edited
that table by hand. When the database server cannot be reached at that moment (a network that
dropped a second after the start), nothing of the day is lost and nothing needs a person: a desk
or door says OFFLINE in its banner (its switch is told, so its first scan is answered from its
copy at once, kiosk/ui/offline_desk.py) and the sync is done once the switch is online again; a
role without a switch (programme, self-service, dashboard: their screens say themselves that the
server is away) tries again every RETRY_SECONDS. An error popup here ("nothing was saved") stood
for 30 s beside the desk's amber "kept" answer, saying the opposite in public.

Any other store fault (the sessions table cannot be written) is said once, as every write
failure is; a programme the kiosk's rules reject stops the app with its problems listed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from kiosk.domain.link_rules import connection_fault
from kiosk.domain.source import ProgrammeError
from kiosk.store.db import StoreFault, explain

if TYPE_CHECKING:
    from textual.worker import Worker

    from kiosk.ui.app import KioskApp

# How often a role without an offline switch tries the sync again while its server is away.
RETRY_SECONDS = 2.0
# How often the waiting thread looks whether it may try again, or should stop (the app is leaving).
LOOK_SECONDS = 0.25


def sync_at_start(app: KioskApp) -> None:
    """On a worker thread: validate the programme and sync the store with it, waiting out a server away.

    Returns when done, when a fault that is not the network's was said, or when the app leaves.
    """
    from kiosk.store.sessions import sync_programme
    from kiosk.ui.fault import fault_message

    ctx = app.ctx
    worker = get_current_worker()
    try:
        programme = ctx.programme
    except ProgrammeError as error:
        app.call_from_thread(app.exit, return_code=2, message="\n".join(error.problems))
        return
    while not worker.is_cancelled:
        try:
            sync_programme(ctx.db(), programme, ctx.deferred.source.digest)
            return
        except StoreFault as error:
            fault = explain(error)
            if not connection_fault(fault.kind):
                app.call_from_thread(app.notify, fault_message(error, ctx.lang), severity="error", timeout=30)
                return
            if ctx.offline is not None:
                ctx.offline.went_offline(fault)  # the banner says OFFLINE now; scans go to the copy
        _wait_for_server(app, worker)


def _wait_for_server(app: KioskApp, worker: Worker[None]) -> None:
    """Until the desk's switch is online again (it tries the server each second), else RETRY_SECONDS; or the app leaves."""
    deadline = time.monotonic() + RETRY_SECONDS
    while not worker.is_cancelled:
        switch = app.ctx.offline
        if switch is not None:
            if not switch.offline:  # its own tick found the server again (and uploaded what waited)
                return
        elif time.monotonic() >= deadline:
            return
        time.sleep(LOOK_SECONDS)
