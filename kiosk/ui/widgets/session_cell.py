"""One cell of the schedule grid: short title, room, own time, fill state; laid out for its width."""

from __future__ import annotations

from textual.content import Content
from textual.events import Click
from textual.message import Message
from textual.widget import Widget

from kiosk.domain.grid import Cell, hhmm
from kiosk.domain.programme import Programme
from kiosk.domain.rules import Fill, fill_state
from kiosk.domain.views import EMPTY, Occupancy
from kiosk.ui.widgets import programme_words as words

# From this many columns on, a cell shows the full title instead of the short one.
WIDE = 26
FILL_CLASSES = tuple(f"-fill-{fill.value}" for fill in Fill)


class SessionCell(Widget):
    """Renders one grid cell; re-renders on resize, so a larger terminal shows more text."""

    class Clicked(Message):
        """The cell was clicked; the grid selects it."""

        def __init__(self, cell: SessionCell) -> None:
            super().__init__()
            self.cell = cell

    def __init__(self, cell: Cell, programme: Programme, lang: str, row_end, *, spanning: bool) -> None:
        super().__init__(classes="-spanning" if spanning else "")
        self.cell = cell
        self.programme = programme
        self.lang = lang
        self.row_end = row_end
        self.spanning = spanning
        self.occupancy: Occupancy = EMPTY
        self.title_lines = 1 if spanning else 2
        # The most lines a title may take; the row lowers title_lines when its titles need fewer.
        self.max_title_lines = self.title_lines
        # Set by the row: whether any cell of the row has a time of its own (they share a height).
        self.time_line = False
        self.set_class(cell.continuation, "-continuation")
        self.set_class(not cell.in_grid, "-not-in-grid")

    @property
    def session_id(self) -> str:
        """The session this cell shows."""
        return self.cell.session_id

    def set_occupancy(self, occupancy: Occupancy) -> None:
        """New numbers from the store: refresh the fill line and its colour class."""
        if occupancy == self.occupancy and self.has_class(*FILL_CLASSES):
            return
        self.occupancy = occupancy
        self.remove_class(*FILL_CLASSES)
        if self.cell.session.signup and not self.cell.continuation:
            self.add_class(f"-fill-{self.fill.value}")
        self.refresh()

    @property
    def fill(self) -> Fill:
        """The fill state from confirmed sign-ups against the session's capacity."""
        return fill_state(self.occupancy.confirmed, self.programme.capacity(self.cell.session))

    def on_click(self, event: Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self))

    def render(self) -> Content:
        width = max(self.content_size.width, 1)
        session = self.cell.session
        lang = self.lang
        if self.cell.continuation:
            # Under the overrunning session's column: which session, and until when.
            head = Content(session.label).truncate(width, ellipsis=True)
            tail = Content(words.REACHES_ON_SHORT(lang, end=hhmm(session.end, lang))).truncate(width, ellipsis=True)
            return Content("\n").join([head, tail])
        title = self._title(width)
        lines: list[Content] = []
        if self.spanning:
            return self._spanning_line(width)
        title_lines = [line.stylize("bold") for line in _wrap(title, width, self.title_lines)]
        # Pad the title so the rooms and fill states of a row line up.
        lines += title_lines + [Content("")] * (self.title_lines - len(title_lines))
        if self.time_line:
            lines.append(Content(self._own_time() if self.cell.own_time else "").truncate(width, ellipsis=True))
        room = words.room_name(self.programme, session, lang)
        lines.append(Content(room).stylize("dim").truncate(width, ellipsis=True))
        if session.signup:
            lines.append(self._fill_line(width))
        if self.cell.reaches_on:
            end = hhmm(session.end, lang)
            options = [words.REACHES_ON(lang, end=end), words.REACHES_ON_SHORT(lang, end=end), f"↓ {end}"]
            text = next((option for option in options if len(option) <= width), options[-1])
            lines.append(Content(text).truncate(width, ellipsis=True))
        if not session.in_grid:
            phrase = words.NOT_IN_GRID if width >= 16 else words.NOT_IN_GRID_SHORT
            lines += [line.stylize("italic") for line in _wrap("✱ " + phrase(lang), width, 2)]
        return Content("\n").join(lines)

    def _spanning_line(self, width: int) -> Content:
        """A full-width item on one line: title (and subtitle when there is room), time, room."""
        session, lang = self.cell.session, self.lang
        # The gutter shows only the start of a spanning row, so the cell gives the whole range.
        meta = [words.time_range(session, lang)]
        if session.room:
            meta.append(words.room_name(self.programme, session, lang))
        tail = "  " + " · ".join(meta)
        head = session.title
        if len(head) + len(tail) > width:
            head = session.label
        elif session.subtitle and len(head) + len(session.subtitle) + 3 + len(tail) <= width:
            head = f"{head} — {session.subtitle}"
        elif session.subtitle and width >= 60:
            # Cut the subtitle, not the time: the time is what people look for.
            room_left = width - len(tail) - len(head) - 3
            head = f"{head} — {Content(session.subtitle).truncate(room_left, ellipsis=True).plain}"
        line = Content.assemble((head, "bold"), (tail, "dim"))
        return line.truncate(width, ellipsis=True)

    def _title(self, width: int) -> str:
        """The full title when it fits the cell's lines without cutting, else the short one."""
        session = self.cell.session
        if session.title != session.label and not self.spanning:
            lines = Content(session.title).wrap(width, overflow="ellipsis")
            if len(lines) <= self.max_title_lines and not any("…" in line.plain for line in lines):
                return session.title
        return session.label if not self.spanning else session.title

    def _own_time(self) -> str:
        """The time where it differs from the row: `12.45` when only the start does."""
        session, lang = self.cell.session, self.lang
        if self.cell.reaches_on:
            # Whole where it fits ("14.00–" alone reads as an open end); else the start, and the
            # "↓ 15.30" line below gives the end.
            whole = words.time_range(session, lang)
            return whole if len(whole) <= self.content_size.width else hhmm(session.start, lang) + "–"
        if session.end is not None and session.end == self.row_end:
            start = hhmm(session.start, lang)
            return words.STARTS(lang, start=start) if self.content_size.width >= 14 else start
        return words.time_range(session, lang)

    def _fill_line(self, width: int) -> Content:
        """`● vol 15/15 +2`: symbol and word for the state, the seats, then how many wait."""
        fill = self.fill
        symbol, word = words.FILL[fill]
        capacity = self.programme.capacity(self.cell.session)
        taken = self.occupancy.confirmed
        if capacity is None:
            # No limit: "vrij 1" would read as one seat left; say how many signed up instead.
            options = [f"{symbol} {words.SIGNED_UP(self.lang, n=taken)}",
                       f"{symbol} {words.SIGNED_UP_SHORT(self.lang, n=taken)}"]
            text = next((option for option in options if len(option) <= width), f"{symbol} {taken}")
            return Content.styled(text, "$text-" + FILL_COLOUR[fill]).truncate(width, ellipsis=True)
        count = f"{taken}/{capacity}"
        waiting = f" +{self.occupancy.waitlisted}" if self.occupancy.waitlisted else ""
        word_text = word(self.lang)
        # Longest first; the symbol always stays, so the state reads without colour. The waiting
        # count goes last: it is why a full cell is worth a look ("● vol 15/15" hid 4 waiting). A
        # full room's word already says its count, so "● vol +4" comes before "● 15/15 +4".
        options = [f"{symbol} {word_text} {count}{waiting}"]
        if waiting and fill is Fill.FULL:
            options.append(f"{symbol} {word_text}{waiting}")
        options += [f"{symbol} {count}{waiting}", f"{symbol} {word_text} {count}"]
        text = next((option for option in options if len(option) <= width), f"{symbol} {count}")
        return Content.styled(text, "$text-" + FILL_COLOUR[fill]).truncate(width, ellipsis=True)


