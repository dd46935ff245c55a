"""The desk's badge printing: Ctrl+P prints the badge of the person on the answer, beside the next scans.

After a walk-in is saved, Ctrl+P in the walk-in dialog prints their badge (and closes it); at the
desk, Ctrl+P prints (or reprints: a lost badge) the badge of the person the answer area shows now,
found by a scan or a name search. Only while the answer shows them: once it faded or another
answer replaced it, the key says to look the person up first, so a badge never comes out for
someone no longer on screen. The one exception is a print that failed: its line names the person
and says to try again, and Ctrl+P with no one on the answer does (the printer fixed, the answer
long gone). A badge already queued or printing is not queued twice by a second press.

Prints run in a WriteQueue of their own (kiosk/ui/writes.py), in the order asked, through the
same `print_badge` as `kiosk badges print` (logged in badge_prints); the scan queue never waits
for them. The desk hands this queue's WriteDone / WriteFailed to `printed` / `failed`. How each
went shows in the side panel (a PrintStatus line under the counters) and, when the panel has
given way on a narrow screen, on the quiet line. A failed print leaves the check-in
as it was; Ctrl+P again tries once more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.css.query import NoMatches

from kiosk.domain.outcomes import Person, ScanResult
from kiosk.i18n import Text
from kiosk.ui.print_job import BadgeJob
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.print_status import PrintStatus
from kiosk.ui.widgets.scan_answer import ScanAnswer
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue

if TYPE_CHECKING:
    from kiosk.interop.badge_print import Printed
    from kiosk.ui.screens.desk import DeskScreen

WORDS = {
    "printing": Text("Badge van {name} wordt geprint op {printer}…", "Printing the badge of {name} on {printer}…"),
    "printed": Text("✔ Badge van {name} geprint ({job}).", "✔ Badge of {name} printed ({job})."),
    "reprinted": Text("✔ Badge van {name} opnieuw geprint ({job}).", "✔ Badge of {name} printed again ({job})."),
    "failed": Text("✖ Badge van {name} niet geprint. {why}", "✖ Badge of {name} not printed. {why}"),
    "nobody": Text("Niemand om te printen: scan of zoek eerst de persoon (walk-in: F7, dan Ctrl+P).",
                   "No one to print: scan or look up the person first (walk-in: F7, then Ctrl+P)."),
    "cancelled": Text("De registratie van {name} is geannuleerd: geen badge.",
                      "The registration of {name} was cancelled: no badge."),
    "queued": Text("De badge van {name} wordt al geprint.", "The badge of {name} is being printed already."),
}


class DeskPrinting:
    """Badge printing for one desk screen: which person the key prints, the print queue, the result line."""

    def __init__(self, screen: DeskScreen) -> None:
        self.screen = screen
        self.queue: WriteQueue[BadgeJob] = WriteQueue(screen, "desk-prints")
        # The person of the answer on screen, and that answer (ScanAnswer makes a new one per change).
        self._shown: tuple[Person | None, object] | None = None
        # Whose print failed last (Ctrl+P tries it again when no one is on the answer), and who is queued.
        self._retry: Person | None = None
        self._queued: set[int] = set()

    @property
    def lang(self) -> str:
        return self.screen.lang

    def shown(self, result: ScanResult) -> None:
        """The answer area now shows `result` (called by the desk right after showing it)."""
        self._shown = (result.person, self.screen.query_one(ScanAnswer).answer)

    def on_screen(self) -> Person | None:
        """The person the answer area shows right now, if it shows one."""
        answer = self.screen.query_one(ScanAnswer)
        if self._shown is None or not answer.display or answer.answer is not self._shown[1]:
            return None
        return self._shown[0]

    def press(self) -> None:
        """Ctrl+P at the desk: print the badge of the person on the answer (else retry the last failed one)."""
        self.print_person(self.on_screen() or self._retry)

    def print_result(self, result: ScanResult) -> None:
        """Ctrl+P in the walk-in dialog: print the badge of the walk-in just saved."""
        self.print_person(result.person)

    def print_person(self, person: Person | None) -> None:
        """Queue `person`'s badge (or say at once why not: no printer set, nobody, cancelled)."""
        printer = self.screen.ctx.settings.printer
        if not printer:
            # The printing code loads at the first Ctrl+P, not with the desk (kiosk/ui/print_job.py).
            from kiosk.interop.print_words import staff_sentence
            from kiosk.interop.printing import Fault, PrintFault

            return self._say(staff_sentence(PrintFault(Fault.NO_PRINTER), self.lang), "failed")
        if person is None:
            return self._say(WORDS["nobody"](self.lang), "failed")
        name = clean(person.name, 60)
        if person.status == "cancelled":
            return self._say(WORDS["cancelled"](self.lang, name=name), "failed")
        if person.id in self._queued:
            return self._say(WORDS["queued"](self.lang, name=name), "busy")
        self._queued.add(person.id)
        self._say(WORDS["printing"](self.lang, name=name, printer=clean(printer, 40)), "busy")
        self.queue.put(BadgeJob(person, origin="desk"))

    def printed(self, message: WriteDone) -> None:
        """A print came back: printed, or refused by the printer (its fault said for staff)."""
        done: Printed = message.result
        name = clean(done.person.name, 60)
        if done.fault is not None:
            from kiosk.interop.print_words import staff_sentence  # loaded by the print already

            return self._not_printed(done.person, staff_sentence(done.fault, self.lang))
        self._queued.discard(done.person.id)
        if self._retry is not None and self._retry.id == done.person.id:
            self._retry = None
        words = "reprinted" if done.reprint else "printed"
        self._say(WORDS[words](self.lang, name=name, job=clean(done.job, 40)), "printed")

    def failed(self, message: WriteFailed) -> None:
        """The print raised: a store fault of the log (nothing was sent to the printer) or a bug."""
        self._not_printed(message.job.person, message.said(self.lang))

    def _not_printed(self, person: Person, why: str) -> None:
        self._queued.discard(person.id)
        self._retry = person
        self._say(WORDS["failed"](self.lang, name=clean(person.name, 60), why=clean(why, 300)), "failed")

    def _say(self, text: str, state: str) -> None:
        """In the side panel (a line of its own, kept until the next print); on the quiet line when it is hidden."""
        screen = self.screen
        if not screen.is_attached:
            return  # the desk was left meanwhile; the print log has the result
        try:
            side = screen.query_one("#desk-side")
        except NoMatches:
            return
        try:
            status = side.query_one(PrintStatus)
        except NoMatches:
            status = PrintStatus(id="desk-print")
            side.mount(status, after="#counters-recently")
        status.say(text, state)
        if screen.has_class("-narrow"):
            screen.say(text)
