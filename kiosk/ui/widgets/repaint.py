"""Update a Static in place: a repaint of its lines when it keeps its height, a layout only when it may not.

Textual's `Static.update` lays the whole screen out by default, since new text may change the
widget's height; at the desk and the door that layout was most of the frame that shows a scan's
answer (bench/scan_profile.py). Most answers take the rows the last one took (a name on one
line, the same number of message lines), and the same text again needs nothing at all.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.content import Content
from textual.widgets import Static


def rows(text: str, width: int) -> int | None:
    """How many rows `text` takes at `width` cells when each of its lines fits (else None: not known)."""
    lines = text.split("\n")
    return len(lines) if text and width > 0 and all(cell_len(line) <= width for line in lines) else None


def update_in_place(static: Static, content: str | Content) -> None:
    """Show `content` (plain text or Content) in `static`, with a layout only when its height may change."""
    old, new = str(static.content), str(content)
    if old == new and type(static.content) is type(content):
        return
    width = static.content_size.width
    before = rows(old, width)
    static.update(content, layout=before is None or before != rows(new, width))
