"""The one badge print job, queued by the desk's Ctrl+P and the kiosk's "print my badge" (kiosk/ui/writes.py).

It runs `print_badge`, the call `kiosk badges print` makes too: the print is logged in
badge_prints, sent to CUPS and waited for, all on the queue's worker thread. No Textual here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.outcomes import Person

if TYPE_CHECKING:
    from kiosk.interop.badge_print import Printed
    from kiosk.ui.context import UiContext


@dataclass(frozen=True)
class BadgeJob:
    """Print `person`'s badge on this process's printer; `origin` goes into the print log.

    `once`: refuse a second print of the same person (AlreadyPrinted), as the kiosk does.
    """

    person: Person
    origin: str
    once: bool = False

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> Printed:
        """Log, print and wait; a Printed (with its fault when the printer refused or failed)."""
        return print_badge(db, self.person, event_name=ctx.event.name, printer=ctx.settings.printer,
                           size=ctx.settings.badge_size, device=ctx.device, origin=self.origin, once=self.once,
                           now=ctx.clock.now)


def print_badge(*args, **kwargs) -> Printed:
    """kiosk.interop.badge_print.print_badge, imported at the first print.

    The badge and CUPS code (its PDF and QR, IPP over http.client, xml.sax's escape, which loads
    urllib and email) took ~35 ms of a desk's start-up before its first screen when imported with it.
    """
    from kiosk.interop import badge_print

    return badge_print.print_badge(*args, **kwargs)
