"""Tells a barcode scanner from a person, on screens where a single key means something.

A USB scanner is a keyboard that types a whole code and Enter within a few milliseconds; a person
presses one key at a time, tens of milliseconds apart at the very least. On the self-service
kiosk's round screens the digits choose a session and Enter chooses the focused card, and badge
codes are made of digits and letters: without this, the next attendee's badge, scanned while the
last one's day was still open, would choose sessions for that last attendee.

No Textual here: the screen feeds keys with their times and acts on what this says.
"""

from __future__ import annotations

from dataclasses import dataclass

# Keys closer together than this belong to one burst. Scanners (and pasted text) deliver a code
# within a few ms; a person's two key presses are at least ~60 ms apart.
BURST_SECONDS = 0.04
# The Enter that ends a scanned code may lag behind its characters (a separate write, a slow
# link); within this time after a burst of two or more, Enter still ends that scan.
ENTER_SECONDS = 0.5


@dataclass
class KeyBurst:
    """The characters typed in the current burst, and when the last one came."""

    text: str = ""
    last: float = 0.0

    def key(self, character: str, now: float) -> None:
        """A printable key: part of the burst when it follows the last one closely, else a new one."""
        if self.text and now - self.last > BURST_SECONDS:
            self.text = ""
        self.text += character
        self.last = now

    def enter(self, now: float) -> str | None:
        """Enter: the scanned code when it ends a burst of two or more keys, else None (a person's Enter)."""
        code, self.text = self.text, ""
        return code if len(code) >= 2 and now - self.last <= ENTER_SECONDS else None

    def settled(self, now: float) -> str | None:
        """The single key a person pressed, once no burst can follow it; else None.

        A burst of two or more waits ENTER_SECONDS for its Enter; without one (a scanner set up
        without Enter, a code cut short) its characters are dropped, never acted on.
        """
        if len(self.text) == 1 and now - self.last >= BURST_SECONDS:
            text, self.text = self.text, ""
            return text
        if len(self.text) > 1 and now - self.last > ENTER_SECONDS:
            self.text = ""
        return None

    @property
    def pending(self) -> bool:
        """True while characters wait to be told apart."""
        return bool(self.text)
