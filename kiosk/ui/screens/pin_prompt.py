"""The staff PIN prompt over the locked kiosk: a PIN, then where to go (a staff role, or quit).

The PIN's Enter is checked in the field's own key queue (`PinField`), in order with the digits
around it. As a plain Input's binding it ran only once the key had bubbled back up to the App, and
the keys typed right behind it had gone to the field by then: "PIN, Enter, Enter" left the prompt
open ("Typ eerst de PIN."), and a wrong PIN typed again at once was checked with the new digits glued on.
"""

from __future__ import annotations

from collections.abc import Callable

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


class PinField(Input):
    """The PIN's Input: its Enter calls `on_enter` in the key's own turn, after the digits typed before it."""

    def __init__(self, on_enter: Callable[[], None], *, id: str) -> None:
        super().__init__(password=True, id=id, max_length=32, placeholder="PIN")
        self._enter_pressed = on_enter  # not `_on_enter`: that is Textual's own handler of the mouse entering

    async def on_key(self, event: events.Key) -> None:
        """Enter checks now, while this field has the focus; Input's own handler is kept out.

        An Enter that reached this field's queue behind one that moved the focus (to a role's
        button) is not the field's: it goes on up to the App, whose bindings act for the widget
        that has the focus now (the button is pressed).
        """
        if event.key == "enter" and self.screen.focused is self:  # has_focus changes a message later
            event.stop()
            event.prevent_default()
            self._enter_pressed()


class PinPrompt(ModalScreen[str | None]):
    """Returns the chosen role (or 'quit') after a correct PIN; None when cancelled."""

    # Only this prompt's own keys: nothing inherited that could leave or copy.
    inherit_bindings = False
    BINDINGS = [
        # Priority: closed as the App reads the key, so a badge scanned right behind Esc reaches the kiosk.
        Binding("escape", "cancel", "Annuleren/Cancel", priority=True),
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
            yield PinField(self._pin_entered, id="pin-input")
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

    def _pin_entered(self) -> None:
        """Enter checks the PIN at once: wrong stays in the field, right moves on to the roles."""
        if self._check():
            self._verified = True
            self._say(CHOOSE(self.lang))
            # At once (Widget.focus waits a turn): a key typed right behind the Enter is the button's.
            self.set_focus(self.query_one("#pin-desk", Button))

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
            self.set_focus(field)
            return False
        result = self.app.staff_pin.check(attempt)
        del attempt
        if result.ok:
            return True
        if result.outcome is PinOutcome.LOCKED:
            self._show_lock()
        else:
            self._say(WRONG(self.lang, n=result.attempts_left), error=True)
            # At once: Widget.focus waits a turn, and would take the focus back from a role's button
            # that the right PIN typed right behind this one has given it meanwhile.
            self.set_focus(field)
        return False

    @on(Button.Pressed, "#pin-cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        """Close the prompt and stay locked."""
        self.query_one("#pin-input", Input).value = ""
        self.dismiss(None)
