"""The self-service kiosk's writes: a choice (or giving a place up), and news of a seat marked as told.

Each runs on the screen's WriteQueue (kiosk/ui/writes.py), on the worker thread's own connection,
in the order made. A sign-up carries the visit it was made in (kiosk/ui/screens/selfservice_visit.py):
an answer that arrives after that person left is shown to nobody. No Textual here.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kiosk.domain.outcomes import SignupResult
from kiosk.store.signups import cancel, mark_promotions_told, signup

if TYPE_CHECKING:
    from kiosk.ui.context import UiContext
    from kiosk.ui.screens.selfservice_visit import Visit


@dataclass(frozen=True)
class SignupJob:
    """Choose `session_id` for the visit's person, or (`give_up`) give their place in it up."""

    visit: Visit
    code: str
    session_id: str
    give_up: bool = False

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> SignupResult:
        """The one sign-up (or cancel) code path, in BEGIN IMMEDIATE; the result is after COMMIT."""
        write = cancel if self.give_up else signup
        return write(db, self.code, self.session_id, now=ctx.clock.now(), device=ctx.device)


@dataclass(frozen=True)
class ToldJob:
    """The news of a seat from the waitlist is shown once: the next scan does not repeat it."""

    attendee_id: int

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> None:
        """Mark their promotions as told (failing, it is shown again at the next scan: harmless)."""
        mark_promotions_told(db, self.attendee_id, ctx.clock.now())
