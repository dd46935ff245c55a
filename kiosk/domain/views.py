"""What the screens show, as the store reads it: plain values with no SQL and no Textual.

The store builds these (kiosk.store.occupancy, attendees, signups, stats) and the widgets draw
them, so a widget needs no store module to know the shape of what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.domain.outcomes import Person


@dataclass(frozen=True)
class Occupancy:
    """The numbers of one session."""

    confirmed: int = 0
    waitlisted: int = 0
    inside: int = 0


EMPTY = Occupancy()


@dataclass
class SearchHit:
    """One search result: the person and whether they are at the venue now."""

    person: Person
    inside: bool
    arrived_at: str | None


@dataclass
class OptionState:
    """One session of a choice round as the kiosk shows it to one person."""

    session_id: str
    title: str
    kind: str
    starts_at: str
    ends_at: str | None
    capacity: int | None
    confirmed: int
    waitlisted: int
    closed: bool
    mine: str | None = None
    place: int | None = None
    promoted: bool = False  # their seat came from the waitlist, and they have not been told yet

    @property
    def seats_left(self) -> int | None:
        """Free seats (None: no limit)."""
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        """True when a sign-up now would go onto the waitlist."""
        return self.capacity is not None and self.confirmed >= self.capacity


@dataclass
class RoundState:
    """A choice round for one person: its options, their seat, their waitlist places, closed or not."""

    round_id: str
    options: list[OptionState]

    @property
    def choice(self) -> str | None:
        """The session they have a seat in, or None."""
        return next((o.session_id for o in self.options if o.mine == "confirmed"), None)

    @property
    def waiting(self) -> list[OptionState]:
        """The options they are on the waitlist of."""
        return [o for o in self.options if o.mine == "waitlisted"]

    @property
    def closed(self) -> bool:
        """True when choosing has closed for every option of the round."""
        return all(o.closed for o in self.options)

    @property
    def promoted(self) -> OptionState | None:
        """Their seat, when it came to them from the waitlist and they have not been told yet."""
        return next((o for o in self.options if o.mine == "confirmed" and o.promoted), None)


@dataclass
class Alert:
    """Something an organiser should look at: `kind` is over, full_waitlist, early or guessing.

    guessing: badge codes are being guessed through the public login (kiosk.store.code_guard); no
    session, `title` the address most unknown codes came from, `count` those of the worst minute.
    """

    kind: str
    session_id: str
    title: str
    count: int
    capacity: int | None = None
    starts_at: str = ""


@dataclass(frozen=True)
class RecentScan:
    """One line of "last scans" (a desk's side panel, the F9 list, the dashboard's feed)."""

    id: int
    at: str
    device: str
    list_id: str
    direction: str
    accepted: bool
    reason: str
    annuls: int | None
    raw_code: str
    # The person, when the code was known; organisation and city tell namesakes apart.
    name: str | None = None
    code: str | None = None
    organisation: str | None = None
    city: str | None = None
    # A scan a desk answered offline that is still in its queue, not on the server yet (kiosk.store.offline_reads).
    waiting: bool = False

