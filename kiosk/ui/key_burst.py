"""Tells a barcode scanner from a person, on screens where a single key means something.

A USB scanner is a keyboard that types a whole code and Enter within a few milliseconds; a person
presses one key at a time, tens of milliseconds apart at the very least. On the self-service
kiosk's round screens the digits choose a session and Enter chooses the focused card, and badge
codes are made of digits and letters: without this, the next attendee's badge, scanned while the
last one's day was still open, would choose sessions for that last attendee. Two rules: digits
that come faster than a person types are a code; and any text with a letter is a code, however
slowly it comes (a slow scanner, or a code typed by hand), since letters choose nothing there.

No Textual here: the screen feeds keys with their times and acts on what this says.
"""

from __future__ import annotations

from dataclasses import dataclass

# Digits closer together than this belong to one burst. Scanners deliver a code within a few ms
# (slow Bluetooth ones ~60 ms a character); a person's two presses are further apart than this.
BURST_SECONDS = 0.1
# Letters never choose anything on these screens, so text with a letter is a code being scanned
# or typed, however slowly: its keys may be this far apart, and its Enter this late.
TYPING_SECONDS = 1.5
# Characters that may be part of a code (imported codes may hold - _ . /).
CODE_PUNCTUATION = "-_./"


def is_code_character(character: str) -> bool:
    """A letter, a digit, or punctuation a badge code may hold."""
    return len(character) == 1 and (character.isalnum() or character in CODE_PUNCTUATION)


@dataclass
class KeyBurst:
    """The characters typed towards a code, and when the last one came."""

    text: str = ""
    last: float = 0.0
    # Whether a single letter is a person's key too (a J/Y answer), not the start of a code.
    single_letters: bool = False

    def _is_key(self, text: str) -> bool:
        """A single character a person presses on this screen."""
        return len(text) == 1 and (text.isdigit() or (self.single_letters and text.isalpha()))

    @property
    def _window(self) -> float:
        """How long this text may wait for its next key or its Enter."""
        return BURST_SECONDS if self._is_key(self.text) else TYPING_SECONDS

    def key(self, character: str, now: float) -> None:
        """A code character: part of the text when it follows in time, else the start of a new one."""
        if self.text and now - self.last > self._window:
            self.text = ""
        self.text += character
        self.last = now

    def enter(self, now: float) -> str | None:
        """Enter: the code when it ends two or more characters, else None (a person's Enter).

        A single pending digit is not taken here: see `single`.
        """
        if len(self.text) < 2:
            return None
        code, self.text = self.text, ""
        return code if now - self.last <= TYPING_SECONDS else None

    def single(self) -> str | None:
        """The one digit pending, taken now (a person pressed a digit, then Enter at once)."""
        if len(self.text) == 1 and self.text.isdigit():
            text, self.text = self.text, ""
            return text
        return None

    def settled(self, now: float) -> str | None:
        """The single digit a person pressed, once no burst can follow it; else None.

        Text with a letter, or of two characters or more, waits TYPING_SECONDS for its Enter;
        without one (a scanner set up without Enter, a code cut short) it is dropped, never acted on.
        """
        if not self.text or now - self.last < self._window:
            return None
        text, self.text = self.text, ""
        return text if self._is_key(text) else None

    @property
    def pending(self) -> bool:
        """True while characters wait to be told apart."""
        return bool(self.text)
