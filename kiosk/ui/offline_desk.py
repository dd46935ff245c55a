"""The desk's and door's offline switch in the app: started with the screen on PostgreSQL, asked by its jobs.

A desk on a `postgresql://` database gets an OfflineSwitch (kiosk/store/offline_switch.py) when its
banner (kiosk/ui/widgets/offline_banner.py) is mounted, kept on the UI context (`ctx.offline`) and
stopped when the desk leaves. The desk's scan and walk-in jobs (kiosk/ui/desk_jobs.py,
kiosk/ui/screens/walk_in.py) write through it, so a scan goes to the server while it answers and
to the local queue while it does not, without the screen choosing. A SQLite desk has the file on
its own disk: no switch, nothing changes.

The local file is in the folder the kiosk keeps its data in (`offline_folder`): KIOSK_OFFLINE_DIR
when set, else the default database's folder (`data/` in a checkout, the user's data folder for an
installed tool), where `kiosk purge` removes it with the rest.

While offline the desk's own reads ask the local copy instead of a server that is gone
(kiosk.store.offline_reads): is this a code, whose name is this (`find_code`, `search_people`:
folded, `celik` finds Çelik), and the side panel's counts and last scans, this desk's queued
scans among them marked as waiting (`side_panel`). A door's count of its room likewise
(`door_inside`); the door keeps its session's presence and sign-ups in the copy (`follow_session`),
and while offline scans only for a session its copy holds (`door_choice_refusal`). A desk or door
that starts while its server is away gets its switch before its screen (kiosk/ui/offline_start.py),
and a door its sessions from the programme file (`door_sessions`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.config import DEFAULT_DB
from kiosk.domain.outcomes import Person
from kiosk.domain.scan_rules import VENUE
from kiosk.domain.views import RecentScan, SearchHit
from kiosk.i18n import Text
from kiosk.store.attendees import find_by_code, find_by_code_at_end, search
from kiosk.store.db import FaultKind, StoreError, StoreFault, is_url

if TYPE_CHECKING:
    from kiosk.store.offline_reads import PanelFigures
    from kiosk.store.offline_switch import OfflineSwitch
    from kiosk.store.session_clock import StoredDays
    from kiosk.store.stats import SessionStat
    from kiosk.ui.context import UiContext

# The switch and the local copy (kiosk/store/offline_*.py), and the door's session figures, are
# imported where they are first used: a desk on SQLite never needs them, and importing them
# with every desk cost ~10 ms of its start-up before the first screen.

UNDO_OFFLINE = ("Undo needs the database server, which cannot be reached now; nothing was undone. "
                "Try again once the desk is online.")


def offline_folder() -> Path:
    """Where this device keeps its local copy and queue: KIOSK_OFFLINE_DIR, else the default database's folder."""
    chosen = os.environ.get("KIOSK_OFFLINE_DIR")
    folder = Path(chosen) if chosen else DEFAULT_DB.parent
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def make_switch(*args, **kwargs) -> OfflineSwitch:
    """kiosk.store.offline_switch.make_switch, imported with the first switch (a desk on PostgreSQL)."""
    from kiosk.store import offline_switch

    return offline_switch.make_switch(*args, **kwargs)


def start_switch(ctx: UiContext) -> OfflineSwitch | None:
    """The desk's switch, started (None on SQLite); kept on `ctx.offline` for the jobs."""
    if not is_url(ctx.settings.db_path):
        return None
    if ctx.offline is None:
        switch = make_switch(ctx.settings.db_path, offline_folder(), ctx.device, role=ctx.role,
                             clock=ctx.clock.now, lists=_lists(ctx.door_session if ctx.role == "door" else None))
        switch.start()
        ctx.offline = switch
    return ctx.offline


def stop_switch(ctx: UiContext) -> None:
    """Stop the background and close the local file (what waits is uploaded when the desk opens again)."""
    switch, ctx.offline = ctx.offline, None
    if switch is not None:
        switch.close()


# The roles whose screens need the server to open (a door's sessions and counts, the kiosk's seats);
# said by the desk or door that stays ({here}, {this}).
NEEDS_SERVER = {
    "door": Text("De deur heeft de databaseserver nodig om te openen, en die is nu niet bereikbaar; {here} "
                 "scant offline door. Probeer het zodra {this} weer online is.",
                 "The door needs the database server to open, and it cannot be reached now; {here} scans on "
                 "offline. Try again once {this} is online."),
    "selfservice": Text("De zelfservicekiosk heeft de databaseserver nodig om te openen, en die is nu niet bereikbaar; "
                        "{here} scant offline door. Probeer het zodra {this} weer online is.",
                        "The self-service kiosk needs the database server to open, and it cannot be reached now; "
                        "{here} scans on offline. Try again once {this} is online."),
}
STAYS = {"desk": (Text("deze balie", "this desk"), Text("de balie", "the desk")),
         "door": (Text("deze deur", "this door"), Text("de deur", "the door"))}


def offline_refusal(ctx: UiContext, role: str) -> str | None:
    """Why a switch to `role` (an F-key) is refused while this desk is offline, in its language; None when it is not.

    The role the app started in is never refused (kiosk/ui/app.py): a door started offline keeps its screen.
    """
    if role not in NEEDS_SERVER or not is_offline(ctx):
        return None
    here, this = STAYS["door" if ctx.role == "door" else "desk"]
    return NEEDS_SERVER[role](ctx.lang, here=here(ctx.lang), this=this(ctx.lang))


