"""The pure scan rules (kiosk.domain.scan_rules): entry, exit, already inside, bounce; no database."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.domain.outcomes import Reason
from kiosk.domain.scan_rules import (
    LastScan,
    ScanFacts,
    door_scan_reason,
    is_bounce,
    logged_direction,
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
