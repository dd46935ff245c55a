"""The kiosk's "print my badge": the badge of the person on screen, once, unless staff allow a reprint.

It sits on the person's agenda, made for them and removed with the rest of their visit, so a
result that arrives after they left is shown to nobody (the print log keeps it). Only their own
badge: the person is given when the agenda is built, and nothing here can name anyone else. The
store refuses a second print of the same person (kiosk.store.badge_prints, `once`), whichever
kiosk or desk printed the first; a failed print does not count, so "try again" works. Staff allow
one more with the staff PIN (Ctrl+S, the PIN, then "Badge opnieuw" / "Reprint badge"), at the kiosk where
the person stands: no second terminal, and no standing permission in the file that anyone with
the code could use later. Without a printer set (`--printer`) the button is not shown at all: a
public screen offers nothing it cannot do.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Static

from kiosk.domain.outcomes import Person
from kiosk.i18n import Text
from kiosk.interop.badge_print import Printed
from kiosk.interop.print_words import ATTENDEE, attendee_sentence
from kiosk.store.badge_prints import AlreadyPrinted
from kiosk.ui.print_job import BadgeJob
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue

# The staff PIN prompt's extra choice while a person's agenda is up (kiosk/ui/screens/selfservice_guard.py).
REPRINT = "badge"
REPRINT_CHOICE = (REPRINT, Text("Badge opnieuw", "Reprint badge"))
WORDS = {
    "button": Text("Print mijn badge", "Print my badge"),
    "printing": Text("Uw badge wordt geprint…", "Printing your badge…"),
    "printed": Text("✔ Uw badge is geprint: pak hem bij de printer.",
                    "✔ Your badge is printed: take it from the printer."),
    "already": Text("Uw badge is al geprint (om {time}). Kwijt? Vraag het personeel bij de balie.",
                    "Your badge was printed already (at {time}). Lost it? Please ask the staff at the desk."),
    "on_its_way": Text("Uw badge wordt al geprint.", "Your badge is being printed already."),
    "went_wrong": Text("er ging iets mis", "something went wrong"),
}


class MyBadge(Horizontal):
    """A "print my badge" button and what became of the print, for the one person whose agenda it is on."""

    DEFAULT_CSS = """
    MyBadge { height: auto; margin: 1 0 0 0; }
    MyBadge Button { min-width: 20; }
    MyBadge #my-badge-status { width: 1fr; height: auto; min-height: 3; padding: 0 1; content-align: left middle; }
    MyBadge #my-badge-status.-printed { background: $success 25%; }
    MyBadge #my-badge-status.-failed { background: $error 30%; text-style: bold; }
    """

    def __init__(self, person: Person, lang: str) -> None:
        super().__init__(id="my-badge")
        self.person = person
        self.lang = lang
        self.busy = False
        # Its own queue (kiosk/ui/writes.py): made and removed with the agenda, so a result that
        # arrives after the person left has no one to go to.
        self.prints: WriteQueue[BadgeJob] = WriteQueue(self, "my-badge")

    def compose(self) -> ComposeResult:
        yield Button(WORDS["button"](self.lang), id="my-badge-print")
        yield Static("", id="my-badge-status", markup=False)

    def on_mount(self) -> None:
        self.display = bool(self.app.ctx.settings.printer)

    @on(Button.Pressed, "#my-badge-print")
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()  # the screen's own buttons are handled there; this one is handled here
        self.start()

    def start(self, *, staff: bool = False) -> None:
        """Print this person's badge; `staff`: allowed again by staff with the PIN (not refused as a second print)."""
        if self.busy or not self.display:
            return
        self.busy = True
        self._say(WORDS["printing"](self.lang), "")
        origin = "selfservice_staff" if staff else "selfservice"
        self.prints.put(BadgeJob(self.person, origin=origin, once=not staff))

    def on_write_done(self, message: WriteDone) -> None:
        """The print came back: printed, or refused by the printer (said in the public's words)."""
        done: Printed = message.result
        if done.fault is not None:
            return self._finished(attendee_sentence(done.fault, self.lang), "failed")
        self._finished(WORDS["printed"](self.lang), "printed")

    def on_write_failed(self, message: WriteFailed) -> None:
        """Printed before (the kiosk prints a badge once), or it did not work: whom to ask, nothing more."""
        if isinstance(earlier := message.error, AlreadyPrinted):
            words = WORDS["on_its_way"](self.lang) if earlier.result == "pending" else \
                WORDS["already"](self.lang, time=earlier.at[11:16])
            return self._finished(words, "")
        # Whatever it was (a store fault too), the public reads only that it did not work and whom to ask.
        self._finished(ATTENDEE(self.lang, what=WORDS["went_wrong"](self.lang)), "failed")

    def _finished(self, text: str, state: str) -> None:
        self.busy = False
        if self.is_attached:  # else the person has gone: show them nothing (the print log has it)
            self._say(text, state)

    def _say(self, text: str, state: str) -> None:
        status = self.query_one("#my-badge-status", Static)
        status.update(text)
        status.set_class(state == "printed", "-printed")
        status.set_class(state == "failed", "-failed")
