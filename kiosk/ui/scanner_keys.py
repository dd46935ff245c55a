"""Keys on a screen where single keys mean something, told apart from a barcode scanner's burst.

The app hands each key to the active screen's `take_key` before any binding or focused widget
sees it (KioskApp.on_event). A screen that has a `ScannerKeys` answers with it: a burst of letters
and digits ending in Enter goes to `on_code` as one scanned code; a person's single key is handed
back to the app once no burst can follow it (`replay`), as if just pressed. The timing rules are
in kiosk/ui/key_burst.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.screen import Screen

from kiosk.ui.key_burst import BURST_SECONDS, ENTER_SECONDS, KeyBurst


class ScannerKeys:
    """Takes letters, digits and a burst's Enter for one screen; everything else passes."""

    def __init__(self, screen: Screen, on_code: Callable[[str], None], *, replay: bool = True) -> None:
        """`replay`: hand a person's single key back to the app (False: such keys mean nothing here)."""
        self._screen = screen
        self._on_code = on_code
        self._replay = replay
        self._burst = KeyBurst()

    def take(self, event: events.Key) -> bool:
        """True when this key is part of a scan (or held back to tell); False to let it pass."""
        if getattr(event, "replayed", False):
            return False
        now = event.time  # when the key arrived, not when handled: a busy app must not split a burst
        if event.key == "enter":
            if (code := self._burst.enter(now)) is None:
                return False
            self._on_code(code)
            return True
        if event.is_printable and event.character and event.character.isalnum():
            self._burst.key(event.character, now)
            if self._replay and len(self._burst.text) == 1:  # a burst's first key: look again soon
                self._screen.set_timer(BURST_SECONDS * 1.5, self._settle)
            return True
        return False

    def _settle(self) -> None:
        """A person's single key goes back to the app; a code waiting for its Enter is looked at later."""
        key = self._burst.settled(time.monotonic())
        if self._burst.pending:
            self._screen.set_timer(ENTER_SECONDS, self._settle)
        if key is not None:
            replay = events.Key(key, key)
            replay.set_sender(self._screen.app)  # as the driver sends keys: the app bubbles it to the bindings
            replay.replayed = True  # type: ignore[attr-defined]  # not taken again by `take`
            self._screen.app.post_message(replay)
