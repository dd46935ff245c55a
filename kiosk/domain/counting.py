"""How an item's attendance is counted: at its own door, or as the venue's count while it runs."""

from __future__ import annotations

# Items for everyone, in the venue's shared spaces and without a door of their own: the walk-in,
# the opening, plenary talks, breaks and the closing. Nobody scans at them, so the people "inside"
# one of them are the people inside the venue while it runs (the dashboard once said "Inloop:
# inside 0" with 298 people in the building). Decided by the programme's kinds, never by title:
# these are values of kiosk.domain.programme.Kind, spelled out so that the door and dashboard
# screens, which read kinds from the store, need not import the programme's models to start.
VENUE_WIDE_KINDS = frozenset({"walk-in", "opening", "plenary", "break", "closing"})


def venue_wide(kind: str, signup: bool) -> bool:
    """True for an item whose attendance is the venue's count: for everyone, and not chosen at the kiosk.

    An item people sign up for is held behind a door that scans, whatever its kind.
    """
    return kind in VENUE_WIDE_KINDS and not signup
