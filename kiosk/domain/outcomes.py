"""The answers of the store's rules: what a scan or a sign-up came to, in words the UI can show.

Plain dataclasses, not pydantic models: they are built by our own SQL from our own rows (nothing
to validate), once per scan on the desk's hot path, and the desk starts without importing pydantic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Light(StrEnum):
    """The desk's traffic light."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class Reason(StrEnum):
    """Why a scan was accepted or refused; stored verbatim in the scan log."""

    OK = "ok"
    REENTRY = "reentry"
    EXIT = "exit"
    ALREADY_IN = "already_in"
    BOUNCE = "bounce"
    UNKNOWN_CODE = "unknown_code"
    CANCELLED = "cancelled"
    NOT_INSIDE = "not_inside"
    UNDO = "undo"
    NOTHING_TO_UNDO = "nothing_to_undo"
    MOVED = "moved"
    # A desk's offline check-in of someone another desk checked in meanwhile: uploaded, flagged, not counted twice.
    OFFLINE_DUPLICATE = "offline_duplicate"
    # Offline, a code the desk's copy does not hold (a walk-in made at another desk since its last
    # refresh), or any code while the copy holds nobody yet: kept, and judged by the server on upload.
    NOT_IN_COPY = "not_in_copy"
    NO_COPY = "no_copy"


LIGHT_OF_REASON = {
    Reason.OK: Light.GREEN,
    Reason.REENTRY: Light.GREEN,
    Reason.EXIT: Light.GREEN,
    Reason.UNDO: Light.GREEN,
    Reason.MOVED: Light.GREEN,
    Reason.ALREADY_IN: Light.AMBER,
    Reason.BOUNCE: Light.AMBER,
    Reason.NOT_INSIDE: Light.AMBER,
    Reason.NOTHING_TO_UNDO: Light.AMBER,
    Reason.OFFLINE_DUPLICATE: Light.AMBER,
    Reason.NOT_IN_COPY: Light.AMBER,
    Reason.NO_COPY: Light.AMBER,
    Reason.UNKNOWN_CODE: Light.RED,
    Reason.CANCELLED: Light.RED,
}


@dataclass(kw_only=True)
class Person:
    """An attendee as the screens show them."""

    id: int
    code: str
    name: str
    organisation: str = ""
    city: str = ""
    email: str = ""
    status: str = "registered"
    source: str = "import"


@dataclass(kw_only=True)
class ScanResult:
    """What one scan came to, after its transaction committed."""

    scan_id: int
    accepted: bool
    reason: Reason
    at: str
    device: str
    list_id: str = "venue"
    direction: str = "entry"
    raw_code: str = ""
    person: Person | None = None
    first_entry_at: str | None = None
    first_entry_device: str | None = None
    arrivals: int = 0
    expected: int = 0
    sessions: list[str] = field(default_factory=list)
    replayed: bool = False
    # For an undo: when the scan it annulled was made, and its direction (so staff can check it).
    undone_at: str | None = None
    undone_direction: str | None = None

    @property
    def light(self) -> Light:
        """Green, amber or red for this outcome."""
        return LIGHT_OF_REASON[self.reason]


class SignupStatus(StrEnum):
    """The outcome of a sign-up or cancel."""

    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"
    UNCHANGED = "unchanged"
    REFUSED = "refused"


@dataclass(kw_only=True)
class SignupResult:
    """What a sign-up or cancel came to, after its transaction committed."""

    status: SignupStatus
    session_id: str
    reason: str = ""
    moved_from: str | None = None
    conflict_with: str | None = None
    waitlist_position: int | None = None
    promoted: list[int] = field(default_factory=list)
    # Waitlists in other rounds the person left because the seat they took clashes with them.
    left_waitlists: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class DoorScanResult(ScanResult):
    """A ScanResult for a door, plus what the door did around it and the room's count after it."""

    session_id: str = ""
    moved_from: str | None = None
    venue_arrival: bool = False
    inside: int = 0
    capacity: int | None = None
    # Whether the session is chosen at the kiosk, and the person's place in it: `confirmed`,
    # `waitlisted` (with `waitlist_place`) or None (not signed up).
    signup_session: bool = False
    signup_status: str | None = None
    waitlist_place: int | None = None
    # For `already_in`: when they went into this room (the logged time of the entry that counts).
    inside_since: str | None = None

    @property
    def over_capacity(self) -> bool:
        """More people inside than the room's capacity."""
        return self.capacity is not None and self.inside > self.capacity
