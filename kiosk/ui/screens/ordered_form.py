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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

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
            self._after_typing(self.save)

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