DOOR_CHOICE_OFFLINE = Text(
    "Offline scant deze deur alleen voor {title}: daarvan heeft hij een kopie. Een andere sessie kan zodra de "
    "server terug is.",
    "Offline this door scans only for {title}: it holds a copy of that one. Another session once the server is back.")


def door_choice_refusal(ctx: UiContext, session_id: str, title_of: Callable[[str], str]) -> str | None:
    """Why an offline door stays on its session when another is chosen (F7), in its language; None when it need not.

    The copy holds the presence and sign-ups of the session it follows only: another's count and
    "already inside" would be made up. `title_of` gives a session's title by id.
    """
    if not is_offline(ctx) or ctx.offline is None or session_id in ctx.offline.lists:
        return None
    followed = [list_ for list_ in ctx.offline.lists if list_ != VENUE]
    return DOOR_CHOICE_OFFLINE(ctx.lang, title=", ".join(title_of(list_) for list_ in followed))


def door_sessions(ctx: UiContext) -> tuple[dict[str, SessionStat], StoredDays]:
    """The sessions a door chooses from, and the days they are on: the server's; offline the programme file's.

    A door started while its server is away (kiosk/ui/offline_start.py) reads them from the same
    file the server's sessions were synced from, and syncs them once the server answers.
    """
    from kiosk.store.session_clock import StoredDays, stored_days
    from kiosk.store.stats import SessionStat, load_sessions

    if not is_offline(ctx):
        try:
            db = ctx.db()
            return load_sessions(db), stored_days(db)
        except StoreFault:
            if ctx.offline is None:
                raise
    programme = ctx.programme
    sessions = {s.id: SessionStat(id=s.id, title=s.title, kind=s.kind.value, round=s.round,
                                  starts_at=s.start.strftime("%H:%M"), ends_at=s.end.strftime("%H:%M") if s.end else None,
                                  room=s.room, capacity=programme.capacity(s), signup=bool(s.signup),
                                  day=s.day.isoformat() if s.day else "")
                for s in programme.sessions}
    return sessions, StoredDays(programme.day_clock, programme.event.date)


def is_offline(ctx: UiContext) -> bool:
    """True while the desk answers from its local copy."""
    return ctx.offline is not None and ctx.offline.offline


def refuse_offline_undo(ctx: UiContext) -> None:
    """An undo while offline: refused in words (the scan to annul may be on the server or in the queue)."""
    if is_offline(ctx):
        raise StoreError(UNDO_OFFLINE, kind=FaultKind.UNREACHABLE)


def find_code(ctx: UiContext, text: str) -> Person | None:
    """The person whose code `text` is: from the local copy while offline, else from the server."""
    _active(ctx)
    if ctx.offline is not None and ctx.offline.offline:
        return ctx.offline.person(text)
    return find_by_code(ctx.db(), text)


def find_code_at_end(ctx: UiContext, text: str) -> Person | None:
    """A badge scanned onto typed text; offline, nothing (the text is tried as a code)."""
    if is_offline(ctx):
        return None
    return find_by_code_at_end(ctx.db(), text)


def search_people(ctx: UiContext, text: str, limit: int) -> list[SearchHit]:
    """Name search on the server; offline in the local copy (the same folded words)."""
    _active(ctx)
    if ctx.offline is not None and ctx.offline.offline:
        return ctx.offline.search(text, limit)
    return search(ctx.db(), text, limit=limit)


def side_panel(ctx: UiContext, shown: Sequence[RecentScan]) -> PanelFigures | None:
    """Offline, the desk's side panel from the copy (arrived, expected, last 10 min, last scans); online None.

    The figures are None while the copy has never been filled (kiosk.store.offline_reads.side_panel).

    `shown`: the last scans the panel read from the server; this desk's queued ones go on top.
    """
    if ctx.offline is None or not ctx.offline.offline:
        return None
    return ctx.offline.side_panel(ctx.clock.now(), shown)


def door_inside(ctx: UiContext, session_id: str) -> int | None:
    """How many are inside the door's session: on the server, or as the local copy knows while offline.

    None when a door on PostgreSQL finds its server gone before its switch does (the next scan
    goes offline); on SQLite a fault is raised as before.
    """
    if ctx.offline is not None and ctx.offline.offline:
        return ctx.offline.inside(session_id)
    from kiosk.store.stats import presence_counts

    try:
        return presence_counts(ctx.db(), {session_id}).get(session_id, (0, 0))[0]
    except StoreFault:
        if ctx.offline is None:
            raise
        return None


def follow_session(ctx: UiContext, session_id: str | None) -> None:
    """The door chose a session: its presence is kept in the copy from now on (with the venue's)."""
    if ctx.offline is not None:
        ctx.offline.set_lists(_lists(session_id))


def _active(ctx: UiContext) -> None:
    """A key or an Enter at the desk: the switch's background holds off a moment (kiosk.store.offline_switch)."""
    if ctx.offline is not None:
        ctx.offline.note_activity()


def _lists(session_id: str | None) -> tuple[str, ...]:
    return (VENUE, session_id) if session_id and session_id != VENUE else (VENUE,)
