"""A dialog of fields that reads keys typed at scanner speed in order: Tab, Enter and Ctrl+S act where they came.

Textual hands each key to the field focused when the app reads it, into that field's own queue.
Tab and Enter used to move the focus only after travelling from the field back up to the App (a
binding run there), and `Widget.focus()` waits a turn more, so the keys behind them had already
gone to the old field: "name, Tab, organisation, Tab, city" typed in one burst at the walk-in form
ended as "Wessel Walkin-TestpersoonGemeente Zaanstad", with no city. Here Tab, Shift+Tab, Enter
and Ctrl+S are *priority* bindings of the dialog, which the App runs as it reads the key, before it
hands out the next one, and they move the focus with `Screen.set_focus` (at once). Saving waits
until every field has handled the keys already sent to it (`_after_typing`), so the last letters
are in what is saved. The fields (FormInput) run their own editing keys in order too.

From the key that saves until the save's answer, and once saved, a scanner's burst is the next
guest's badge (`take_key`), not text for a field: "e-mail, Enter" and a badge scanned at once put
the badge's code into the e-mail field after the save had read it, and the guest was never checked
in. A code scanned while the save is written is handed to `on_scan` with its answer (`hand_over`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual import events
from textual.binding import Binding
from textual.screen import ModalScreen

from kiosk.ui.scanner_keys import ScannerKeys
from kiosk.ui.widgets.form_input import FormInput

ResultType = TypeVar("ResultType")


class OrderedForm(ModalScreen[ResultType]):
    """A modal form of FormInputs `#{PREFIX}{name}`, one for each of FIELDS, read in the order typed.

    Subclasses give `save` (check and write; called once the fields hold every key typed before
    Enter or Ctrl+S) and `action_close`, and say when they are `busy` (saving) or `finished`
    (saved: Enter then closes).
    """

    BINDINGS = [
        # Priority: run as the App reads the key, before the keys behind it go to a field (module doc).
        Binding("tab", "next_field", "Volgend veld/Next field", show=False, priority=True),
        Binding("shift+tab", "previous_field", "Vorig veld/Previous field", show=False, priority=True),
        Binding("enter", "enter", "Volgend veld/Next field", show=False, priority=True),
        Binding("ctrl+s", "save", "Opslaan/Save", priority=True),
    ]

    FIELDS: ClassVar[tuple[str, ...]] = ()
    PREFIX: ClassVar[str] = ""

    def __init__(self, on_scan: Callable[[str], None] | None = None) -> None:
        """`on_scan`: where a badge scanned from the save on goes (the desk's queue)."""
        super().__init__()
        self._on_scan = on_scan
        # Codes scanned while the save was being checked or written, handed over with its answer.
        self._held: list[str] = []
        # True from the key that saves until `save` has run (the fields first handle the keys before it).
        self._asked = False
        self._scanner = ScannerKeys(self, self._scanned, replay=False)

    def take_key(self, event: events.Key) -> bool:
        """Called by the app before a key is dispatched: from the save on, a scanner's burst is a badge."""
        if self.app.screen is not self or not (self._asked or self.busy or self.finished):
            return False
        return self._scanner.take(event)

    def _scanned(self, code: str) -> None:
        """A badge: once saved it closes the form and is checked in; before that it waits for the answer."""
        if self.finished:
            self.action_close()
            if self._on_scan is not None:
                self._on_scan(code)
        else:
            self._held.append(code)

    def hand_over(self) -> None:
        """The codes scanned while saving, to `on_scan` (the subclass calls this with the save's answer)."""
        held, self._held = self._held, []
        for code in held:
            if self._on_scan is not None:
                self._on_scan(code)

    @property
    def busy(self) -> bool:
        """True while a save is being written."""
        return False

    @property
    def finished(self) -> bool:
        """True once saved (the form shows its outcome; Enter closes)."""
        return False

    def field(self, name: str) -> FormInput:
        """One of the form's fields by name."""
        return self.query_one(f"#{self.PREFIX}{name}", FormInput)

    def value(self, name: str) -> str:
        """The trimmed text of one field."""
        return self.field(name).value.strip()

    def _move(self, step: int) -> bool:
        """Focus the field `step` away from the focused one, now; False past either end."""
        focused = self.focused
        index = -1
        if isinstance(focused, FormInput) and focused.id and focused.id.removeprefix(self.PREFIX) in self.FIELDS:
            index = self.FIELDS.index(focused.id.removeprefix(self.PREFIX))
        if not 0 <= index + step < len(self.FIELDS):
            return False
        # Screen.set_focus, not Widget.focus(): the latter waits a turn, and the next key would
        # still go to this field.
        self.set_focus(self.field(self.FIELDS[index + step]))
        return True

    def action_next_field(self) -> None:
        """Tab: the next field (the last one keeps the focus)."""
        if not self.finished:
            self._move(1)

    def action_previous_field(self) -> None:
        """Shift+Tab: the previous field."""
        if not self.finished:
            self._move(-1)

    def action_enter(self) -> None:
        """Enter: the next field; on the last one, save; once saved, close."""
        if self.finished:
            self.action_close()
        elif not self._move(1):
            self.action_save()

    def action_save(self) -> None:
        """Ctrl+S: save, once the fields have handled every key typed before it."""
        if not self.busy and not self.finished:
            self._asked = True
            self._after_typing(self._save_typed)

    def _save_typed(self) -> None:
        """`save`, now that the fields hold what was typed; a badge scanned meanwhile goes on if none is written."""
        self._asked = False
        self.save()
        if not self.busy and not self.finished:
            self.hand_over()  # refused (a field to fix): the badge is checked in all the same

    def _after_typing(self, then: Callable[[], None]) -> None:
        """Run `then` once every field has handled the keys already sent to it.

        Each field handles its keys in its own queue, so when the App reads Enter the letters
        before it may not be in the field yet. A callback posted to each queue runs after them.
        """
        fields = list(self.query(FormInput))
        waiting = len(fields)

        def handled() -> None:
            nonlocal waiting
            waiting -= 1
            if waiting == 0:
                then()

        for field in fields:
            field.call_later(handled)

    def save(self) -> None:
        """Check the fields and write them (the subclass's)."""
        raise NotImplementedError

    def action_close(self) -> None:
        """Leave the form (the subclass's)."""
        raise NotImplementedError
