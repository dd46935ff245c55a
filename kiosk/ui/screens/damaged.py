"""Shown over every role when the start-up check finds the database file damaged.

The check (`PRAGMA quick_check`) runs on a thread while the first screen is built; when it fails
this screen blocks the app: nothing more can be scanned on a damaged file, and Ctrl+Q stops the
kiosk, which then prints the same sentence and exits with status 2, as the CLI does. A locked
(self-service) kiosk is never stopped from here: it would leave a shell to whoever stands there.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from kiosk.i18n import Text

WORDS = {
    "title": Text("DATABASE BESCHADIGD", "DATABASE DAMAGED"),
    "stop": Text("Ctrl+Q = stoppen", "Ctrl+Q = stop"),
}


class DamagedScreen(ModalScreen[None]):
    """One message, no way on but stopping."""

    AUTO_FOCUS = None
    BINDINGS = [Binding("ctrl+q", "stop", "Stop", priority=True)]

    def __init__(self, message: str, lang: str) -> None:
        super().__init__()
        self.message = message
        self.lang = lang

    def compose(self) -> ComposeResult:
        with Vertical(id="damaged-dialog"):
            yield Static(f"✖  {WORDS['title'](self.lang)}", id="damaged-title", markup=False)
            yield Static(self.message, id="damaged-message", markup=False)
            if not self.app.locked:
                yield Static(WORDS["stop"](self.lang), id="damaged-stop", markup=False)
        yield Footer()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No stopping a locked kiosk (staff end the process)."""
        return not (action == "stop" and self.app.locked)

    def action_stop(self) -> None:
        """Stop the kiosk with status 2 (launch prints the sentence once the terminal is back)."""
        self.app.exit(return_code=2)
