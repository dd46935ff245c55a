"""The organiser's live dashboard: rooms now, the next slot's load, arrivals, last scans, alerts.

Live without re-reading everything: a watcher polls `PRAGMA data_version` every 0.3 s (on PostgreSQL, a
notification calls at once: kiosk/ui/watching.py) and
only then does `LiveStats.refresh` query what new scans touched. The clock (KIOSK_NOW in a
rehearsal) decides which slot is running; the screen redraws each second for that.
`--public` shows counts only: no names, no last scans. A read that fails (the server stopped, the
network dropped) leaves the figures on screen and says so in one sentence (widgets/server_away.py);
the next read that works hides it and reads everything again.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import TypeVar

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Footer, Static

from kiosk.domain.link_rules import connection_fault
from kiosk.i18n import Text
from kiosk.store.db import Database, StoreFault, explain
from kiosk.store.stats import LiveStats, expected_load
from kiosk.ui.fault import fault_message
from kiosk.ui.watching import watch
from kiosk.ui.widgets.alerts import AlertsList
from kiosk.ui.widgets.arrivals_chart import ArrivalsChart
from kiosk.ui.widgets.city_counts import PUBLIC_SMALLEST_GROUP, CityCounts
from kiosk.ui.widgets.device_list import DeviceList
from kiosk.ui.widgets.event_header import EventHeader
from kiosk.ui.widgets.kiosk_look import bilingual, in_language
from kiosk.ui.widgets.occupancy_table import HEAD_NEXT, HEAD_RUNNING, OccupancyTable, next_line, running_line
from kiosk.ui.widgets.scan_feed import ScanFeed
from kiosk.ui.widgets.server_away import ServerAway, away_text

R = TypeVar("R")

POLL_SECONDS = 0.3
# An untouched PIN prompt on the public dashboard closes after this long (as the kiosk's idle reset).
PROMPT_IDLE_SECONDS = 45.0
# A full re-read now and then catches what no scan announces (an import, a repair of `presence`).
FULL_REFRESH_SECONDS = 30.0
# Whether badge codes are being guessed at the public kiosks (kiosk.store.code_guard): looked at on
# a timer, one small read, since the misses send no notice (a script's would flood every screen).
GUESSING_SECONDS = 5.0

T = {
    "title": Text("Dashboard", "Dashboard"),
    "public": Text("Dashboard (publiek)", "Dashboard (public)"),
    "now": Text("Nu ({time})", "Now ({time})"),
    "now_none": Text("Nu: geen programma-onderdeel", "Now: nothing on the programme"),
    "next": Text("Hierna: verwachte drukte ({time})", "Next: expected load ({time})"),
    "next_none": Text("Hierna: niets meer vandaag", "Next: nothing more today"),
    "alerts": Text("Meldingen", "Alerts"),
    "arrivals": Text("Aankomsten", "Arrivals"),
    "by_city": Text("Per stad", "Per city"),
    "by_organisation": Text("Per organisatie", "Per organisation"),
    "scans": Text("Laatste scans (alle balies en deuren)", "Last scans (all desks and doors)"),
}


class DashboardScreen(Screen[None]):
    """Everything an organiser walking the venue wants to know, refreshed within a second."""


    BINDINGS = [
        *bilingual("f9", "toggle_group", "Stad/Org", "City/Org"),
        *bilingual("f10", "refresh_all", "Ververs", "Refresh"),
        # The public (locked) dashboard: staff leave it with the PIN, as at the self-service kiosk.
        *bilingual("ctrl+s", "staff", "Personeel", "Staff"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    group: reactive[str] = reactive("city")

    def compose(self) -> ComposeResult:
        ctx = self.app.ctx
        lang = ctx.lang
        yield EventHeader(ctx.event.name, T["public" if ctx.public else "title"](lang), ctx.clock)
        yield ServerAway(lang, id="dash-away")
        with VerticalScroll(id="dash-body"):
            with Horizontal(id="dash-columns"):
                with Vertical(id="dash-left", classes="dash-column"):
                    yield Static(T["alerts"](lang), classes="dash-heading")
                    yield AlertsList(id="dash-alerts")
                    yield Static("", classes="dash-heading", id="dash-now-title")
                    yield OccupancyTable(HEAD_RUNNING, id="dash-running")
                    yield Static("", classes="dash-heading", id="dash-next-title")
                    yield OccupancyTable(HEAD_NEXT, id="dash-next")
                with Vertical(id="dash-right", classes="dash-column"):
                    yield Static(T["arrivals"](lang), classes="dash-heading")
                    yield ArrivalsChart(id="dash-arrivals")
                    yield Static("", classes="dash-heading", id="dash-group-title")
                    yield CityCounts(id="dash-groups")
                    if not ctx.public:
                        yield Static(T["scans"](lang), classes="dash-heading")
                        yield ScanFeed(id="dash-scans")
                        yield DeviceList(lang, id="dash-devices")  # desks and doors on PostgreSQL (issue 18)
        yield Footer()

    def on_mount(self) -> None:
        ctx = self.app.ctx
        # The public one reads no last scans (names): its PostgreSQL login may not (kiosk.store.pg_roles).
        self.stats = LiveStats(recent_limit=0 if ctx.public else 12)
        self._read_at: dt.datetime | None = None  # when the figures on screen were read
        self._load: dict[str, tuple[int, int]] = {}
        self._first_minute = 540 - 30
        self._full()
        self._watcher = watch(self, self._poll)
        self.set_interval(POLL_SECONDS, self._poll)
        self.set_interval(1.0, self._draw)
        self.set_interval(1.0, self._close_idle_prompt)
        self.set_interval(FULL_REFRESH_SECONDS, self.action_refresh_all)
        if not ctx.public:  # the public login reads no misses; the hall's screen need not say it either
            self._guessing()
            self.set_interval(GUESSING_SECONDS, self._guessing)
        self._draw()

    def on_unmount(self) -> None:
        self._watcher.close()

    def _poll(self) -> None:
        """Re-query only when another connection committed, and only what its scans touched."""
        if self._watcher.changed():
            self._read(self.stats.refresh)
            self._draw()

    def _read(self, read: Callable[[Database], R]) -> R | None:
        """One read of the figures; a fault leaves those on screen and is said in one line (None)."""
        ctx = self.app.ctx
        line = self.query_one(ServerAway)
        try:
            found = read(ctx.db())
        except StoreFault as error:
            fault = explain(error)
            said = away_text(ctx.lang, self._read_at) if connection_fault(fault.kind) else fault_message(fault, ctx.lang)
            line.away(said)
            return None
        self._read_at = ctx.clock.now()
        if line.is_away:
            line.back()
            self.call_later(self.action_refresh_all)  # what changed while it was away sent no notice
        return found

    def _guessing(self) -> None:
        """Read whether badge codes are being guessed now (the alert shows at the next draw)."""
        self._read(lambda db: self.stats.read_guessing(db) or True)

    def _full(self) -> None:
        """Read every figure (and where the arrivals chart starts)."""
        if self._read(lambda db: self.stats.full(db) or True):
            days = self.stats.days
            # Minutes on the conference day (kiosk.store.session_clock): a night's 00:30 is after its 23:00.
            self._first_minute = min((days.minute(s.starts_at) for s in self.stats.sessions.values()),
                                     default=540) - 30

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The staff key only where there is something to unlock; each key in the screen's language."""
        if not in_language(parameters, self.app.ctx.lang):
            return False
        return self.app.locked if action == "staff" else True

    def action_staff(self, lang: str = "") -> None:
        """Open the PIN prompt; a correct PIN unlocks into the chosen role (or quits)."""
        from kiosk.ui.screens.pin_prompt import PinPrompt

        if self.app.screen is self:
            self.app.push_screen(PinPrompt(self.app.ctx.lang), self._after_pin)

    def _after_pin(self, choice: str | None) -> None:
        if choice:
            self.app.unlock(choice)

    def _close_idle_prompt(self) -> None:
        """A PIN prompt a passer-by opened on the public dashboard closes after a while untouched."""
        from kiosk.ui.screens.pin_prompt import PinPrompt

        prompt = self.app.screen
        if isinstance(prompt, PinPrompt) and time.monotonic() - self.app.last_input > PROMPT_IDLE_SECONDS:
            prompt.action_cancel()

    def action_refresh_all(self, lang: str = "") -> None:
        """Read every figure again."""
        self._full()
        self._draw()

    def action_toggle_group(self, lang: str = "") -> None:
        """Arrivals per city, or per organisation."""
        self.group = "organisation" if self.group == "city" else "city"

    def watch_group(self) -> None:
        if self.is_mounted:
            self._draw()

    def _draw(self) -> None:
        """Put the cached figures on screen for the clock's current moment (no queries but one small one)."""
        ctx, stats = self.app.ctx, self.stats
        lang, now = ctx.lang, ctx.clock.now()
        running, upcoming = stats.slots(now)
        self.query_one(AlertsList).show(stats.alerts(now), lang)
        self.query_one("#dash-now-title", Static).update(
            Content(T["now"](lang, time=now.strftime("%H:%M")) if running else T["now_none"](lang))
        )
        # Items for everyone (walk-in, plenary, breaks, closing) count the venue: nobody scans at their door.
        venue = stats.inside_venue
        self.query_one("#dash-running", OccupancyTable).show([running_line(s, lang, venue) for s in running], lang)
        if upcoming:
            ids = [s.id for s in upcoming]
            load = self._read(lambda db: expected_load(db, ids))
            self._load = self._load if load is None else load  # the server away: the last load read stays
            load = self._load
            title = T["next"](lang, time=upcoming[0].starts_at)
            lines = [next_line(s, *load.get(s.id, (0, 0)), lang, venue) for s in upcoming]
        else:
            title, lines = T["next_none"](lang), []
        self.query_one("#dash-next-title", Static).update(Content(title))
        self.query_one("#dash-next", OccupancyTable).show(lines, lang)
        self.query_one(ArrivalsChart).show(
            stats.arrivals, stats.arrived, stats.expected, stats.inside_venue,
            self._first_minute, stats.days.minute(now.time()), lang,
        )
        by_city = self.group == "city"
        self.query_one("#dash-group-title", Static).update(Content(T["by_city" if by_city else "by_organisation"](lang)))
        self.query_one(CityCounts).show(stats.by_city if by_city else stats.by_organisation, lang,
                                        smallest=PUBLIC_SMALLEST_GROUP if ctx.public else 1)
        if not ctx.public:
            self.query_one(ScanFeed).show(stats.recent, lang)
