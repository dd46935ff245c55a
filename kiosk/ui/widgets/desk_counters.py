"""The desk's side panel: arrived / expected, arrivals in the last ten minutes, this desk's last scans.

The list of last scans can be entered (F9 on the desk) to pick one to undo; otherwise it never
takes focus, so scanner input always lands in the desk's input. Each row names the person with
their organisation (or city) on a second line: a day has namesakes, and undoing the wrong
"Daan Meijer" un-arrives someone else.

The panel keeps itself fresh: it re-reads when another connection committed (`PRAGMA
data_version`, polled), after the desk's own scans (`refresh_counts`), and every WINDOW_SECONDS
for "last 10 min", whose window moves with the clock even when nobody writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

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
from kiosk.ui.watching import watch
from kiosk.ui.widgets.kiosk_look import bilingual, in_language
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.scan_answer import SYMBOL, clock_time

WORDS = {
    "arrived": Text("Aangekomen {arrived} / {expected}", "Arrived {arrived} / {expected}"),
    "recently": Text("Laatste 10 min: {count}", "Last 10 min: {count}"),
    "recent_title": Text("Laatste scans hier", "Last scans here"),
    "time": Text("Tijd", "Time"),
    "who_answer": Text("Wie · antwoord", "Who · answer"),
    "annulled": Text("(geannuleerd)", "(annulled)"),
}
# DataTable cells are rich Text, which takes colour names rather than theme variables.
LIGHT_STYLE = {Light.GREEN: "green", Light.AMBER: "yellow", Light.RED: "red"}
# How often to ask SQLite whether another process wrote (microseconds a call).
POLL_SECONDS = 0.4
# The narrowest the who column gets (a panel squeezed by a small terminal scrolls sideways instead).
MIN_WHO = 20
# How often "last 10 min" is counted again as the clock moves on (one indexed COUNT).
WINDOW_SECONDS = 20.0


@dataclass
class Counts:
    """What the side panel shows; read by the screen from the store."""

    arrived: int
    expected: int
    last_ten_minutes: int
    recent: list[RecentScan]


class RecentScans(DataTable):
    """The last scans at this desk, newest first; row keys are scan ids."""

    can_focus = False
    BINDINGS = [*bilingual("escape", "leave", "Terug", "Back")]

    class Left(Message):
        """The user left the list (Escape) without choosing."""

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lang = lang

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape described once, in the desk's language."""
        return in_language(parameters, self.lang)

    def action_leave(self, lang: str = "") -> None:
        """Give focus back to the desk's input."""
        self.post_message(self.Left())


