"""Update a Static in place: a repaint of its lines when it keeps its height, a layout only when it may not.

Textual's `Static.update` lays the whole screen out by default, since new text may change the
widget's height; at the desk and the door that layout was most of the frame that shows a scan's
answer (bench/scan_profile.py). Most answers take the rows the last one took (a name on one
line, the same number of message lines), and the same text again needs nothing at all.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.css.scalar import Unit
from textual.widgets import Static


def rows(text: str, width: int) -> int | None:
    """How many rows `text` takes at `width` cells when each of its lines fits (else None: not known)."""
    lines = text.split("\n")  # an empty text still takes its one row
    return len(lines) if width > 0 and all(cell_len(line) <= width for line in lines) else None


def update_in_place(static: Static, content: str | Content) -> None:
    """Show `content` (plain text or Content) in `static`, with a layout only when its height may change.

    A widget of fixed height never needs one for new text; one of `height: auto` only when the
    rows the new text takes (at least its `min-height`) are not the rows it has. A `min-height`
    in the stylesheet so keeps a widget whose number of lines varies from person to person (the
    desk's sessions, the door's message) from laying the screen out at every other answer.
    """
    old, new = str(static.content), str(content)
    if old == new and type(static.content) is type(content):
        return
    styles = static.styles
    if styles.height is not None and not styles.height.is_auto:
        static.update(content, layout=False)  # its height does not follow its text
        return
    width, height = static.content_size
    after = rows(new, width)
    least = styles.min_height
    at_least = int(least.value) if least is not None and least.unit is Unit.CELLS else 0
    static.update(content, layout=after is None or max(after, at_least) != height)
