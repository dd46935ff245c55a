"""The desk's writes: a scan (check-in or check-out) and an undo, each run once, in the order made.

A scanner can deliver the next code while the last one is still being written. Each submission
becomes a job with its own nonce (taken when Enter was pressed, so a retry never doubles it); the
desk's WriteQueue (kiosk/ui/writes.py) runs them one by one on its worker thread, so answers
come back in order. No Textual here: these only make the store calls.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kiosk.domain.outcomes import ScanResult
from kiosk.store.scans import VENUE, new_nonce, record_scan, undo_scan
from kiosk.store.undo import UndoHeld, undo_last
from kiosk.ui.offline_desk import refuse_offline_undo

if TYPE_CHECKING:
    from kiosk.ui.context import UiContext


@dataclass
class ScanJob:
    """Check a code in (or out): the one code path, `record_scan`."""

    code: str
    direction: str = "entry"
    at: dt.datetime | None = None
    nonce: str = field(default_factory=new_nonce)

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> ScanResult:
        """Record the scan (at the moment Enter was pressed, when known); the result is after COMMIT.

        On PostgreSQL through the desk's offline switch: on the server, or kept in the local queue.
        """
        if ctx.offline is not None:
            return ctx.offline.scan(db, self.code, now=self.at or ctx.clock.now(), direction=self.direction,
                                    nonce=self.nonce)
        return record_scan(db, self.code, now=self.at or ctx.clock.now(), device=ctx.device,
                           direction=self.direction, nonce=self.nonce)


@dataclass
class UndoJob:
    """Annul one scan (confirmed by staff), or Ctrl+Z: this desk's last one, as the undo rules allow.

    With `scan_id` (picked in F9 or confirmed after Ctrl+Z asked) the scan is annulled; without it
    `undo_last` judges this desk's newest undoable scan (kiosk/domain/undo_rules.py) and may hold
    it back, writing nothing, for the desk to ask about or refuse.
    """

    scan_id: int | None = None
    at: dt.datetime | None = None
    nonce: str = field(default_factory=new_nonce)

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> ScanResult | UndoHeld:
        """Append the undo; returns its result (UNDO or NOTHING_TO_UNDO), or the held target."""
        refuse_offline_undo(ctx)
        now = self.at or ctx.clock.now()
        # The desk undoes check-ins and check-outs at the venue, never a door's room scan.
        if self.scan_id is None:
            return undo_last(db, now=now, device=ctx.device, list_=VENUE, nonce=self.nonce)
        return undo_scan(db, now=now, device=ctx.device, scan_id=self.scan_id, nonce=self.nonce, list_=VENUE)


Job = ScanJob | UndoJob
