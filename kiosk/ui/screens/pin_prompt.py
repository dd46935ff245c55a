"""The staff PIN prompt over the locked kiosk: a PIN, then where to go (a staff role, or quit)."""

from __future__ import annotations

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Input, Static

from kiosk.domain.pin import PinOutcome
from kiosk.i18n import Text

TITLE = Text("Personeel: voer de PIN in en kies waarheen", "Staff: enter the PIN and choose where to go")
WRONG = Text("Onjuiste PIN. Nog {n} poging(en).", "Wrong PIN. {n} attempt(s) left.")
CHOOSE = Text("PIN juist: kies waarheen.", "PIN correct: choose where to go.")
LOCKED = Text("Te vaak een onjuiste PIN: vergrendeld, nog {n} s.", "Too many wrong PINs: locked for {n} s.")
EMPTY = Text("Typ eerst de PIN.", "Type the PIN first.")
CHOICES = [
    ("desk", Text("Balie", "Desk")),
    ("programme", Text("Programma", "Programme")),
    ("door", Text("Deur", "Door")),
    ("dashboard", Text("Dashboard", "Dashboard")),
    ("quit", Text("Afsluiten", "Quit")),
]
CANCEL = Text("Annuleren", "Cancel")


class PinPrompt(ModalScreen[str | None]):
    """Returns the chosen role (or 'quit') after a correct PIN; None when cancelled."""

    # Only this prompt's own keys: nothing inherited that could leave or copy.
    inherit_bindings = False
    BINDINGS = [
        Binding("escape", "cancel", "Annuleren/Cancel"),
        Binding("tab", "app.focus_next", "Volgende/Next", show=False),
        Binding("shift+tab", "app.focus_previous", "Vorige/Previous", show=False),
    ]

    def __init__(self, lang: str, extra: tuple[tuple[str, Text], ...] = ()) -> None:
        """`extra`: choices besides the roles, offered by the screen below (the kiosk's "reprint badge")."""
        super().__init__(id="pin-prompt")
        self.lang = lang
        self.extra = extra
        self._was_locked = False
        # Set once Enter accepted the PIN, so the role buttons need no second check.
        self._verified = False

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="pin-box"):
            yield Static(TITLE(lang), id="pin-title", markup=False)
            yield Input(password=True, id="pin-input", max_length=32, placeholder="PIN")
            yield Static("", id="pin-message", markup=False)
            with Grid(id="pin-choices"):
                for choice, words in (*self.extra, *CHOICES):
                    yield Button(words(lang), id=f"pin-{choice}", classes="pin-choice")
                yield Button(CANCEL(lang), id="pin-cancel", variant="default")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pin-input", Input).focus()
        self._show_lock()
        self.set_interval(1, self._show_lock)

    def _show_lock(self) -> None:
        """While locked out: input and role buttons disabled, the seconds left shown."""
        seconds = self.app.staff_pin.locked_seconds()
        locked = seconds > 0
        self.query_one("#pin-input", Input).disabled = locked
        for button in self.query(".pin-choice"):
            button.disabled = locked
        if locked:
            self._say(LOCKED(self.lang, n=seconds), error=True)
            self.query_one("#pin-cancel", Button).focus()
        elif self._was_locked:
            self._say("")
            self.query_one("#pin-input", Input).focus()
        self._was_locked = locked

    def take_key(self, event: events.Key) -> bool:
        """While locked out, Enter (a PIN typed in vain, then Enter) says the lock again.

        The focus is on Cancel then (the field is disabled), so Enter would close the prompt
        without a word, and staff would think the PIN was wrong once more.
        """
        if event.key == "enter" and self.app.staff_pin.locked_seconds() > 0:
            self._show_lock()
            return True
        return False

    def _say(self, message: str, *, error: bool = False) -> None:
        label = self.query_one("#pin-message", Static)
        label.update(message)
        label.set_class(error, "-error")

    @on(Input.Submitted, "#pin-input")
    def _pin_entered(self, event: Input.Submitted) -> None:
        """Enter checks the PIN at once: wrong stays in the field, right moves on to the roles."""
        event.stop()
        if self._check():
            self._verified = True
            self._say(CHOOSE(self.lang))
            self.query_one("#pin-desk", Button).focus()

    @on(Button.Pressed, ".pin-choice")
    def _choice(self, event: Button.Pressed) -> None:
        event.stop()
        choice = (event.button.id or "").removeprefix("pin-")
        if self._verified or self._check():
            self.dismiss(choice)

    def _check(self) -> bool:
        """Check and clear the typed PIN; say what is wrong and keep the focus in the field."""
        field = self.query_one("#pin-input", Input)
        attempt, field.value = field.value, ""  # the typed PIN leaves the screen at once
        if not attempt.strip():
            self._say(EMPTY(self.lang), error=True)
            field.focus()
            return False
        result = self.app.staff_pin.check(attempt)
        del attempt
        if result.ok:
            return True
        if result.outcome is PinOutcome.LOCKED:
            self._show_lock()
        else:
            self._say(WRONG(self.lang, n=result.attempts_left), error=True)
            field.focus()
        return False

    @on(Button.Pressed, "#pin-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close the prompt and stay locked."""
        self.query_one("#pin-input", Input).value = ""
        self.dismiss(None)
