"""The desk's list of its last scans: two lines a scan, newest first, each scan rendered once.

A new scan puts one row on top and pushes the oldest out: the rows already there are not rendered
again, only shifted (their lines are kept, `Strip`s, by scan and what the row says). Textual's
DataTable, which this list was, renders every visible cell anew after any change (its caches are
keyed by a count of changes), and its `clear()` and re-filling laid the whole screen out: 17 ms of
the UI thread's CPU and a layout after each scan at the desk (bench/scan_profile.py), in the way
of the badge scanned right after.

A Line API widget (Textual's ScrollView): a header line, then two lines per row; zebra stripes
and a cursor as DataTable draws them (its theme variables). The list never takes focus by
itself, so a scanner's input always lands in the desk's input; F9 on the desk lets it take focus
(`enter`), ↑/↓ move the cursor, Enter or a click on the cursor's row says `Chosen`, Escape says
`Left`.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.text import Text as RichText
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kiosk.ui.widgets.kiosk_look import bilingual, in_language

# Cells: one space of padding either side (as DataTable's), the time column five wide.
PAD = 1
TIME_WIDTH = 5


@dataclass(frozen=True)
class ScanRow:
    """One row: the scan's id, what decides its look (`version`), its time and its two lines of who."""

    key: int
    version: Hashable
    time: str
    who: RichText  # two lines: symbol, name and answer; then what tells namesakes apart


