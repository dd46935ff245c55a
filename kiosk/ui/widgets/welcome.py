"""The kiosk's welcome: scan a badge or type a code; language and contrast buttons for everyone."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Static

from kiosk.ui.widgets import selfservice_words as W


class Welcome(Vertical):
    """Asks for the code; a barcode scanner types it and presses Enter."""

    class CodeSubmitted(Message):
        """A code was scanned or typed."""

        def __init__(self, code: str) -> None:
            super().__init__()
            self.code = code

    def __init__(self, lang: str, message: str = "") -> None:
        super().__init__(id="welcome")
        self.lang = lang
        self.message = message

    def compose(self) -> ComposeResult:
        yield Static(W.WELCOME(self.lang), id="welcome-title", markup=False)
        yield Static(W.SCAN_PROMPT(self.lang), id="welcome-prompt", markup=False)
        with Center(id="welcome-field"):
            yield Input(placeholder=W.CODE_PLACEHOLDER(self.lang), id="welcome-code", max_length=64)
        yield Static(self.message, id="welcome-message", markup=False, classes="-shown" if self.message else "")
        with Horizontal(id="welcome-buttons"):
            # The screen handles these presses (it replaces this widget, so the button must not wait on it).
            # Not focusable: the code field keeps the focus, so a scanner's keys always land there
            # (keyboard users have F2 and F3 for these).
            for button in (Button(W.LANG_BUTTON(self.lang), id="welcome-lang"),
                           Button(W.CONTRAST_BUTTON(self.lang), id="welcome-contrast")):
                button.can_focus = False
                yield button

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def greet(self, name: str) -> None:
        """Greet the person whose badge was just read, by name, in the title's place.

        Shown in the frame right after the badge is read; their day replaces the welcome a frame
        later (kiosk/ui/screens/selfservice_open.py). One line of fixed size: no new layout.
        """
        self.query_one("#welcome-title", Static).update(W.HELLO(self.lang, name=name), layout=False)

    @on(Input.Submitted, "#welcome-code")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        code = event.value.strip()
        if not code:
            event.input.value = ""
            return
        # The code does not stay on screen: whatever the screen does with it, it replaces this
        # welcome at once (a fresh one when the code is refused, the person's day otherwise). Not
        # emptied here: that would lay the screen out anew in the frame that greets the person.
        self.post_message(self.CodeSubmitted(code))
