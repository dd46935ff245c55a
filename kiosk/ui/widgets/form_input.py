"""A form field that edits in the order the keys came, for forms typed at scanner speed.

Textual hands each key to the widget focused when the app reads it, into that widget's own queue.
An Input's letters are handled there, but its other keys (Backspace, Delete, Ctrl+W, arrows, ...)
are bindings: they bubble from the field through each container back to the App before they run,
behind the letters already queued after them (in one burst, "Wesel", two Backspaces and "sel" took
the two letters off the end, not "el"). This field runs those bindings itself, in its queue, in step with the
letters, as the desk's ScanInput does. Moving between fields (Tab, Enter) is the form's business:
see `kiosk.ui.screens.walk_in`, which moves the focus before the next key is handed out.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from kiosk.ui.widgets.scan_input import OWN_KEYS

# Enter is the form's (next field, or save); every other key the Input binds runs here.
FIELD_KEYS = {key: action for key, action in OWN_KEYS.items() if key != "enter"}


class FormInput(Input):
    """An Input that runs its own editing keys in order with the typed letters."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Never select the text on focus: the next key of a burst that brought the focus here
        # would replace what the field already holds.
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    async def on_key(self, event: events.Key) -> None:
        """Backspace and the like run now, before the letters queued behind them (see the module doc).

        Runs before Input's own key handler: any other key goes on to it (letters are typed
        there); for the keys run here, `prevent_default()` keeps it out.
        """
        action = None if event.is_printable else FIELD_KEYS.get(event.key)
        if action is None:
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)
