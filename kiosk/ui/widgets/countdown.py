"""The idle countdown: a bar that appears in the last seconds before the kiosk clears itself."""

from __future__ import annotations

from textual.widgets import Static

from kiosk.ui.widgets import selfservice_words as W


class IdleCountdown(Static):
    """Hidden until the last seconds of the idle time; then says when the screen will clear."""

    def __init__(self) -> None:
        super().__init__("", id="idle-countdown", markup=False)

    def show_seconds(self, seconds: int, lang: str) -> None:
        """Show 'back to the start in N s'."""
        self.update(W.IDLE(lang, n=seconds))
        self.add_class("-shown")

    def hide(self) -> None:
        """Hide the bar (there was input, or the screen was cleared); nothing to do when hidden.

        Called every half second while the kiosk waits: an `update` each time relaid the screen out
        and painted a frame twice a second, in the way of a badge scanned at that moment.
        """
        if not self.has_class("-shown"):
            return
        self.update("")
        self.remove_class("-shown")
