"""The one badge print job, queued by the desk's Ctrl+P and the kiosk's "print my badge" (kiosk/ui/writes.py).

It runs `print_badge`, the call `kiosk badges print` makes too: the print is logged in
badge_prints, sent to CUPS and waited for, all on the queue's worker thread. No Textual here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.outcomes import Person
from kiosk.interop.badge_print import Printed, print_badge

if TYPE_CHECKING:
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
