"""One badge printed on the spot, logged: the call the desk, the kiosk and `kiosk badges print` share.

`print_badge` logs the print as asked for (kiosk.store.badge_prints), draws the badge in the
configured size (kiosk.interop.badge_label), sends it through CUPS and waits for CUPS' word
(kiosk.interop.printing), then logs how it ended. A fault is returned, not raised, so every caller
says it the same way (kiosk.interop.print_words); the print can then simply be tried again. It
never touches a check-in: printing is beside the scan log, not part of it.

Runs for seconds (CUPS takes its time): the screens call it from a worker thread with that
thread's own connection.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.domain.outcomes import Person
from kiosk.interop.badge_label import UnknownSize, badge_pdf, badge_size
from kiosk.interop.printing import Cups, Fault, PrintFault
from kiosk.store.badge_prints import begin_print, finish_print


@dataclass(frozen=True)
class Printed:
    """How one print went: CUPS' job id when it printed, else the fault; `reprint` as logged."""

    person: Person
    printer: str
    job: str = ""
    fault: PrintFault | None = None
    reprint: bool = False
    print_id: int | None = None

    @property
    def ok(self) -> bool:
        """True when CUPS said the badge printed."""
        return self.fault is None


def print_badge(db: sqlite3.Connection, person: Person, *, event_name: str, printer: str | None, size: str | None,
                device: str, origin: str, now: Callable[[], dt.datetime], once: bool = False,
                cups: Cups | None = None) -> Printed:
    """Print `person`'s badge on `printer` and log it; a Printed, with the fault if it did not print.

    No printer or an unknown size is said before anything is logged (nothing was tried); with
    `once` (the self-service kiosk) AlreadyPrinted is raised when their badge printed before.
    A StoreFault of the log is raised as it is: then nothing was sent to the printer.
    """
    printer = (printer or "").strip()
    if not printer:
        return Printed(person, "", fault=PrintFault(Fault.NO_PRINTER))
    try:
        chosen = badge_size(size)
    except UnknownSize:
        return Printed(person, printer, fault=PrintFault(Fault.BAD_SIZE, printer, detail=str(size)))
    print_id, reprint = begin_print(db, person.id, now=now(), device=device, origin=origin, printer=printer,
                                    size=chosen.name, once=once)
    cups = cups or Cups()
    try:
        pdf = badge_pdf(person, event_name, chosen.name)
        # The job's title is all CUPS keeps in its history: the log's row number, no name or code.
        job = cups.print_pdf(printer, pdf, title=f"netwerkdag-badge-{print_id}", media=chosen.media)
    except PrintFault as fault:
        finish_print(db, print_id, now=now(), printed=False, job=fault.job, fault=fault.kind.value)
        return Printed(person, printer, job=fault.job, fault=fault, reprint=reprint, print_id=print_id)
    except BaseException:
        finish_print(db, print_id, now=now(), printed=False, fault="error")
        raise
    finish_print(db, print_id, now=now(), printed=True, job=job)
    return Printed(person, printer, job=job, reprint=reprint, print_id=print_id)
