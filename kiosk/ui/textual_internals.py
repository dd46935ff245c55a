"""Every private name of Textual the kiosk uses, in one place, each with the reason it is needed.

Textual (pinned in pyproject.toml, 8.2.8) has no public way to do the four things below. Nothing
else in kiosk/ui may touch a private Textual name (tests/test_textual_internals.py checks the
tree), and that test also checks that each name used here still exists with the shape relied on,
so an upgrade that renames or removes one fails there, naming it, instead of somewhere in a screen.

Where a public way exists, the kiosk uses it instead: key labels in two languages are `bilingual`
bindings filtered by `check_action` (kiosk/ui/widgets/kiosk_look.py); the inputs take keys and
pastes in public `on_key` / `on_paste` handlers, with `prevent_default()` keeping Input's own
handler out when they handled the event; the footer learns that bindings are ready from Footer's
own `bindings_changed`; the crash report is handed over with `App.panic`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.dom import DOMNode
from textual.widgets import _footer

if TYPE_CHECKING:
    from textual.app import App
    from textual.widgets import Input

__all__ = ["CrashReportWithoutLocals", "FooterKey", "check_refresh", "cursor_shown"]

FooterKey = _footer.FooterKey
"""The widget Footer shows one key with (`textual.widgets._footer.FooterKey`).

textual.widgets does not export it, but a footer that fits its width must build the keys it keeps
itself (kiosk/ui/widgets/steady_footer.py), and the desk's speed test counts them.
"""


def check_refresh(node: DOMNode) -> None:
    """Tell the screen now what `node` changed (`Widget._check_refresh`), rather than when idle.

    A widget tells its screen about a change only when its own message queue runs dry, one or more
    event-loop turns after the handler that changed it; Textual's `Widget._on_idle` calls this
    then. kiosk/ui/paint.py calls it at once, so the letter just typed at the desk and the names it
    matches go out in one frame. Textual has no public call that hands a pending repaint, relayout
    or scroll to the screen: `refresh()` only marks the widget as needing one.
    """
    node._check_refresh()


def cursor_shown(field: Input) -> bool:
    """Whether an Input's blinking cursor is in its on phase now (`Input._cursor_visible`).

    kiosk/ui/widgets/scan_input.py keeps the empty field's row (placeholder and cursor) drawn
    between scans, and the cursor's phase is part of what that row shows. Input keeps it in a
    private reactive and has no public way to read it (`cursor_blink` says whether it blinks at all).
    """
    return bool(field._cursor_visible)


class CrashReportWithoutLocals:
    """Mix into the App (before `App`): an unhandled exception's traceback shows no local variables.

    Textual's `App._fatal_error` prints a traceback with `show_locals=True`, and locals can hold
    attendees' names and codes (issue 10). `_fatal_error` is the only hook Textual calls for an
    unhandled exception; it is overridden here, and the report is handed over with the public
    `App.panic` (which prints it after the terminal is restored, as Textual's own does).
    """

    def _fatal_error(self) -> None:
        """Ring the bell and exit with the traceback (frames and message, no locals)."""
        import rich
        from rich.traceback import Traceback

        app: App[object] = self  # type: ignore[assignment]  # a mixin of App
        app.bell()
        app.panic(Traceback(show_locals=False, width=None, suppress=[rich]))
