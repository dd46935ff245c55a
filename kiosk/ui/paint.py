"""Hand a screen's pending repaints over at once, so everything an event changed shows in one frame.

Textual repaints in frames (60 a second). A widget tells its screen that it changed only when its
own message queue runs dry, one or more event-loop turns after the handler that changed it; the
screen meanwhile paints whatever it was told already. On the desk, the letter just typed went out
alone and the matching names a frame (17 ms) or two later. `paint_now` does for every widget now
what its idle handler would do later (through kiosk.ui.textual_internals.check_refresh: Textual
has no public call for it).
"""

from __future__ import annotations

from textual.dom import DOMNode

from kiosk.ui.textual_internals import check_refresh


def paint_now(node: DOMNode) -> None:
    """Tell the screen now about every change below `node` (a no-op for widgets that did not change)."""
    for widget in node.walk_children():
        check_refresh(widget)
