"""What a scan comes to: entry, exit, already inside, or a scanner's bounce. Pure rules, no SQL.

The store reads the facts inside its write lock (`ScanFacts`: is the person inside this list,
how often they came in, this device's last scan of them) and asks these functions what the scan
is; it then appends that answer to the log. The desk (venue list) and the door (a session's list)
share the rules, with one difference: a door's bounce is a read of the same badge in either
direction, because a door switched to exit a moment ago must not let someone in and straight out.

A scan never changes its direction by itself: a second entry scan of someone inside is
`already_in` (they stay inside, the count does not drop), never an exit. Leaving is an exit
scan, which the door makes in its exit mode (F8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kiosk.domain.outcomes import Reason

# A scanner that reads one badge twice does so within this window; said quietly, not as an error.
BOUNCE_SECONDS = 2.0

ENTRY, EXIT = "entry", "exit"
DIRECTIONS = (ENTRY, EXIT)


@dataclass(frozen=True)
class LastScan:
    """This device's last scan of this person on this list: when, and in which direction."""

    at: dt.datetime
    direction: str


@dataclass(frozen=True)
class ScanFacts:
    """What the log says about one person on one list, read inside the write lock.

    `status` is the attendee's status, None for a code that belongs to no one.
    """

    status: str | None
    inside: bool = False
    entries: int = 0
    last: LastScan | None = None


def is_bounce(last: LastScan | None, now: dt.datetime, direction: str | None) -> bool:
    """True when this device read this badge under BOUNCE_SECONDS ago.

    `direction`: only a repeat in that direction counts; None: a repeat in either direction.
    """
    if last is None or (direction is not None and last.direction != direction):
        return False
    return (now - last.at).total_seconds() < BOUNCE_SECONDS


def _reason(facts: ScanFacts, direction: str, now: dt.datetime, bounce_direction: str | None) -> Reason:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'entry' or 'exit', not {direction!r}")
    if facts.status is None:
        return Reason.UNKNOWN_CODE
    if facts.status == "cancelled":
        return Reason.CANCELLED
    if is_bounce(facts.last, now, bounce_direction):
        return Reason.BOUNCE
    if direction == EXIT:
        return Reason.EXIT if facts.inside else Reason.NOT_INSIDE
    if facts.inside:
        return Reason.ALREADY_IN
    return Reason.REENTRY if facts.entries else Reason.OK


def scan_reason(facts: ScanFacts, direction: str, now: dt.datetime) -> Reason:
    """What a desk (venue) scan comes to; a bounce is a repeat in the same direction."""
    return _reason(facts, direction, now, direction)


def door_scan_reason(facts: ScanFacts, direction: str, now: dt.datetime) -> Reason:
    """What a scan at a session's door comes to: entry, exit, already inside, or a bounce.

    `direction` is the door's mode at the scan (entry, or exit after F8); someone inside who is
    scanned in again is `already_in` and stays inside. A bounce is a repeat in either direction.
    """
    return _reason(facts, direction, now, None)


def logged_direction(reason: Reason, wanted: str, last: LastScan | None) -> str:
    """The direction to log a scan under: a bounce repeats the scan it bounced off, in its direction."""
    if reason is Reason.BOUNCE and last is not None:
        return last.direction
    return wanted

