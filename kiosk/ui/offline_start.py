"""A desk or door that starts while its server is away: up offline from its own copy, online by itself later.

A desk or door laptop rebooted during a network outage cannot open the store (kiosk.env.Env.db
fails on the server). When this device keeps a copy of that database (kiosk.store.offline_files.find_copy:
this device's file, recorded as copied from this database, with attendees in it), and for a door
one made at that session's door (`followed_sessions`: its presence, capacity and sign-ups are in
it), it starts from it instead (`offline_app`): the event's facts from the programme file, the
offline switch made before the screen and started offline (kiosk.store.offline_switch), so the
first scan is answered from the copy and the banner says so. A door started without `--session`
takes the session its copy was made at. The switch tries the server every second; once it
answers, the queue goes up, the device is online, and the store is brought in step as a start
would have done (`CatchUp`: migrated, the programme's sessions synced), once.

Without such a copy there is nothing to answer from: it says so in one sentence, in the screen's
language, that the desk or door needs the server once first (exit 2). The self-service kiosk and
the dashboard need their server to start (the kiosk's seats are counted there, the dashboard's
figures read from it).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.domain.link_rules import connection_fault
from kiosk.domain.scan_rules import VENUE
from kiosk.domain.source import DeferredProgramme, ProgrammeError
from kiosk.env import Env, fail, fail_programme
from kiosk.i18n import Text
from kiosk.store.db import Database, StoreFault, explain, is_url, shown

if TYPE_CHECKING:
    from kiosk.config import Settings
    from kiosk.ui.app import KioskApp

_AWAY = ("and that server cannot be reached now (stopped, or the network is down).",
         "en die is nu niet bereikbaar (gestopt, of het netwerk ligt eruit).")
NO_COPY = {
    "desk": Text("Balie {device} kan niet offline starten: hij heeft nog geen eigen kopie van {db}, dus hij heeft "
                 "de databaseserver eerst één keer nodig, " + _AWAY[1],
                 "Desk {device} cannot start offline: it has no copy of {db} of its own yet, so it needs the "
                 "database server once first, " + _AWAY[0]),
    "door": Text("Deur {device} kan niet offline starten: hij heeft nog geen kopie van {db} die bij de deur van "
                 "{session} is gemaakt, dus hij heeft de databaseserver eerst één keer nodig, " + _AWAY[1],
                 "Door {device} cannot start offline: it has no copy of {db} made at the door of {session} yet, "
                 "so it needs the database server once first, " + _AWAY[0]),
}
# A door started without --session whose copy names no session's door (or several).
ANY_SESSION = Text("een sessie", "a session")
# A --session that is not in the programme (kiosk.ui.launch says it too, online).
NO_SESSION = "There is no session {session} in the programme; `kiosk programme show` lists the ids."
# The roles that may start from their copy (the others need their server: seats, the dashboard's figures).
OFFLINE_ROLES = ("desk", "door")


def may_start_offline(settings: Settings, role: str) -> bool:
    """True for a desk or door on PostgreSQL: its start may go on offline when the server is away."""
    return role in OFFLINE_ROLES and is_url(settings.db_path)


def offline_app(env: Env, role: str, error: BaseException, session_id: str | None = None) -> KioskApp | None:
    """The desk's or door's app started from its local copy, for a start whose server cannot be reached.

    None when this is not that case (another role, SQLite, a fault that is not the network's: the
    caller says the fault as always); exits 2 with one sentence when the device has no copy of
    this database (a door: none made at the door of `session_id`) yet.
    """
    settings = env.settings
    fault = explain(error)
    if not may_start_offline(settings, role) or not connection_fault(fault.kind):
        return None
    # Here only: a start that reaches its server (or a SQLite one) never loads the switch's modules.
    from kiosk.store.offline_files import find_copy
    from kiosk.store.offline_switch import make_switch
    from kiosk.ui.offline_desk import offline_folder

    copy = find_copy(offline_folder(), settings.device, str(settings.db_path))
    lists: tuple[str, ...] = (VENUE,)
    if role == "door":
        session_id = _door_session(env, copy, session_id)
        lists = (VENUE, session_id)
    elif copy is None:
        fail(NO_COPY["desk"](settings.lang, device=settings.device, db=shown(settings.db_path)))
    from kiosk.ui.app import KioskApp
    from kiosk.ui.context import UiContext

    deferred = env.deferred()
    try:
        event = deferred.event()  # from the file: the store that holds its facts is away
    except ProgrammeError as problem:
        fail_programme(problem)
    # A rehearsal's shared KIOSK_NOW lives on the server: this device runs its own from KIOSK_NOW meanwhile.
    clock = settings.clock(event.date, event.timezone)
    ctx = UiContext(settings, deferred, event, clock, role=role, door_session=session_id if role == "door" else None)
    ctx.offline = make_switch(settings.db_path, offline_folder(), settings.device, role=role, clock=clock.now,
                              lists=lists, start_offline=fault, on_online=CatchUp(deferred))
    ctx.offline.start()
    return KioskApp(ctx)


def _door_session(env: Env, copy: Path | None, session_id: str | None) -> str:
    """The session a door starting offline scans for: `--session`, else the one its copy was made at.

    Exits 2 with one sentence when the copy was not made at that session's door, and, as online,
    when the programme has no such session.
    """
    from kiosk.store.offline_files import followed_sessions

    settings = env.settings
    followed = followed_sessions(copy) if copy is not None else ()
    if session_id is None and len(followed) == 1:
        session_id = followed[0]
    if session_id is None or session_id not in followed:
        fail(NO_COPY["door"](settings.lang, device=settings.device, db=shown(settings.db_path),
                             session=session_id or ANY_SESSION(settings.lang)))
    try:
        known = any(s.id == session_id for s in env.deferred().get().sessions)
    except ProgrammeError as problem:
        fail_programme(problem)
    if not known:
        fail(NO_SESSION.format(session=repr(session_id)))
    return session_id


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