class RecentScans(ScrollView, can_focus=False):
    """The last scans at this desk, newest first; picked from with F9."""

    COMPONENT_CLASSES = {"recent-scans--header", "recent-scans--even-row", "recent-scans--cursor"}
    DEFAULT_CSS = """
    RecentScans {
        background: $surface;
        color: $foreground;
        & > .recent-scans--header { text-style: bold; background: $panel; color: $foreground; }
        & > .recent-scans--even-row { background: $surface-lighten-1 50%; }
        &:dark > .recent-scans--even-row { background: $surface-darken-1 40%; }
        & > .recent-scans--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .recent-scans--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """
    BINDINGS = [
        *bilingual("escape", "leave", "Terug", "Back"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("enter", "choose", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, repaint=False)

    class Left(Message):
        """The user left the list (Escape) without choosing."""

    class Chosen(Message):
        """A row was picked (Enter, or a click on the cursor's row): `scan_id` is its scan."""

        def __init__(self, scan_id: int) -> None:
            super().__init__()
            self.scan_id = scan_id

    def __init__(self, lang: str, header: tuple[str, str], who_width: int, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self._header = header
        self._who = who_width
        self._rows: list[ScanRow] = []
        # Each row's two lines, kept while the row is on the list: (key, version) -> lines.
        self._lines: dict[tuple[int, Hashable], tuple[Strip, Strip]] = {}
        self._set_size()

    @property
    def row_count(self) -> int:
        """How many rows the list holds."""
        return len(self._rows)

    def key_at(self, index: int) -> int | None:
        """The scan id of the row at `index` (None when there is none)."""
        return self._rows[index].key if 0 <= index < len(self._rows) else None

    def set_who_width(self, width: int) -> None:
        """The who column's width (the panel's width changed): every row is rendered again."""
        if width != self._who:
            self._who = width
            self._lines.clear()
            self._set_size()
            self.refresh()

    def show(self, rows: Sequence[ScanRow]) -> None:
        """Show these rows, newest first; a row already shown with the same version is not rendered again."""
        rows = list(rows)
        if [(r.key, r.version) for r in rows] == [(r.key, r.version) for r in self._rows]:
            return
        self._rows = rows
        kept = {(r.key, r.version) for r in rows}
        self._lines = {key: lines for key, lines in self._lines.items() if key in kept}
        if self.cursor_row >= len(rows):
            self.cursor_row = max(len(rows) - 1, 0)
        self._set_size()  # a layout only while the list grows (its height changes)
        self.refresh()

    def _set_size(self) -> None:
        size = Size(self._width, 1 + 2 * len(self._rows))
        if size != self.virtual_size:
            self.virtual_size = size

    @property
    def _width(self) -> int:
        return 2 * PAD + TIME_WIDTH + 2 * PAD + self._who

    # ---- drawing ------------------------------------------------------------------------------

    def _row_lines(self, row: ScanRow) -> tuple[Strip, Strip]:
        """The row's two lines, unstyled by row (zebra and cursor are laid over them when drawn)."""
        key = (row.key, row.version)
        lines = self._lines.get(key)
        if lines is None:
            console = self.app.console
            who = row.who.split("\n", allow_blank=True)
            first, second = (list(who) + [RichText(), RichText()])[:2]
            lines = (self._line(console, RichText(row.time), first), self._line(console, RichText(), second))
            self._lines[key] = lines
        return lines

    def _line(self, console, time: RichText, who: RichText) -> Strip:
        """One line: the time cell and the who cell, each cut at its column's edge (an ellipsis)."""
        segments: list[Segment] = []
        for text, width in ((time, TIME_WIDTH), (who, self._who)):
            cell = text.copy()
            cell.truncate(width, overflow="ellipsis", pad=True)
            segments.append(Segment(" " * PAD))
            segments.extend(cell.render(console))
            segments.append(Segment(" " * PAD))
        return Strip(segments, self._width)

    def render_line(self, y: int) -> Strip:
        """Line `y` of the view: the header (it stays at the top), else a row's line, scrolled."""
        width = self.size.width
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("recent-scans--header")
            time, who = self._header
            strip = self._line(self.app.console, RichText(time), RichText(who))
            return strip.apply_style(base + header).crop_extend(0, width, base + header)
        line = y - 1 + self.scroll_offset.y
        index, part = divmod(line, 2)
        if index >= len(self._rows):
            return Strip.blank(width, base)
        style = base
        if index % 2 == 0:
            style += self.get_component_rich_style("recent-scans--even-row")
        if index == self.cursor_row:
            style += self.get_component_rich_style("recent-scans--cursor")
        strip = self._row_lines(self._rows[index])[part].apply_style(style)
        return strip.crop_extend(int(self.scroll_offset.x), int(self.scroll_offset.x) + width, style)

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)

    def _refresh_row(self, index: int) -> None:
        # Its two lines below the header (ScrollView takes the scroll off).
        self.refresh_lines(1 + 2 * index, 2)

    # ---- picking ------------------------------------------------------------------------------

    def enter(self) -> bool:
        """Take focus with the cursor on the newest row; False when there is nothing to pick."""
        if not self._rows:
            return False
        self.can_focus = True
        self.focus()
        self.cursor_row = 0
        self.scroll_to(y=0, animate=False)
        return True

    def leave(self) -> None:
        """Never take focus again until `enter`."""
        self.can_focus = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape described once, in the desk's language."""
        return in_language(parameters, self.lang)

    def action_leave(self, lang: str = "") -> None:
        """Give focus back to the desk's input."""
        self.post_message(self.Left())

    def action_move(self, delta: int) -> None:
        """Move the cursor a row, scrolling it into view."""
        if not self._rows:
            return
        self.cursor_row = min(max(self.cursor_row + delta, 0), len(self._rows) - 1)
        view = self.scrollable_content_region.height - 1  # lines below the header
        top, bottom = 2 * self.cursor_row, 2 * self.cursor_row + 2
        if top < self.scroll_offset.y:
            self.scroll_to(y=top, animate=False)
        elif bottom > self.scroll_offset.y + view:
            self.scroll_to(y=bottom - view, animate=False)

    def action_choose(self) -> None:
        """Enter: the cursor's row."""
        if (key := self.key_at(self.cursor_row)) is not None:
            self.post_message(self.Chosen(key))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor to the row; a click on the cursor's row chooses it (as DataTable)."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return
        index = (offset.y - 1 + self.scroll_offset.y) // 2
        if index >= len(self._rows):
            return
        event.stop()
        if index == self.cursor_row:
            self.action_choose()
        else:
            self.cursor_row = index

