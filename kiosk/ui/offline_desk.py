"""The desk's offline switch in the app: started with the desk on PostgreSQL, asked by its jobs.

A desk on a `postgresql://` database gets an OfflineSwitch (kiosk/store/offline_switch.py) when its
banner (kiosk/ui/widgets/offline_banner.py) is mounted, kept on the UI context (`ctx.offline`) and
stopped when the desk leaves. The desk's scan and walk-in jobs (kiosk/ui/desk_jobs.py,
kiosk/ui/screens/walk_in.py) write through it, so a scan goes to the server while it answers and
to the local queue while it does not, without the screen choosing. A SQLite desk has the file on
its own disk: no switch, nothing changes.

The local file is in the folder the kiosk keeps its data in (`offline_folder`): KIOSK_OFFLINE_DIR
when set, else the default database's folder (`data/` in a checkout, the user's data folder for an
installed tool), where `kiosk purge` removes it with the rest.

While offline the desk's own look-ups on the UI thread (is this a code? whose name is this?) ask
the local copy instead of a server that is gone (`find_code`, `search_people`): a name search
needs the server, so offline a typed text is tried as a code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import DEFAULT_DB
from kiosk.domain.outcomes import Person
from kiosk.domain.views import SearchHit
from kiosk.store.attendees import find_by_code, find_by_code_at_end, search
from kiosk.store.db import FaultKind, StoreError, is_url
from kiosk.store.offline_switch import OfflineSwitch, make_switch

if TYPE_CHECKING:
    from kiosk.ui.context import UiContext

UNDO_OFFLINE = ("Undo needs the database server, which cannot be reached now; nothing was undone. "
                "Try again once the desk is online.")


def offline_folder() -> Path:
    """Where this device keeps its local copy and queue: KIOSK_OFFLINE_DIR, else the default database's folder."""
    chosen = os.environ.get("KIOSK_OFFLINE_DIR")
    folder = Path(chosen) if chosen else DEFAULT_DB.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def start_switch(ctx: UiContext) -> OfflineSwitch | None:
    """The desk's switch, started (None on SQLite); kept on `ctx.offline` for the jobs."""
    if not is_url(ctx.settings.db_path):
        return None
    if ctx.offline is None:
        switch = make_switch(ctx.settings.db_path, offline_folder(), ctx.device, role=ctx.role,
                             clock=ctx.clock.now)
        switch.start()
        ctx.offline = switch
    return ctx.offline


def stop_switch(ctx: UiContext) -> None:
    """Stop the background and close the local file (what waits is uploaded when the desk opens again)."""
    switch, ctx.offline = ctx.offline, None
    if switch is not None:
        switch.close()


def is_offline(ctx: UiContext) -> bool:
    """True while the desk answers from its local copy."""
    return ctx.offline is not None and ctx.offline.offline


def refuse_offline_undo(ctx: UiContext) -> None:
    """An undo while offline: refused in words (the scan to annul may be on the server or in the queue)."""
    if is_offline(ctx):
        raise StoreError(UNDO_OFFLINE, kind=FaultKind.UNREACHABLE)


def find_code(ctx: UiContext, text: str) -> Person | None:
    """The person whose code `text` is: from the local copy while offline, else from the server."""
    if ctx.offline is not None and ctx.offline.offline:
        return ctx.offline.person(text)
    return find_by_code(ctx.db(), text)


def find_code_at_end(ctx: UiContext, text: str) -> Person | None:
    """A badge scanned onto typed text; offline, nothing (the text is tried as a code)."""
    if is_offline(ctx):
        return None
    return find_by_code_at_end(ctx.db(), text)


def search_people(ctx: UiContext, text: str, limit: int) -> list[SearchHit]:
    """Name search on the server; offline none (the Enter tries the text as a code in the local copy)."""
    if is_offline(ctx):
        return []
    return search(ctx.db(), text, limit=limit)
