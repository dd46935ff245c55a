"""Keys on a screen where single keys mean something, told apart from a barcode scanner's burst.

The app hands each key to the active screen's `take_key` before any binding or focused widget
sees it (KioskApp.on_event). A screen that has a `ScannerKeys` answers with it: a burst of letters
and digits ending in Enter goes to `on_code` as one scanned code; a person's single key is handed
back to the app once no burst can follow it (`replay`), as if just pressed; a digit followed by
Enter is that digit, chosen once (the Enter is not also a press of the focused card). The timing
rules are in kiosk/ui/key_burst.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events
from textual.screen import Screen

from kiosk.ui.key_burst import BURST_SECONDS, TYPING_SECONDS, KeyBurst, is_code_character


class ScannerKeys:
    """Takes letters, digits and a burst's Enter for one screen; everything else passes."""

    def __init__(
        self, screen: Screen, on_code: Callable[[str], None], *, replay: bool = True, single_letters: bool = False
    ) -> None:
        """`replay`: hand a person's single key back to the app (False: such keys mean nothing here).

        `single_letters`: a lone letter is a person's key as well (a J/Y answer), not a code's start.
        """
        self._screen = screen
        self._on_code = on_code
        self._replay = replay
        self._burst = KeyBurst(single_letters=single_letters)

    @classmethod
    def closing(
        cls, dialog: Screen, answer: Callable[[], object], on_scan: Callable[[str], None] | None, **options: bool
    ) -> ScannerKeys:
        """For a dialog: a scanned code closes it with `answer()`, then goes to `on_scan` (the next badge)."""
        def scanned(code: str) -> None:
            dialog.dismiss(answer())
            if on_scan is not None:
                on_scan(code)

        return cls(dialog, scanned, **options)

    @property
    def pending(self) -> bool:
        """True while typed characters wait to be told apart (a code may be on its way)."""
        return self._burst.pending

    def take(self, event: events.Key) -> bool:
        """True when this key is part of a code (or held back to tell); False to let it pass."""
        if getattr(event, "replayed", False):
            return False
        now = event.time  # when the key arrived, not when handled: a busy app must not split a burst
        if event.key == "enter":
            if self._replay and (digit := self._burst.single()) is not None:
                self._hand_back(digit)  # "2" then Enter, as at a cash machine: the 2 chooses, once
                return True
            if (code := self._burst.enter(now)) is None:
                return False
            self._on_code(code)
            return True
        if event.is_printable and event.character and is_code_character(event.character):
            fresh = not self._burst.pending
            self._burst.key(event.character, now)
            if self._replay and fresh:  # the first key: look again once a burst would have come
                self._screen.set_timer(BURST_SECONDS * 1.5, self._settle)
            return True
        return False

    def _settle(self) -> None:
        """A person's single digit goes back to the app; a code waiting for its Enter is looked at later."""
        digit = self._burst.settled(time.monotonic())
        if self._burst.pending:
            self._screen.set_timer(TYPING_SECONDS, self._settle)
        if digit is not None:
            self._hand_back(digit)

    def _hand_back(self, key: str) -> None:
        """Post the key to the app as if just pressed (not taken again by `take`)."""
        replay = events.Key(key, key)
        replay.set_sender(self._screen.app)  # as the driver sends keys: the app bubbles it to the bindings
        replay.replayed = True  # type: ignore[attr-defined]
        self._screen.app.post_message(replay)
