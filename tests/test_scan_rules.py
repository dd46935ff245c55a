"""The pure scan rules (kiosk.domain.scan_rules): entry, exit, already inside, bounce, what a door brings along."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.outcomes import Reason
from kiosk.domain.scan_rules import (
    LETS_IN,
    Bounce,
    BroughtAlong,
    LastScan,
    ScanFacts,
    ScanOutcome,
    brought_along,
    door_scan_reason,
    is_accepted,
    is_bounce,
    logged_direction,
    scan_outcome,
    scan_reason,
)

T0 = dt.datetime(2026, 11, 29, 11, 32, tzinfo=dt.UTC)


def later(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


INSIDE = ScanFacts(status="registered", inside=True, entries=1, last=LastScan(T0, "entry"))


def test_a_second_entry_scan_past_the_bounce_is_already_inside_never_an_exit():
    assert door_scan_reason(INSIDE, "entry", later(3)) is Reason.ALREADY_IN
    assert scan_reason(INSIDE, "entry", later(3)) is Reason.ALREADY_IN


def test_within_two_seconds_it_is_a_bounce_and_at_a_door_in_either_direction():
    assert door_scan_reason(INSIDE, "entry", later(1.9)) is Reason.BOUNCE
    assert door_scan_reason(INSIDE, "exit", later(1.9)) is Reason.BOUNCE  # F8 pressed between two reads
    assert scan_reason(INSIDE, "exit", later(1.9)) is Reason.EXIT  # the desk: only a repeat is a bounce
    assert not is_bounce(INSIDE.last, later(2.0), None)
    assert not is_bounce(None, later(0), "entry")


def test_leaving_is_an_exit_scan():
    assert door_scan_reason(INSIDE, "exit", later(60)) is Reason.EXIT
    outside = ScanFacts(status="registered", inside=False, entries=1, last=LastScan(T0, "exit"))
    assert door_scan_reason(outside, "exit", later(60)) is Reason.NOT_INSIDE
    assert door_scan_reason(outside, "entry", later(60)) is Reason.REENTRY
    assert door_scan_reason(ScanFacts(status="registered"), "entry", T0) is Reason.OK


def test_unknown_and_cancelled_come_first():
    assert door_scan_reason(ScanFacts(status=None), "entry", T0) is Reason.UNKNOWN_CODE
    assert door_scan_reason(ScanFacts(status="cancelled", inside=True, last=LastScan(T0, "entry")), "entry",
                            later(1)) is Reason.CANCELLED


def test_a_bounce_is_logged_in_the_direction_of_the_scan_it_repeats():
    assert logged_direction(Reason.BOUNCE, "exit", LastScan(T0, "entry")) == "entry"
    assert logged_direction(Reason.ALREADY_IN, "entry", LastScan(T0, "entry")) == "entry"
    assert logged_direction(Reason.EXIT, "exit", LastScan(T0, "entry")) == "exit"


def test_a_direction_that_is_neither_is_refused():
    with pytest.raises(ValueError):
        door_scan_reason(INSIDE, "toggle", T0)


def test_one_rule_three_bounces_desk_door_and_a_scan_brought_along():
    """`scan_outcome` is the rule of every writer; only the bounce differs, and it gives the direction to log."""
    desk = scan_outcome(INSIDE, "exit", later(1), Bounce.SAME_DIRECTION)
    assert desk == ScanOutcome(Reason.EXIT, "exit") and desk.accepted
    door = scan_outcome(INSIDE, "exit", later(1), Bounce.EITHER_DIRECTION)
    assert door == ScanOutcome(Reason.BOUNCE, "entry") and not door.accepted  # logged as the read it repeats
    brought = scan_outcome(ScanFacts(status="registered", entries=1, last=LastScan(T0, "entry")), "entry", later(1),
                           Bounce.NEVER)
    assert brought == ScanOutcome(Reason.REENTRY, "entry") and brought.accepted
    assert scan_outcome(ScanFacts(status="cancelled"), "entry", T0, Bounce.NEVER).reason is Reason.CANCELLED
    assert [r for r in Reason if is_accepted(r)] == [Reason.OK, Reason.REENTRY, Reason.EXIT, Reason.UNDO, Reason.MOVED]
    with pytest.raises(ValueError):
        scan_outcome(INSIDE, "toggle", T0, Bounce.NEVER)


def test_a_door_entry_brings_a_venue_arrival_and_moves_out_of_other_rooms():
    not_here = ScanFacts(status="registered")
    assert brought_along(not_here, set(), "r1", T0) == BroughtAlong(Reason.OK, ())
    # Checked out at the desk a second ago, by a device that also read them at the venue: no bounce.
    left = ScanFacts(status="registered", entries=2, last=LastScan(T0, "entry"))
    assert brought_along(left, {"r2"}, "r1", later(0.5)) == BroughtAlong(Reason.REENTRY, ("r2",))
    here = ScanFacts(status="registered", inside=True, entries=1)
    along = brought_along(here, {"venue", "r1", "r3", "r2"}, "r1", T0)
    assert along == BroughtAlong(None, ("r2", "r3")) and along.moved_from == "r3"
    assert BroughtAlong().moved_from is None
    assert LETS_IN == {Reason.OK, Reason.REENTRY}
