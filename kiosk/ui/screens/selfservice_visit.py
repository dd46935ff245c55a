"""One attendee's visit at the self-service kiosk: all the screen knows of them, replaced whole at the next.

The screen holds one `Visit`; `reset()` puts a fresh one in its place, so nothing of the last
person can survive by being left out of a list of attributes to clear. Each write made for a
visit carries that visit, and a result that comes back for a visit no longer the screen's is shown
to nobody. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from kiosk.domain.outcomes import Person
from kiosk.domain.views import RoundState


class Stage(StrEnum):
    """What the self-service screen shows: the welcome, a person's rounds, or their agenda."""

    WELCOME = "welcome"
    DAY = "day"
    AGENDA = "agenda"


@dataclass(eq=False)  # compared by identity: a write's visit is the screen's, or it is over
class Visit:
    """One person's visit, from the badge scan to the welcome that follows (or the welcome before one)."""

    # The visitor's language: the kiosk's own at the start of each visit, F2 switches it.
    lang: str
    person: Person | None = None
    # Their rounds as last read (one statement: counts, seats, places, closed).
    states: dict[str, RoundState] = field(default_factory=dict)
    # The round on screen.
    index: int = 0
    # A sign-up is being written; option numbers typed meanwhile wait in `queued`, done in turn.
    busy: bool = False
    queued: list[int] = field(default_factory=list)
    # The session whose card, chosen again, gives the place up (right after "already your choice").
    give_up: str | None = None
    # When a round (or the agenda) was last put on screen, monotonic (selfservice_guard.take_key).
    round_shown_at: float = 0.0
    # When Enter was pressed on the welcome, monotonic: keys right after it are the day's (selfservice_guard).
    code_entered_at: float = 0.0
    # Seats from the waitlist this visit told them of, and per seat the choice it replaced.
    news: list[str] = field(default_factory=list)
    released: dict[str, str] = field(default_factory=dict)

    def round_state(self, round_id: str) -> RoundState:
        """Their state in one round (no options read yet: an empty one)."""
        return self.states.get(round_id) or RoundState(round_id, [])
