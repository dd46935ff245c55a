"""The desk's quiet line under the answer: one row of plain text, cut with '…' when it does not fit.

A Static did this, and rendered its one row in 0.5 ms of CPU (Textual's Content, its styles and
its line at each change); the desk empties the line at every Enter and renders it while the
scan's commit waits, beside the writer thread that needs the interpreter for the commit
(bench/scan_profile.py). This draws its row itself (Line API): the text in the widget's own style
(styles.tcss), kept until the text, the width or the styles change. The text is never markup.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget


class QuietLine(Widget):
    """One row of plain text in the widget's style; `say` changes it, repainting that row only."""

    DEFAULT_CSS = "QuietLine { height: 1; }"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._text = ""
        self._row: tuple[str, int, Strip] | None = None  # the text and width the row was made for
        self._style: Style | None = None

    @property
    def text(self) -> str:
        """What the line says now."""
        return self._text

    def say(self, text: str) -> None:
        """Show `text` (the same text again changes nothing)."""
        if text != self._text:
            self._text = text
            self.refresh()

    def notify_style_update(self) -> None:
        """Another colour or background: make the row again."""
        super().notify_style_update()
        self._style, self._row = None, None

    def render_line(self, y: int) -> Strip:
        """The text, cut with '…' to the width (Line API); one row."""
        width = self.size.width
        if self._style is None:
            self._style = self.rich_style
        if y != 0:
            return Strip.blank(width, self._style)
        row = self._row
        if row is None or row[0] != self._text or row[1] != width:
            text = self._text
            if cell_len(text) > width:
                text = Content(text).truncate(width, ellipsis=True).plain
            row = (self._text, width, Strip([Segment(text, self._style)]).adjust_cell_length(width, self._style))
            self._row = row
        return row[2]
