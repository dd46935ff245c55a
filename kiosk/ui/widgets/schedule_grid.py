"""The schedule grid: rows of time slots down, parallel sessions across, one selected cell.

Moving up and down keeps the horizontal position (an anchor), so walking through a spanning
break and back returns to the same column. Search dims what does not match; the running row
and the next one are marked from the app's clock.
"""

from __future__ import annotations

import datetime as dt

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.css.scalar import Scalar, Unit
from textual.message import Message
from textual.widgets import Static

from kiosk.domain.grid import Row, hhmm, matches, next_row, now_row, running_row
from kiosk.domain.programme import Programme
from kiosk.domain.views import EMPTY, Occupancy
from kiosk.ui.widgets import programme_words as words
from kiosk.ui.widgets.kiosk_look import bilingual, in_language
from kiosk.ui.widgets.session_cell import SessionCell, cell_height, title_lines_needed

# From this terminal height on, titles get TALL_TITLE_LINES lines.
TALL = 40
TALL_TITLE_LINES = 3


class GridRow(Horizontal):
    """One time slot: a gutter with its times and now/next marker, then its cells."""

    def __init__(self, row: Row, index: int, cells: list[SessionCell], lang: str) -> None:
        super().__init__(classes="-spanning" if row.spanning else "")
        self.row = row
        self.index = index
        self.cells = cells
        self.lang = lang
        self.marker = ""

    def compose(self) -> ComposeResult:
        yield Static(self._gutter_text(), classes="grid-gutter", markup=False)
        yield from self.cells

    def on_mount(self) -> None:
        self._set_height()

    def set_title_lines(self, count: int) -> None:
        """Allow the titles of this row more or fewer lines (tall terminals get more)."""
        if self.row.spanning:
            return
        for cell in self.cells:
            cell.max_title_lines = count
        self.fit()

    def on_resize(self) -> None:
        self.fit()

    def fit(self) -> None:
        """Give the row as many title lines as its longest title needs at the current width."""
        if self.row.spanning:
            return
        needed = max(title_lines_needed(cell) for cell in self.cells)
        for cell in self.cells:
            if cell.title_lines != needed:
                cell.title_lines = needed
                cell.refresh()
        self._set_height()

    def _set_height(self) -> None:
        # Every cell of a row gets the same height so the row reads as one band.
        height = cell_height(self.cells, self.row.spanning)
        if self.marker and height < 2:
            height = 2  # room for the "now" / "next" word in the gutter
        self.styles.height = height
        for cell in self.cells:
            cell.styles.height = height

    def _gutter_text(self) -> str:
        lines = [hhmm(self.row.start, self.lang)]
        if not self.row.spanning:
            lines.append(hhmm(self.row.end, self.lang) if self.row.end else "…")
        if self.marker:
            lines.append(self.marker)
        return "\n".join(lines)

    def set_marker(self, marker: str) -> None:
        """Mark this row as running ("now"), next, or neither ("")."""
        self.marker = marker
        self.set_class(marker == words.NOW(self.lang), "-running")
        self.set_class(marker == words.NEXT(self.lang), "-next")
        if self.is_mounted:
            self.query_one(".grid-gutter", Static).update(self._gutter_text())
            self._set_height()


