"""The desk's Ctrl+Z: find the scan it would annul, ask the undo rules, and annul it only when they allow.

One scan transaction (`scan_transaction`: `BEGIN IMMEDIATE` and the nonce's replay) reads the
target and its facts (its time, whether it is this desk's last accepted scan, who it was), asks
`kiosk.domain.undo_rules.undo_verdict`, and either appends the annulling scan (`append_annulment`,
the one writer of annulments, kiosk/store/scans.py) or writes nothing and returns the held
target, which the desk turns into a question or a refusal. Judging and annulling under one lock means the scan
named in the answer is the scan annulled, even with other desks and this desk's queue writing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.domain.outcomes import ScanResult
from kiosk.domain.undo_rules import UndoTarget, UndoVerdict, undo_verdict
from kiosk.store.db import Database
from kiosk.store.scans import (
    VENUE,
    LoggedScan,
    append_annulment,
    nothing_to_undo,
    scan_result,
    scan_transaction,
    undoable_scan,
)


@dataclass(frozen=True)
class UndoHeld:
    """Ctrl+Z wrote nothing: `verdict` says whether to ask about `target` (ASK) or refuse it (TOO_OLD)."""

    target: UndoTarget
    verdict: UndoVerdict


def undo_target(conn: Database, device: str, list_: str = VENUE) -> tuple[LoggedScan, UndoTarget] | None:
    """This device's newest undoable scan on `list_` (the `undoable_scan` row) and its facts; None if none."""
    row = undoable_scan(conn, device, None, list_)
    if row is None:
        return None
    facts = conn.execute(
        """SELECT s.at, s.direction, s.reason, coalesce(a.name, ''), coalesce(a.organisation, ''),
                  coalesce(a.city, ''),
                  (SELECT max(id) FROM scans WHERE device = ?2 AND list = ?3 AND accepted = 1
                     AND annuls IS NULL AND instr(nonce, ':') = 0)
           FROM scans s LEFT JOIN attendees a ON a.id = s.attendee_id WHERE s.id = ?1""",
        (row.id, device, list_),
    ).fetchone()
    at, direction, reason, name, organisation, city, last_id = facts
    # "Last" counts every accepted scan of this desk, undone ones too: once the last scan was
    # undone, the next one back is older than it, and asks.
    target = UndoTarget(scan_id=row.id, at=dt.datetime.fromisoformat(at), direction=direction, reason=reason,
                        is_last=last_id == row.id, name=name, organisation=organisation, city=city)
    return row, target


def undo_last(
    db: Database, *, now: dt.datetime, device: str, list_: str = VENUE, nonce: str | None = None
) -> ScanResult | UndoHeld:
    """Ctrl+Z: annul this device's newest undoable scan when the undo rules allow it without a question.

    Returns the annulling scan's result (UNDO), NOTHING_TO_UNDO (logged) when there is nothing,
    or `UndoHeld` (nothing written) when the rules ask first or refuse by age.
    """
    with scan_transaction(db, nonce) as tx:
        if tx.replay:
            return tx.replay
        found = undo_target(tx.conn, device, list_)
        if found is None:
            return nothing_to_undo(tx.conn, now, device, tx.nonce)
        row, target = found
        verdict = undo_verdict(target, now)
        if verdict is not UndoVerdict.UNDO:
            return UndoHeld(target, verdict)
        return scan_result(tx.conn, append_annulment(tx.conn, [row], now, device, tx.nonce))
