"""The desk's one input: takes scanner bursts and typed names, and hands each Enter over whole.

A USB scanner types a code and Enter within milliseconds, often in one read from the terminal,
and the next badge can follow before the screen has answered the last one. Two things in Textual
would merge or cut such bursts: Enter is a *binding*, run only when the key has bubbled back up to
the App, behind the characters of the next code already queued there; and clearing the field when
the screen gets around to `Input.Submitted` would wipe characters typed since. This input handles
Enter itself, in its own key queue in step with the characters, takes its value and clears itself
in that same step, and posts `ScanSubmitted` with the exact text of that one burst.
"""

from __future__ import annotations

from textual import events
from textual.message import Message
from textual.widgets import Input


class ScanInput(Input):
    """An Input whose Enter posts `ScanSubmitted(text)` and empties the field at once."""

    class ScanSubmitted(Message):
        """One code or search text, as it was when Enter was pressed."""

        def __init__(self, scan_input: "ScanInput", value: str) -> None:
            super().__init__()
            self.scan_input = scan_input
            self.value = value

        @property
        def control(self) -> "ScanInput":
            """The input that sent this."""
            return self.scan_input

    async def _on_key(self, event: events.Key) -> None:
        """Enter submits right here, in order with the characters around it (see the module doc)."""
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        await super()._on_key(event)

    async def action_submit(self) -> None:
        """Hand the text over and clear the field before the next key is read."""
        value = self.value
        # Post first, then clear: the screen sees the search text's last change before the
        # submission, and the clearing's change after it.
        self.post_message(self.ScanSubmitted(self, value))
        self.value = ""

    def _on_paste(self, event: events.Paste) -> None:
        """A paste with line breaks (some scanners in keyboard-wedge mode) is one submission per line."""
        lines = event.text.splitlines()
        if len(lines) <= 1 and not event.text.endswith(("\n", "\r")):
            super()._on_paste(event)
            return
        event.stop()
        first, *rest = lines or [""]
        self.insert_text_at_cursor(first)
        complete = [self.value, *rest] if event.text.endswith(("\n", "\r")) else [self.value, *rest[:-1]]
        for line in complete:
            if line.strip():
                self.post_message(self.ScanSubmitted(self, line))
        self.value = "" if event.text.endswith(("\n", "\r")) else (rest[-1] if rest else "")
