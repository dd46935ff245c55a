"""A yes/no question in a dialog: J/Y says yes, Escape or N says no.

Enter is deliberately not "yes": a scanner burst (a code and Enter) that lands while the dialog
is open must not confirm an undo. Nor may its letters (a scanner sending lower case types j and
y): a burst is told from a person's key (kiosk/ui/scanner_keys.py), answers "no", and the code
goes to `on_scan` so the badge is still checked in.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.i18n import Text
from kiosk.ui.scanner_keys import ScannerKeys
from kiosk.ui.widgets.plain import clean

WORDS = {
    "yes": Text("Ja (J)", "Yes (Y)"),
    "no": Text("Nee (Esc)", "No (Esc)"),
}


class ConfirmScreen(ModalScreen[bool]):
    """Asks one question (shown as plain text) and dismisses with True or False."""

    # No widget takes focus: a focused button would turn Enter into an answer.
    AUTO_FOCUS = None
    BINDINGS = [
        Binding("j,y", "answer(True)", "Ja/Yes"),
        Binding("escape,n", "answer(False)", "Nee/No"),
    ]

    def __init__(self, question: str, lang: str, on_scan: Callable[[str], None] | None = None) -> None:
        super().__init__()
        self.question = question
        self.lang = lang
        self._scanner = ScannerKeys.closing(self, lambda: False, on_scan, single_letters=True)

    def take_key(self, event: events.Key) -> bool:
        """Called by the app before a key is dispatched: a scanner's burst is not an answer."""
        return self.app.screen is self and self._scanner.take(event)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            # The question names a person: no markup, and no control character reaches the terminal.
            yield Static(clean(self.question, 400), id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                for button in (Button(WORDS["yes"](self.lang), id="confirm-yes", variant="warning"),
                               Button(WORDS["no"](self.lang), id="confirm-no")):
                    button.can_focus = False
                    yield button

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A click answers too."""
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Close the dialog with the answer."""
        self.dismiss(yes)
