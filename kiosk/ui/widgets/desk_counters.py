"""The desk's side panel: arrived / expected, arrivals in the last ten minutes, this desk's last scans.

The list of last scans can be entered (F9 on the desk) to pick one to undo; otherwise it never
takes focus, so scanner input always lands in the desk's input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from rich.text import Text as RichText
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from kiosk.domain.outcomes import LIGHT_OF_REASON, Light
from kiosk.i18n import Text, reason_text
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.scan_answer import SYMBOL, clock_time

WORDS = {
    "arrived": Text("Aangekomen {arrived} / {expected}", "Arrived {arrived} / {expected}"),
    "recently": Text("Laatste 10 min: {count}", "Last 10 min: {count}"),
    "recent_title": Text("Laatste scans hier", "Last scans here"),
    "time": Text("Tijd", "Time"),
    "who": Text("Wie", "Who"),
    "answer": Text("Antwoord", "Answer"),
    "annulled": Text("(geannuleerd)", "(annulled)"),
}
# DataTable cells are rich Text, which takes colour names rather than theme variables.
LIGHT_STYLE = {Light.GREEN: "green", Light.AMBER: "yellow", Light.RED: "red"}


@dataclass
class Counts:
    """What the side panel shows; read by the screen from the store."""

    arrived: int
    expected: int
    last_ten_minutes: int
    recent: list[dict]


class RecentScans(DataTable):
    """The last scans at this desk, newest first; row keys are scan ids."""

    can_focus = False
    BINDINGS = [
        Binding("escape", "leave", "Terug/Back"),
    ]

    class Left(Message):
        """The user left the list (Escape) without choosing."""

    def action_leave(self) -> None:
        """Give focus back to the desk's input."""
        self.post_message(self.Left())


class DeskCounters(Vertical):
    """Counters and the list of this desk's last scans."""

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.rows: dict[int, dict] = {}
        self._shown: Counts | None = None
        self._widths: tuple[int, int] = (0, 0)

    def compose(self) -> ComposeResult:
        yield Static("", id="counters-arrived", markup=False)
        yield Static("", id="counters-recently", markup=False)
        yield Static(WORDS["recent_title"](self.lang), id="counters-title", markup=False)
        yield RecentScans(id="counters-recent", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self._columns(11, 9)

    def _columns(self, who: int, answer: int) -> None:
        """(Re)make the columns: HH:MM, the name, a symbol and the answer's word."""
        table = self.query_one(RecentScans)
        table.clear(columns=True)
        # rich Text labels: a str label is parsed as markup (and costs a first-use regex build).
        table.add_column(RichText(WORDS["time"](self.lang)), key="time", width=5)
        table.add_column(RichText(WORDS["who"](self.lang)), key="who", width=who)
        table.add_column(RichText(WORDS["answer"](self.lang)), key="answer", width=answer)
        self._widths = (who, answer)

    def on_resize(self) -> None:
        """A wider panel (a large terminal) gives names and answers their room instead of '…'."""
        # The panel's width less the time column, three cells' padding and the scroll bar.
        room = max(self.content_size.width - 5 - 6 - 1, 20)
        answer = max(9, min(32, room * 9 // 20))
        if (room - answer, answer) != self._widths:
            self._columns(room - answer, answer)
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
        annulled = {row["annuls"] for row in counts.recent if row["annuls"]}
        table = self.query_one(RecentScans)
        cursor = table.cursor_row
        table.clear()
        self.rows = {}
        for row in counts.recent:
            self.rows[row["id"]] = row
            # StrEnum keys match the stored strings; a reason this screen does not know shows amber.
            light = LIGHT_OF_REASON.get(row["reason"], Light.AMBER)
            answer = f"{SYMBOL[light]} {reason_text(row['reason'], self.lang)}"
            if row["direction"] == "exit" and row["reason"] not in ("exit", "not_inside"):
                answer = f"↦ {answer}"
            if row["id"] in annulled:
                answer = f"{answer} {WORDS['annulled'](self.lang)}"
            who = clean(row["name"] or row["raw_code"]) or "—"
            # rich Text cells: plain str cells would be parsed as markup.
            table.add_row(
                RichText(clock_time(row["at"])[:5]),
                RichText(who, overflow="ellipsis", no_wrap=True),
                RichText(answer, overflow="ellipsis", no_wrap=True,
                         style="dim strike" if row["id"] in annulled else LIGHT_STYLE[light]),
                key=str(row["id"]),
            )
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
