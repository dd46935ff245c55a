"""The self-service kiosk's guards: between one attendee's visit and the next, and for staff.

Mixed into SelfServiceScreen (which holds what they read: `stage`, `visit`, `_scanner`, `choosing`,
and `reset()` / `_open()`):
- keys: a barcode scanner's burst on the day or agenda screens is the next attendee's badge, not
  choices for the one on screen (kiosk/ui/key_burst.py, kiosk/ui/scanner_keys.py);
- time: after IDLE_SECONDS without a key or a touch the screen clears, with a countdown first;
- staff: Ctrl+S and the PIN are the only way out of the locked kiosk.
"""

from __future__ import annotations

import time
from typing import ClassVar

from textual import events
from textual.widgets import Input, Static

from kiosk.ui.screens.pin_prompt import PinPrompt
from kiosk.ui.screens.selfservice_open import greeting_on
from kiosk.ui.screens.selfservice_visit import Stage
from kiosk.ui.widgets.countdown import IdleCountdown
from kiosk.ui.widgets.my_badge import REPRINT, REPRINT_CHOICE, MyBadge

# An Enter this soon after a round (or the agenda) appeared is the tail of the key that chose
# in the last round, not a press of what now has the focus.
ENTER_GUARD_SECONDS = 0.8
# How long after the welcome's Enter a key is not the code field's (its Enter is still being handled).
AFTER_CODE_SECONDS = 0.5


class VisitGuard:
    """The self-service screen's guards between visitors and for staff (a mixin: see the module docstring)."""

    # Class attributes so tests can shorten them.
    IDLE_SECONDS: ClassVar[float] = 45.0
    COUNTDOWN_SECONDS: ClassVar[float] = 10.0
    TICK: ClassVar[float] = 0.5

    def take_key(self, event: events.Key) -> bool:
        """Called by the app before a key is dispatched; True when this screen took it.

        On the day and agenda screens a scanner's burst is the next attendee's badge: this
        person's day closes and theirs opens. A person's single key acts as pressed (a moment later).
        """
        if self.app.screen is not self:
            return False
        if self.stage is Stage.WELCOME:
            return self._welcome_key(event)
        greeting = greeting_on(self)
        if greeting and getattr(event, "replayed", False) and event.character and event.character.isdigit():
            # A person's digit, handed back by the scanner check while the welcome still greets them:
            # the welcome's code field has the focus and would take it as one more character of the
            # badge's code (the choice was lost). It chooses, as on the day (selfservice_open).
            self.choosing.number(int(event.character))
            return True
        if event.key == "enter" and not self._scanner.pending and (
                greeting or time.monotonic() - self.visit.round_shown_at < ENTER_GUARD_SECONDS):
            # "2", then Enter as at a cash machine: the 2 chose and moved on; this Enter must not
            # also choose the card that happens to have the focus in the next round (nor, in the
            # greeting, submit the badge's code in the welcome's field once more).
            return True
        return self._scanner.take(event)

    def _welcome_key(self, event: events.Key) -> bool:
        """On the welcome, keys go to the code field; but those right after its Enter are the day's.

        The field's Enter submits once that key has bubbled up to the bindings, a few message turns
        later: a digit pressed at once ("code, Enter, 2") was typed into the field before that, and
        the code looked up was the code and the digit ("unknown code"). So for a moment after an
        Enter the screen tells keys apart as on the day; a person's digit comes back to the
        greeting or the day (take_key), and a scanner's next badge opens that badge.
        """
        now = time.monotonic()
        if event.key == "enter" and not getattr(event, "replayed", False):
            self.visit.code_entered_at = now
            return False
        if now - self.visit.code_entered_at > AFTER_CODE_SECONDS and not self._scanner.pending:
            return False  # (a code begun in that moment is finished through the scanner check too)
        return self._scanner.take(event)

    async def _next_badge(self, code: str) -> None:
        await self.reset()
        await self._open(code)

    def _active(self) -> bool:
        """True when something is on screen that the idle reset must clear."""
        if self.stage is not Stage.WELCOME or self.app.screen is not self:
            return True
        message = self.query("#welcome-message").results(Static)
        field = self.query("#welcome-code").results(Input)
        return any(m.has_class("-shown") for m in message) or any(f.value for f in field)

    async def _tick_idle(self) -> None:
        """Back to the welcome after IDLE_SECONDS without a key or click; a countdown before that."""
        countdown = self.query_one(IdleCountdown)
        if self.app.ctx.role != "selfservice" or not self._active():
            countdown.hide()
            return
        left = self.IDLE_SECONDS - (time.monotonic() - self.app.last_input)
        if left <= 0:
            await self.reset()
        elif left <= self.COUNTDOWN_SECONDS:
            countdown.show_seconds(int(left + 0.999), self.visit.lang)
        else:
            countdown.hide()

    def action_staff(self, lang: str = "") -> None:
        """Open the PIN prompt; a correct PIN clears this screen, then unlocks into the chosen role."""
        if self.app.screen is self:
            # A person's "print my badge" on screen: staff may allow that badge once more (kiosk/ui/widgets/my_badge.py).
            badge = [b for b in self.query(MyBadge).results(MyBadge) if b.display]
            self.app.push_screen(PinPrompt(self.visit.lang, extra=(REPRINT_CHOICE,) if badge else ()), self._after_pin)

    async def _after_pin(self, choice: str | None) -> None:
        if choice == REPRINT:  # the kiosk stays locked, the person's agenda stays up
            for badge in self.query(MyBadge).results(MyBadge):
                badge.start(staff=True)
        elif choice:
            await self.reset()
            self.app.unlock(choice)
