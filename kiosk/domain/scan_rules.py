"""What a scan comes to, for every writer of the scan log. Pure rules, no SQL.

The store reads the facts inside its write lock (`ScanFacts`: the person's status, whether they
are inside this list, how often they came in, this device's last scan of them there) and asks
`scan_outcome` what the scan is: unknown code, cancelled, bounce, exit, not inside, already
inside, re-entry or a first entry, with the direction to log it under. Every writer asks it:
the desk, the CLI and the benchmarks (`record_scan`), the walk-in's arrival, the door's session
scan and the venue arrival that scan brings along. They differ in one thing only, the bounce
(`Bounce`):

- the desk (and CLI, walk-in): a bounce is a repeat in the same direction, so a check-out right
  after a check-in is a check-out;
- a door: a read of the same badge in either direction, because a door switched to exit a moment
  ago must not let someone in and straight out;
- a scan another scan brought along (the door's venue arrival): never a bounce, since the scan
  that brought it was judged already and it must go with it.

A scan never changes its direction by itself: a second entry scan of someone inside is
`already_in` (they stay inside, the count does not drop), never an exit. Leaving is an exit
scan, which the door makes in its exit mode (F8).

A scan a desk answered offline, from its own copy (kiosk.store.offline_queue), is judged again by
the server when it is uploaded (`uploaded_outcome`): a refusal the person saw (cancelled, a
bounce, not inside) stays as it was shown; a green entry the server finds already inside
(another desk let them in meanwhile) is logged as `offline_duplicate`, refused, so it is flagged
and never a second arrival. A code the copy does not hold is not called unknown offline (the
server may know it: a walk-in made at another desk since the copy's last refresh, or anyone
while the copy holds nobody yet): it is answered amber, kept (`offline_unjudged`), and the
server's judgement of it is what is logged.

What a door's accepted entry brings along (`brought_along`): a venue arrival for someone not at
the venue yet, and an exit (reason `moved`) from each other room they are inside, because one
person is in one room at a time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Set
from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.outcomes import Reason

# A scanner that reads one badge twice does so within this window; said quietly, not as an error.
BOUNCE_SECONDS = 2.0

ENTRY, EXIT = "entry", "exit"
DIRECTIONS = (ENTRY, EXIT)

# The scan log's list for the venue itself; every other list is a session's id.
VENUE = "venue"

# The reasons of accepted scans: the ones that change who is where (scans.accepted = 1).
ACCEPTED = frozenset({Reason.OK, Reason.REENTRY, Reason.EXIT, Reason.UNDO, Reason.MOVED})

# The outcomes of an entry that puts the person inside; only these bring company along at a door.
LETS_IN = frozenset({Reason.OK, Reason.REENTRY})


class Bounce(StrEnum):
    """Which repeat of this device's last scan, under BOUNCE_SECONDS, is a scanner's bounce."""

    SAME_DIRECTION = "same_direction"  # the desk, the CLI, a walk-in
    EITHER_DIRECTION = "either_direction"  # a session's door
    NEVER = "never"  # a scan another scan brought along (the door's venue arrival)


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


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan comes to: its reason, and the direction it is logged under."""

    reason: Reason
    direction: str

    @property
    def accepted(self) -> bool:
        """Whether the scan changes who is where (an accepted row of the log)."""
        return self.reason in ACCEPTED


@dataclass(frozen=True)
class BroughtAlong:
    """What a door's accepted entry brings along, appended before it in the same transaction.

    `venue_arrival`: the reason of the venue check-in to append first (OK or REENTRY), or None
    when the person is at the venue already. `move_out`: the other rooms they are inside, in
    the order they are scanned out of (reason MOVED).
    """

    venue_arrival: Reason | None = None
    move_out: tuple[str, ...] = ()

    @property
    def moved_from(self) -> str | None:
        """The room the door names as the one they came from: the last one scanned out of."""
        return self.move_out[-1] if self.move_out else None


def is_accepted(reason: Reason) -> bool:
    """Whether a scan with this reason is accepted (changes who is where)."""
    return reason in ACCEPTED


def is_bounce(last: LastScan | None, now: dt.datetime, direction: str | None) -> bool:
    """True when this device read this badge under BOUNCE_SECONDS ago.

    `direction`: only a repeat in that direction counts; None: a repeat in either direction.
    """
    if last is None or (direction is not None and last.direction != direction):
        return False
    return (now - last.at).total_seconds() < BOUNCE_SECONDS


def _bounced(facts: ScanFacts, direction: str, now: dt.datetime, bounce: Bounce) -> bool:
    if bounce is Bounce.NEVER:
        return False
    return is_bounce(facts.last, now, direction if bounce is Bounce.SAME_DIRECTION else None)


