"""A Footer that rebuilds its keys only when the keys it shows have changed.

Textual's Footer throws away and rebuilds every key (a widget each, with styles) on every
"bindings may have changed" signal: the focus moving, the terminal gaining focus, a reactive with
bindings. At start-up that happened three times in a row with the same keys, about 15 ms each,
before the desk could show. This one compares what it would show with what it shows and skips
the rebuild when they are the same.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class SteadyFooter(Footer):
    """The same keys as Footer; rebuilt only when a key, its label or its enabled state changed."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._shown: tuple | None = None

    def _keys(self) -> tuple:
        """What the footer would show now: each key with its action, label and state."""
        return tuple(
            (binding.key, binding.action, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        if self._bindings_ready:
            self._shown = self._keys()
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        """Rebuild (as Footer does) unless the keys are those shown or about to be shown."""
        self._bindings_ready = True
        if not screen.app.app_focus or not (self.is_attached and screen is self.screen):
            return
        keys = self._keys()
        if keys == self._shown:
            return
        # Noted now, so that the next signal before the rebuild does not ask for another one.
        self._shown = keys
        self.call_after_refresh(self.recompose)