FILL_COLOUR = {
    Fill.FREE: "success",
    Fill.FILLING: "accent",
    Fill.ALMOST: "warning",
    Fill.FULL: "error",
    Fill.OVER: "error",
}


def _wrap(text: str, width: int, max_lines: int) -> list[Content]:
    """Word-wrap `text` into at most `max_lines` lines, ending in an ellipsis when cut short."""
    lines = Content(text).wrap(width, overflow="ellipsis")
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    rest = " ".join(line.plain.strip() for line in lines[max_lines - 1:])
    kept[-1] = Content(rest).truncate(width - 1, ellipsis=False).rstrip() + Content("…")
    return kept


def title_lines_needed(cell: SessionCell) -> int:
    """How many lines this cell's title takes at its current width (at most its maximum)."""
    width = cell.content_size.width
    if width <= 0:
        return cell.max_title_lines
    return len(_wrap(cell._title(width), width, cell.max_title_lines))


def cell_height(cells: list[SessionCell], spanning: bool) -> int:
    """The lines a row's cells need: they share one height so the row reads as a row."""
    if spanning and not any(c.cell.continuation for c in cells):
        return 1
    if spanning:
        return 2
    time_line = any(c.cell.own_time for c in cells)
    for cell in cells:
        cell.time_line = time_line
    extra = max(
        (int(c.cell.session.signup) + int(c.cell.reaches_on) + 2 * int(not c.cell.in_grid)) for c in cells
    )
    return cells[0].title_lines + int(time_line) + 1 + extra
