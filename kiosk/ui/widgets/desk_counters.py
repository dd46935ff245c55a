"""The desk's side panel: arrived / expected, arrivals in the last ten minutes, this desk's last scans.

The list of last scans can be entered (F9 on the desk) to pick one to undo; otherwise it never
takes focus, so scanner input always lands in the desk's input. Each row names the person with
their organisation (or city) on a second line: a day has namesakes, and undoing the wrong
"Daan Meijer" un-arrives someone else.

The panel keeps itself fresh: it re-reads when another connection committed (`PRAGMA
data_version`, polled), after the desk's own scans (`refresh_counts`), and every WINDOW_SECONDS
for "last 10 min", whose window moves with the clock even when nobody writes. On PostgreSQL also
when the desk goes offline (the figures its copy knows, its queued scans marked) and when it is
back online (the server's figures, at the same poll that sees the switch online: the listener
may hear the server again while the switch is still offline, and what it read then was the
copy's). It reads on a thread, and shows what changed without laying the screen out. While
offline with a copy that has never been filled (the server went before its first refresh), the
figures say they are unknown instead of a made-up 0 / 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from kiosk.domain.outcomes import LIGHT_OF_REASON, Light
from kiosk.domain.undo_rules import affiliation
from kiosk.domain.views import RecentScan
from kiosk.i18n import Text, reason_text
from kiosk.store.attendees import count_expected
from kiosk.store.db import StoreFault
from kiosk.store.scan_log import arrivals_since, recent_scans
from kiosk.store.scans import VENUE, count_arrivals
from kiosk.store.watch import Watcher
from kiosk.ui.fault import fault_message
from kiosk.ui.offline_desk import is_offline, side_panel
from kiosk.ui.watching import watch
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.recent_scans import RecentScans, ScanRow
from kiosk.ui.widgets.repaint import update_in_place
from kiosk.ui.widgets.scan_answer import SYMBOL, clock_time

WORDS = {
    "arrived": Text("Aangekomen {arrived} / {expected}", "Arrived {arrived} / {expected}"),
    "recently": Text("Laatste 10 min: {count}", "Last 10 min: {count}"),
    # Offline before the copy was ever filled: no figure to show (0 / 0 would say nobody came).
    "arrived_unknown": Text("Aangekomen: onbekend (offline)", "Arrived: unknown (offline)"),
    "recently_unknown": Text("Laatste 10 min: onbekend", "Last 10 min: unknown"),
    "recent_title": Text("Laatste scans hier", "Last scans here"),
    "time": Text("Tijd", "Time"),
    "who_answer": Text("Wie · antwoord", "Who · answer"),
    "annulled": Text("(geannuleerd)", "(annulled)"),
    # A scan kept on this desk while offline, not on the server yet (the banner says how many).
    "waiting": Text("(wacht)", "(waiting)"),
}
# The list's cells are rich Text, which takes colour names rather than theme variables.
LIGHT_STYLE = {Light.GREEN: "green", Light.AMBER: "yellow", Light.RED: "red"}
# How often to ask SQLite whether another process wrote (microseconds a call).
POLL_SECONDS = 0.4
# The narrowest the who column gets (a panel squeezed by a small terminal scrolls sideways instead).
MIN_WHO = 20
# How often "last 10 min" is counted again as the clock moves on (one indexed COUNT).
WINDOW_SECONDS = 20.0


@dataclass
class Counts:
    """What the side panel shows; read by the screen from the store (None: not known, offline)."""

    arrived: int | None
    expected: int | None
    last_ten_minutes: int | None
    recent: list[RecentScan]


class DeskCounters(Vertical):
    """Counters and the list of this desk's last scans, read from the store and kept fresh."""

    class Unwatched(Message):
        """Other processes' writes cannot be noticed (`message` says why); only this desk's refresh it."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class Counted(Message):
        """The figures read on the reading thread (None: a database fault, the last ones stay)."""

        def __init__(self, counts: Counts | None) -> None:
            super().__init__()
            self.counts = counts

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.rows: dict[int, RecentScan] = {}
        self._shown: Counts | None = None
        self._watcher: Watcher | None = None
        # One read at a time; a refresh asked for meanwhile reads once more after it.
        self._reading = False
        self._read_again = False
        self._was_offline = False  # what the desk's offline switch said at the last poll

    def compose(self) -> ComposeResult:
        yield Static("", id="counters-arrived", markup=False)
        yield Static("", id="counters-recently", markup=False)
        yield Static(WORDS["recent_title"](self.lang), id="counters-title", markup=False)
        yield RecentScans(self.lang, (WORDS["time"](self.lang), WORDS["who_answer"](self.lang)), MIN_WHO,
                          id="counters-recent")

    def on_mount(self) -> None:
        self._was_offline = is_offline(self.app.ctx)
        try:
            self._watcher = watch(self, self._poll)
        except StoreFault as error:
            self.post_message(self.Unwatched(fault_message(error, self.lang)))
        self.set_interval(POLL_SECONDS, self._poll)
        self.set_interval(WINDOW_SECONDS, self.refresh_counts)  # "last 10 min" moves with the clock
        # The figures are read on the desk's ScreenResume, which follows the mount.

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.close()

    def _poll(self) -> None:
        """Re-read only when some connection (another desk, the CLI) committed, or the desk went offline or online.

        The switch's state is two fields in memory (kiosk/ui/offline_desk.py), no statement: the
        read itself is on the reading thread, as always.
        """
        offline = is_offline(self.app.ctx)
        switched, self._was_offline = offline != self._was_offline, offline
        try:
            changed = self._watcher is not None and self._watcher.changed()
        except StoreFault:
            changed = False  # the next write says what is wrong; polling quietly tries again
        if changed or switched:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        """Read the counters and this desk's last scans on a thread, and show them when read.

        Off the UI thread: counting the last ten minutes' arrivals takes ~6 ms at 100,000 people,
        which the next badge's answer waited behind. The watcher is looked at first: what is read
        then holds every commit it saw (this desk's own too), so the next poll does not read the
        same figures again after this desk's own scan.
        """
        if self._watcher is not None:
            try:
                self._watcher.changed()
            except StoreFault:
                pass
        if self._reading:
            self._read_again = True
            return
        self._reading = True
        self.run_worker(self._read, thread=True, exit_on_error=False, group="desk-counters")

    def _read(self) -> None:
        """On the reading thread: the figures, posted back as Counted."""
        ctx = self.app.ctx
        try:
            # Offline: from the local copy, this desk's queued scans marked as waiting (ui/offline_desk.py).
            offline = side_panel(ctx, self._shown.recent if self._shown else [])
            counts: Counts | None = Counts(*offline) if offline is not None else None
            if counts is None:
                db = ctx.db()
                counts = Counts(
                    arrived=count_arrivals(db), expected=count_expected(db),
                    last_ten_minutes=arrivals_since(db, ten_minutes_before(ctx.clock.now())),
                    recent=recent_scans(db, device=ctx.device, list_=VENUE, limit=10),
                )
        except StoreFault:
            counts = None  # a database fault: keep the last figures; the answer area says what failed
        if not get_current_worker().is_cancelled:
            self.post_message(self.Counted(counts))

    def on_desk_counters_counted(self, message: DeskCounters.Counted) -> None:
        """Show what was read; read once more when a refresh was asked for meanwhile."""
        self._reading = False
        if message.counts is not None:
            self.show(message.counts)
        if self._read_again:
            self._read_again = False
            self.refresh_counts()

    def on_resize(self) -> None:
        """A wider panel (a large terminal) gives names and answers their room instead of '…'."""
        # The panel's width less the time column, two cells' padding and the scroll bar.
        who = max(self.content_size.width - 5 - 4 - 1, MIN_WHO)
        self.query_one(RecentScans).set_who_width(who)

    def show(self, counts: Counts) -> None:
        """Fill in fresh numbers and rows (nothing to do when they are the ones shown).

        The numbers are repainted in place (they keep their row), and the list renders only the
        rows that are new or changed (kiosk/ui/widgets/recent_scans.py): no layout of the screen.
        """
        if counts == self._shown:
            return
        self._shown = counts
        known = counts.arrived is not None and counts.expected is not None
        update_in_place(self.query_one("#counters-arrived", Static),
                        WORDS["arrived"](self.lang, arrived=counts.arrived, expected=counts.expected) if known
                        else WORDS["arrived_unknown"](self.lang))
        update_in_place(self.query_one("#counters-recently", Static),
                        WORDS["recently"](self.lang, count=counts.last_ten_minutes)
                        if counts.last_ten_minutes is not None else WORDS["recently_unknown"](self.lang))
        annulled = {row.annuls for row in counts.recent if row.annuls}
        self.rows = {row.id: row for row in counts.recent}
        self.query_one(RecentScans).show([self._row(row, row.id in annulled) for row in counts.recent])

    def _row(self, row: RecentScan, annulled: bool) -> ScanRow:
        """One scan as the list shows it: time, then who with the answer, and their organisation."""
        # StrEnum keys match the stored strings; a reason this screen does not know shows amber.
        light = LIGHT_OF_REASON.get(row.reason, Light.AMBER)
        answer = reason_text(row.reason, self.lang)
        if row.direction == "exit" and row.reason not in ("exit", "not_inside"):
            answer = f"↦ {answer}"
        if annulled:
            answer = f"{answer} {WORDS['annulled'](self.lang)}"
        # rich Text, never markup. Two lines, each cut at the column's edge: symbol, name and
        # answer; then what tells namesakes apart (organisation, else city), with the column's
        # whole width for it.
        who = RichText(overflow="ellipsis", no_wrap=True, style="dim strike" if annulled else "")
        who.append(f"{SYMBOL[light]} ", style=LIGHT_STYLE[light])
        who.append(clean(row.name or row.raw_code) or "—")
        who.append(f" · {answer}", style=LIGHT_STYLE[light])
        who.append("\n  ")
        if row.waiting:  # first on the second line, which a narrow panel does not cut before it
            who.append(f"{WORDS['waiting'](self.lang)} ", style="bold yellow")
        who.append(clean(affiliation(row.organisation, row.city)), style="dim")
        # A row is rendered again only when what it says may have changed: annulled since, or its text.
        version = (annulled, row.reason, row.direction, row.name, row.organisation, row.city, row.at, row.waiting)
        return ScanRow(row.id, version, clock_time(row.at)[:5], who)

    def enter_list(self) -> bool:
        """Let the list take focus so a row can be picked; False when there is nothing to pick."""
        return self.query_one(RecentScans).enter()

    def leave_list(self) -> None:
        """Make the list unfocusable again."""
        self.query_one(RecentScans).leave()


def ten_minutes_before(now: dt.datetime) -> dt.datetime:
    """The start of the 'last 10 minutes' window."""
    return now - dt.timedelta(minutes=10)