class DeskCounters(Vertical):
    """Counters and the list of this desk's last scans, read from the store and kept fresh."""

    class Unwatched(Message):
        """Other processes' writes cannot be noticed (`message` says why); only this desk's refresh it."""

        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.rows: dict[int, RecentScan] = {}
        self._shown: Counts | None = None
        self._width = 0
        self._watcher: Watcher | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="counters-arrived", markup=False)
        yield Static("", id="counters-recently", markup=False)
        yield Static(WORDS["recent_title"](self.lang), id="counters-title", markup=False)
        yield RecentScans(self.lang, id="counters-recent", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._columns(MIN_WHO)
        try:
            self._watcher = watch(self, self._poll)
        except StoreFault as error:
            self.post_message(self.Unwatched(fault_message(error, self.lang)))
        self.set_interval(POLL_SECONDS, self._poll)
        self.set_interval(WINDOW_SECONDS, self._window_moved)
        # The figures are read on the desk's ScreenResume, which follows the mount.

    def on_unmount(self) -> None:
        if self._watcher is not None:
            self._watcher.close()

    def _poll(self) -> None:
        """Re-read only when some connection (another desk, the CLI) committed."""
        try:
            changed = self._watcher is not None and self._watcher.changed()
        except StoreFault:
            return  # the next write says what is wrong; polling quietly tries again
        if changed:
            self.refresh_counts()

    def refresh_counts(self) -> None:
        """Read the counters and this desk's last scans and show them."""
        ctx = self.app.ctx
        try:
            db = ctx.db()
            counts = Counts(
                arrived=count_arrivals(db), expected=count_expected(db),
                last_ten_minutes=arrivals_since(db, ten_minutes_before(ctx.clock.now())),
                recent=recent_scans(db, device=ctx.device, list_=VENUE, limit=10),
            )
        except StoreFault:
            return  # a database fault: keep the last figures; the answer area says what failed
        self.show(counts)

    def _window_moved(self) -> None:
        """The clock moved on: count "last 10 min" again (nobody may have written since)."""
        if self._shown is None:
            return
        ctx = self.app.ctx
        try:
            count = arrivals_since(ctx.db(), ten_minutes_before(ctx.clock.now()))
        except StoreFault:
            return
        if count != self._shown.last_ten_minutes:
            self._shown.last_ten_minutes = count
            self.query_one("#counters-recently", Static).update(WORDS["recently"](self.lang, count=count))

    def _columns(self, who: int) -> None:
        """(Re)make the columns: HH:MM, and who with the answer (two lines, see `show`)."""
        table = self.query_one(RecentScans)
        table.clear(columns=True)
        # rich Text labels: a str label is parsed as markup (and costs a first-use regex build).
        table.add_column(RichText(WORDS["time"](self.lang)), key="time", width=5)
        table.add_column(RichText(WORDS["who_answer"](self.lang)), key="who", width=who)
        self._width = who

    def on_resize(self) -> None:
        """A wider panel (a large terminal) gives names and answers their room instead of '…'."""
        # The panel's width less the time column, two cells' padding and the scroll bar.
        who = max(self.content_size.width - 5 - 4 - 1, MIN_WHO)
        if who != self._width:
            self._columns(who)
            shown, self._shown = self._shown, None
            if shown is not None:
                self.show(shown)

    def show(self, counts: Counts) -> None:
        """Fill in fresh numbers and rows (nothing to do when they are the ones shown)."""
        if counts == self._shown:
            return
        self._shown = counts
        self.query_one("#counters-arrived", Static).update(
            WORDS["arrived"](self.lang, arrived=counts.arrived, expected=counts.expected))
        self.query_one("#counters-recently", Static).update(
            WORDS["recently"](self.lang, count=counts.last_ten_minutes))
        annulled = {row.annuls for row in counts.recent if row.annuls}
        table = self.query_one(RecentScans)
        cursor = table.cursor_row
        table.clear()
        self.rows = {}
        for row in counts.recent:
            self.rows[row.id] = row
            # StrEnum keys match the stored strings; a reason this screen does not know shows amber.
            light = LIGHT_OF_REASON.get(row.reason, Light.AMBER)
            answer = reason_text(row.reason, self.lang)
            if row.direction == "exit" and row.reason not in ("exit", "not_inside"):
                answer = f"↦ {answer}"
            if row.id in annulled:
                answer = f"{answer} {WORDS['annulled'](self.lang)}"
            # rich Text cells: plain str cells would be parsed as markup. Two lines, each cut at the
            # column's edge: symbol, name and answer; then what tells namesakes apart (organisation,
            # else city), with the column's whole width for it.
            who = RichText(overflow="ellipsis", no_wrap=True, style="dim strike" if row.id in annulled else "")
            who.append(f"{SYMBOL[light]} ", style=LIGHT_STYLE[light])
            who.append(clean(row.name or row.raw_code) or "—")
            who.append(f" · {answer}", style=LIGHT_STYLE[light])
            who.append(f"\n  {clean(affiliation(row.organisation, row.city))}", style="dim")
            table.add_row(RichText(clock_time(row.at)[:5]), who, key=str(row.id), height=2)
        if table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))

    def enter_list(self) -> bool:
        """Let the list take focus so a row can be picked; False when there is nothing to pick."""
        table = self.query_one(RecentScans)
        if not table.row_count:
            return False
        table.can_focus = True
        table.focus()
        table.move_cursor(row=0)
        return True

    def leave_list(self) -> None:
        """Make the list unfocusable again."""
        self.query_one(RecentScans).can_focus = False


def ten_minutes_before(now: dt.datetime) -> dt.datetime:
    """The start of the 'last 10 minutes' window."""
    return now - dt.timedelta(minutes=10)
