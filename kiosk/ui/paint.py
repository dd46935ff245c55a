"""Hand a screen's pending repaints over at once, so everything an event changed shows in one frame.

Textual repaints in frames (60 a second). A widget tells its screen that it changed only when its
own message queue runs dry, one or more event-loop turns after the handler that changed it; the
screen meanwhile paints whatever it was told already. On the desk, the letter just typed went out
alone and the matching names a frame (17 ms) or two later. `paint_now` does for every widget now
what its idle handler would do later (through kiosk.ui.textual_internals.check_refresh: Textual
has no public call for it).

`render_ahead` renders widgets that changed before their frame: what the Enter changed at the
desk (the emptied input, the quiet line) is rendered before the scan is handed to the writer
thread, and the frame with the answer, which must come after the commit, then finds those lines
rendered. Before, not beside the store call: rendered while the writer wrote, the two threads took
turns for the interpreter at each of the store's statements, and the writer waited for a core
twice as long (0.5-0.6 against 1.3-1.4 ms a scan, /proc schedstat, three runs each at load 1.2-2).
"""

from __future__ import annotations

from textual.dom import DOMNode
from textual.geometry import Region
from textual.widget import Widget

from kiosk.ui.textual_internals import check_refresh


def paint_now(node: DOMNode) -> None:
    """Tell the screen now about every change below `node` (a no-op for widgets that did not change)."""
    for widget in node.walk_children():
        check_refresh(widget)


def render_ahead(*widgets: Widget) -> None:
    """Render these widgets' lines now (Textual keeps them) so that their next frame only reuses them.

    Safe at any time: a widget changed again afterwards is marked for rendering again, as usual.
    """
    for widget in widgets:
        width, height = widget.outer_size
        if widget.display and widget.is_mounted and width and height:
            widget.render_lines(Region(0, 0, width, height))
