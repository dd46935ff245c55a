"""The print log: every badge printed on the spot (desk, self-service kiosk, command line), one row each.

A row is written when a print is asked for (`result = 'pending'`) and finished once CUPS said how
it went (`printed` or `failed`, with the fault's kind). It names the attendee by id, the device,
where it was asked (`origin`), whether an earlier print of that person had been printed or was
still on its way (`reprint`), the printer, the page size and CUPS' job id; never a name, so a
privacy purge leaves nothing to blank here.

The self-service kiosk prints a person's badge once: `begin_print(..., once=True)` refuses
(AlreadyPrinted) when a print of them was printed or is still pending anywhere, inside the same
BEGIN IMMEDIATE as the new row, so two kiosks cannot both print it. A failed print does not count:
it can be tried again. Staff allow a reprint at the kiosk with the staff PIN (origin
`selfservice_staff`), which is not refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.store.db import Database, immediate
from kiosk.store.scans import stamp

ORIGINS = ("desk", "selfservice", "selfservice_staff", "cli")


@dataclass
class AlreadyPrinted(Exception):
    """The kiosk prints a badge once: this person's was printed (or is on its way) at `at` by `device`."""

    at: str
    device: str
    origin: str
    result: str  # printed, or pending: on its way


@dataclass(frozen=True)
class PrintRow:
    """One row of the print log."""

    id: int
    attendee_id: int
    at: str
    device: str
    origin: str
    reprint: bool
    printer: str
    size: str
    job: str
    result: str
    fault: str
    finished_at: str | None


def _earlier(conn: Database, attendee_id: int) -> tuple[str, str, str, str] | None:
    """(at, device, origin, result) of this person's latest print that printed or is pending, if any."""
    row: tuple[str, str, str, str] | None = conn.execute(
        "SELECT at, device, origin, result FROM badge_prints "
        "WHERE attendee_id = ? AND result IN ('printed', 'pending') ORDER BY id DESC LIMIT 1",
        (attendee_id,)).fetchone()
    return row


def begin_print(db: Database, attendee_id: int, *, now: dt.datetime, device: str, origin: str,
                printer: str, size: str, once: bool = False) -> tuple[int, bool]:
    """Log a print as asked for (pending): its row id, and whether it is a reprint.

    With `once` (the self-service kiosk), AlreadyPrinted when a print of this person printed or is pending.
    """
    if origin not in ORIGINS:
        raise ValueError(f"origin must be one of {ORIGINS}")
    with immediate(db) as conn:
        earlier = _earlier(conn, attendee_id)
        if once and earlier is not None:
            raise AlreadyPrinted(*earlier)
        row = conn.execute(
            "INSERT INTO badge_prints (attendee_id, at, device, origin, reprint, printer, size) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (attendee_id, stamp(now), device, origin, int(earlier is not None), printer, size)).fetchone()
        return int(row[0]), earlier is not None


def finish_print(db: Database, print_id: int, *, now: dt.datetime, printed: bool, job: str = "",
                 fault: str = "") -> None:
    """Write how a pending print ended: printed, or failed with the fault's kind (kiosk.interop.printing.Fault)."""
    with immediate(db) as conn:
        conn.execute(
            "UPDATE badge_prints SET result = ?, job = ?, fault = ?, finished_at = ? "
            "WHERE id = ? AND result = 'pending'",
            ("printed" if printed else "failed", job, "" if printed else fault, stamp(now), print_id))


def prints_of(db: Database, attendee_id: int) -> list[PrintRow]:
    """This person's prints, oldest first."""
    rows = db.execute(
        "SELECT id, attendee_id, at, device, origin, reprint, printer, size, job, result, fault, finished_at "
        "FROM badge_prints WHERE attendee_id = ? ORDER BY id", (attendee_id,)).fetchall()
    return [PrintRow(id=row[0], attendee_id=row[1], at=row[2], device=row[3], origin=row[4], reprint=bool(row[5]),
                     printer=row[6], size=row[7], job=row[8], result=row[9], fault=row[10], finished_at=row[11])
            for row in rows]