def _reason(facts: ScanFacts, direction: str, now: dt.datetime, bounce: Bounce) -> Reason:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'entry' or 'exit', not {direction!r}")
    if facts.status is None:
        return Reason.UNKNOWN_CODE
    if facts.status == "cancelled":
        return Reason.CANCELLED
    if _bounced(facts, direction, now, bounce):
        return Reason.BOUNCE
    if direction == EXIT:
        return Reason.EXIT if facts.inside else Reason.NOT_INSIDE
    if facts.inside:
        return Reason.ALREADY_IN
    return Reason.REENTRY if facts.entries else Reason.OK


def scan_outcome(facts: ScanFacts, direction: str, now: dt.datetime, bounce: Bounce) -> ScanOutcome:
    """What a scan in `direction` at `now` comes to, for a writer whose bounce rule is `bounce`.

    Raises ValueError for a direction that is neither entry nor exit.
    """
    reason = _reason(facts, direction, now, bounce)
    return ScanOutcome(reason, logged_direction(reason, direction, facts.last))


def scan_reason(facts: ScanFacts, direction: str, now: dt.datetime) -> Reason:
    """What a desk (venue) scan comes to; a bounce is a repeat in the same direction."""
    return _reason(facts, direction, now, Bounce.SAME_DIRECTION)


def door_scan_reason(facts: ScanFacts, direction: str, now: dt.datetime) -> Reason:
    """What a scan at a session's door comes to: entry, exit, already inside, or a bounce.

    `direction` is the door's mode at the scan (entry, or exit after F8); someone inside who is
    scanned in again is `already_in` and stays inside. A bounce is a repeat in either direction.
    """
    return _reason(facts, direction, now, Bounce.EITHER_DIRECTION)


def logged_direction(reason: Reason, wanted: str, last: LastScan | None) -> str:
    """The direction to log a scan under: a bounce repeats the scan it bounced off, in its direction."""
    if reason is Reason.BOUNCE and last is not None:
        return last.direction
    return wanted


def brought_along(venue: ScanFacts, inside: Set[str], session_id: str, now: dt.datetime) -> BroughtAlong:
    """What a door's accepted entry into `session_id` brings along (ask only when its reason is in LETS_IN).

    `venue`: the person's facts on the venue list (this rule reads no last scan: it never
    bounces); `inside`: every list they are inside now. Someone not at the venue arrives there
    (a first arrival or a re-entry); someone inside other rooms leaves them, in sorted order.
    """
    arrival = None if venue.inside else scan_outcome(venue, ENTRY, now, Bounce.NEVER).reason
    return BroughtAlong(arrival, tuple(sorted(set(inside) - {VENUE, session_id})))


# Offline answers the person saw as a refusal: uploaded as they were shown, not judged again
# (unknown_code: a queue an older kiosk kept, which said "unknown" offline).
KEPT_OFFLINE = frozenset({Reason.UNKNOWN_CODE, Reason.CANCELLED, Reason.BOUNCE, Reason.NOT_INSIDE})
# Offline answers that judged nothing (the copy does not hold the code): the server's judgement is logged.
UNJUDGED_OFFLINE = frozenset({Reason.NOT_IN_COPY, Reason.NO_COPY})


def offline_unjudged(copy_holds_anyone: bool, direction: str) -> ScanOutcome:
    """What an offline scan of a code the copy does not hold comes to: amber, kept, judged on upload.

    `copy_holds_anyone`: False before the copy's first refresh (every code is then one it lacks).
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be 'entry' or 'exit', not {direction!r}")
    return ScanOutcome(Reason.NOT_IN_COPY if copy_holds_anyone else Reason.NO_COPY, direction)


def uploaded_outcome(offline: ScanOutcome, server: ScanOutcome) -> ScanOutcome:
    """What a scan answered offline is logged as on upload: `server` is the server's own judgement of it.

    A code the copy did not hold (UNJUDGED_OFFLINE) is what the server judges: an arrival of a
    code it knows, `unknown_code` of one it does not. A refusal shown offline stays (KEPT_OFFLINE),
    and so does any other refusal the server would refuse too (an amber "already here" the server
    calls a bounce); a green entry the server finds inside already (or a bounce of another scan) is
    `offline_duplicate`; anything else is what the server judges, so an offline "already here" of
    someone the server does not have inside is counted after all.
    """
    if offline.reason in UNJUDGED_OFFLINE:
        return server
    if offline.reason in KEPT_OFFLINE or (not offline.accepted and not server.accepted):
        return offline
    if offline.reason in LETS_IN and server.reason in (Reason.ALREADY_IN, Reason.BOUNCE):
        return ScanOutcome(Reason.OFFLINE_DUPLICATE, ENTRY)
    return server