class ScheduleGrid(VerticalScroll, can_focus=True):
    """The whole day as a grid of SessionCells, walked by arrows and h/j/k/l."""

    BINDINGS = [
        # One Footer entry stands for all eight keys (the Footer groups by action, so say it once);
        # each twice, in Dutch and in English, and check_action shows the grid's language.
        *bilingual("up,k", "move(-1, 0)", *words.KEYS["move"], key_display="↑↓←→ hjkl"),
        *bilingual("down,j", "move(1, 0)", *words.KEYS["move"], show=False),
        *bilingual("left,h", "move(0, -1)", *words.KEYS["move"], show=False),
        *bilingual("right,l", "move(0, 1)", *words.KEYS["move"], show=False),
    ]

    class SelectionChanged(Message):
        """Another cell was selected; `session_id` is what the detail pane should show."""

        def __init__(self, session_id: str, grid: ScheduleGrid) -> None:
            super().__init__()
            self.session_id = session_id
            self.grid = grid

        @property
        def control(self) -> ScheduleGrid:
            """The grid the selection changed in (a programme of several days has one per day)."""
            return self.grid

    def __init__(self, programme: Programme, rows: list[Row], lang: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.programme = programme
        self.lang = lang
        self.rows = rows
        self.grid_rows = [self._grid_row(index, row) for index, row in enumerate(rows)]
        self.position = (0, 0)
        self._anchor: float = 0.0
        self._query = ""
        self._title_lines = 2

    def _grid_row(self, index: int, row: Row) -> GridRow:
        cells = [SessionCell(c, self.programme, self.lang, row.end, spanning=row.spanning) for c in row.cells]
        continued = [c for c in cells if c.cell.continuation]
        if row.spanning and continued:
            # The continuation sits under its session's column; the break takes the other columns.
            origin = next(r for r in self.rows_before(index) if r.column_of(continued[0].session_id) is not None)
            cells = continued + [c for c in cells if not c.cell.continuation]
            for cell in cells:
                share = 1 if cell.cell.continuation else max(len(origin.cells) - len(continued), 1)
                cell.styles.width = Scalar(share, Unit.FRACTION, Unit.WIDTH)
        return GridRow(row, index, cells, self.lang)

    def rows_before(self, index: int) -> list[Row]:
        """The rows above `index`, nearest first."""
        return list(reversed(self.rows[:index]))

    def compose(self) -> ComposeResult:
        yield from self.grid_rows

    def on_resize(self) -> None:
        # A tall terminal gives each title a third line, so more full titles fit.
        lines = TALL_TITLE_LINES if self.app.size.height >= TALL else 2
        if lines != self._title_lines:
            self._title_lines = lines
            for grid_row in self.grid_rows:
                grid_row.set_title_lines(lines)

    def cell_at(self, row: int, column: int) -> SessionCell:
        """The cell at a grid position."""
        return self.grid_rows[row].cells[column]

    @property
    def selected(self) -> SessionCell:
        """The selected cell."""
        return self.cell_at(*self.position)

    def select(self, row: int, column: int, *, scroll: bool = True) -> None:
        """Select a cell, scroll it into view and tell the screen."""
        row = max(0, min(row, len(self.grid_rows) - 1))
        column = max(0, min(column, len(self.grid_rows[row].cells) - 1))
        old = self.selected
        self.position = (row, column)
        old.remove_class("-selected")
        self.selected.add_class("-selected")
        if scroll:
            self.call_after_refresh(self.scroll_to_widget, self.selected, animate=False)
        self.post_message(self.SelectionChanged(self.selected.session_id, self))

    def select_session(self, session_id: str) -> None:
        """Select the cell of this session (its own, not a continuation)."""
        for index, grid_row in enumerate(self.grid_rows):
            for column, cell in enumerate(grid_row.cells):
                if cell.session_id == session_id and not cell.cell.continuation:
                    self._set_anchor(cell, column, len(grid_row.cells))
                    self.select(index, column)
                    return

    def _set_anchor(self, cell: SessionCell, column: int, count: int) -> None:
        """Remember the horizontal position of a cell as a share of the row's width."""
        gutter = self.grid_rows[0].query_one(".grid-gutter").region if self.is_mounted else None
        left = gutter.right if gutter else 0
        width = self.grid_rows[0].region.right - left if self.is_mounted else 0
        if width > 0 and cell.region.width:
            self._anchor = (cell.region.x + cell.region.width / 2 - left) / width
        else:
            self._anchor = (column + 0.5) / count

    def _column_at(self, row: int) -> int:
        """The cell of a row that lies under the anchor."""
        cells = self.grid_rows[row].cells
        gutter = self.grid_rows[row].query_one(".grid-gutter").region
        width = self.grid_rows[row].region.right - gutter.right
        if width <= 0 or not all(c.region.width for c in cells):
            return min(int(self._anchor * len(cells)), len(cells) - 1)
        x = gutter.right + self._anchor * width
        for index, cell in enumerate(cells):
            if cell.region.x <= x < cell.region.right:
                return index
        return min(range(len(cells)), key=lambda i: abs(cells[i].region.x + cells[i].region.width / 2 - x))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each key only in the grid's language (the other's twin of a `bilingual` key is hidden)."""
        return in_language(parameters, self.lang)

    def action_move(self, rows: int, columns: int, lang: str = "") -> None:
        """Move the selection; vertical moves keep the horizontal position across spanning rows."""
        row, column = self.position
        if columns:
            column = max(0, min(column + columns, len(self.grid_rows[row].cells) - 1))
            self._set_anchor(self.cell_at(row, column), column, len(self.grid_rows[row].cells))
        else:
            row = max(0, min(row + rows, len(self.grid_rows) - 1))
            column = self._column_at(row)
        self.select(row, column)

    def on_session_cell_clicked(self, event: SessionCell.Clicked) -> None:
        """A click selects the cell (and gives the grid the keyboard)."""
        for index, grid_row in enumerate(self.grid_rows):
            if event.cell in grid_row.cells:
                column = grid_row.cells.index(event.cell)
                self._set_anchor(event.cell, column, len(grid_row.cells))
                self.select(index, column, scroll=False)
        self.focus()

    def set_now(self, moment: dt.time | None) -> int:
        """Mark the running and the next row (None: neither, another day); returns where `n` jumps."""
        running = running_row(self.rows, moment) if moment is not None else None
        upcoming = next_row(self.rows, moment) if moment is not None else None
        for index, grid_row in enumerate(self.grid_rows):
            marker = words.NOW(self.lang) if index == running else words.NEXT(self.lang) if index == upcoming else ""
            if marker != grid_row.marker:
                grid_row.set_marker(marker)
        return now_row(self.rows, moment) if moment is not None else 0

    def jump_to_row(self, row: int) -> None:
        """Select the first cell of a row and bring the row into view."""
        self._set_anchor(self.cell_at(row, 0), 0, len(self.grid_rows[row].cells))
        self.select(row, 0)
        self.call_after_refresh(self.scroll_to_widget, self.grid_rows[row], animate=False, top=True)

    def set_occupancy(self, numbers: dict[str, Occupancy]) -> None:
        """New counts from the store for every cell."""
        for grid_row in self.grid_rows:
            for cell in grid_row.cells:
                cell.set_occupancy(numbers.get(cell.session_id, EMPTY))

    def set_filter(self, query: str) -> int:
        """Highlight the sessions matching `query`, dim the rest; returns how many match."""
        self._query = query.strip()
        found: set[str] = set()
        for grid_row in self.grid_rows:
            for cell in grid_row.cells:
                hit = bool(self._query) and matches(cell.cell.session, self._query)
                if hit:
                    found.add(cell.session_id)
                cell.set_class(hit, "-match")
                cell.set_class(bool(self._query) and not hit, "-dimmed")
        if found and self.selected.session_id not in found:
            first = next(c for r in self.grid_rows for c in r.cells if c.session_id in found)
            self.select_session(first.session_id)
        return len(found)
