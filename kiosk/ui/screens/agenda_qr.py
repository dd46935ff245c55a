"""The attendee's agenda as a QR code (iCalendar), to take along on a phone from the self-service kiosk.

A modal over the locked kiosk: it offers nothing but Close, and the idle reset removes it too.
A personal agenda is about a kilobyte, a large QR code: on a terminal too small to draw it whole
the screen says so instead of drawing a code no phone can read.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kiosk.i18n import Text
from kiosk.interop.ics import agenda_ics
from kiosk.store.signups import choices_of
from kiosk.ui.scanner_keys import ScannerKeys
from kiosk.ui.widgets.qr_code import QrCode, qr_lines

WORDS = {
    "title": Text("Scan met uw telefoon: uw dag in uw agenda", "Scan with your phone: your day in your calendar"),
    "too_small": Text(
        "Dit scherm is te klein voor de QR-code. Vraag aan de balie om uw agenda.",
        "This screen is too small for the QR code. Ask at the desk for your agenda.",
    ),
    "empty": Text("U hebt nog niets gekozen.", "You have not chosen anything yet."),
    "close": Text("Sluiten", "Close"),
}


class AgendaQr(ModalScreen[None]):
    """The QR code of an iCalendar agenda, or a plain sentence when it cannot be shown."""

    inherit_bindings = False
    BINDINGS = [Binding("escape", "close", "Sluiten/Close"), Binding("enter", "close", show=False)]

    def __init__(self, ics: str | None, lang: str, on_scan: Callable[[str], None] | None = None) -> None:
        """`on_scan`: where the next badge goes when it is scanned while the code is up."""
        super().__init__(id="agenda-qr")
        self.ics = ics
        self.lang = lang
        self._scanner = ScannerKeys.closing(self, lambda: None, on_scan, replay=False)

    def take_key(self, event: events.Key) -> bool:
        """Called by the app before a key is dispatched: a scanner's burst is the next attendee's badge."""
        return self.app.screen is self and self._scanner.take(event)

    @classmethod
    def for_person(cls, ctx, attendee_id: int, lang: str, on_scan: Callable[[str], None] | None = None) -> AgendaQr:
        """The QR screen of one person's confirmed sessions (read now, from the store)."""
        confirmed = [sid for sid, status in choices_of(ctx.db(), attendee_id).items() if status == "confirmed"]
        now = ctx.clock.now()
        # Brief and without the name: the code stands on a public screen, and small codes scan better.
        ics = agenda_ics(ctx.programme, confirmed, brief=True, now=now, on=now.date()) if confirmed else None
        return cls(ics, lang, on_scan)

    def compose(self) -> ComposeResult:
        lang = self.lang
        with Vertical(id="agenda-qr-box"):
            lines = qr_lines(self.ics) if self.ics else []
            fits = lines and len(lines) + 6 <= self.app.size.height and len(lines[0]) + 4 <= self.app.size.width
            if not self.ics:
                yield Static(WORDS["empty"](lang), markup=False)
            elif fits:
                yield Static(WORDS["title"](lang), markup=False)
                yield QrCode(self.ics)
            else:
                yield Static(WORDS["too_small"](lang), markup=False)
            yield Button(WORDS["close"](lang), id="agenda-qr-close")

    def on_mount(self) -> None:
        self.query_one("#agenda-qr-close", Button).focus()

    @on(Button.Pressed, "#agenda-qr-close")
    def _close_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        """Back to the agenda."""
        self.dismiss(None)
