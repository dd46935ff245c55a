"""The search results under the desk's input: who matches, and who is already in.

The list never takes focus: the input keeps it (a scanner must always land there), and the
screen moves the highlight with the arrow keys.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kiosk.domain.views import SearchHit
from kiosk.i18n import Text
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.scan_answer import clock_time

WORDS = {
    "inside": Text("binnen sinds {time}", "in since {time}"),
    "left": Text("weer vertrokken", "has left"),
    "cancelled": Text("geannuleerd", "cancelled"),
}


class SearchResults(OptionList):
    """Matching attendees; `chosen_code()` is the highlighted one's code, if any."""

    can_focus = False

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)
        self.lang = lang
        self.hits: list[SearchHit] = []

    def show_hits(self, hits: list[SearchHit]) -> None:
        """Replace the list with these hits, nothing highlighted (a guess is worse than a question)."""
        self.hits = hits
        self.clear_options()
        self.add_options([Option(self._prompt(hit), id=hit.person.code) for hit in hits])
        self.highlighted = None

    def _prompt(self, hit: SearchHit) -> Content:
        """One line: a mark for who is in, the name, organisation and city, and their state."""
        person = hit.person
        where = " · ".join(part for part in (person.organisation, person.city) if part)
        if person.status == "cancelled":
            state = WORDS["cancelled"](self.lang)
        elif hit.inside:
            state = WORDS["inside"](self.lang, time=clock_time(hit.arrived_at)[:5])
        elif hit.arrived_at:
            state = WORDS["left"](self.lang)
        else:
            state = ""
        # Content.assemble takes plain strings as text, never as markup.
        return Content.assemble(
            ("✔ " if hit.inside else "  ", "bold $text-success"),
            (clean(person.name, 200), "bold"),
            f"  {clean(where, 200)}" if where else "",
            (f"  ({state})", "$text-success" if hit.inside else "$text-muted") if state else "",
        )

    def move(self, delta: int) -> None:
        """Move the highlight down (+1) or up (-1); the first press picks the first or last hit."""
        if not self.option_count:
            return
        if self.highlighted is None:
            self.highlighted = 0 if delta > 0 else self.option_count - 1
        else:
            self.highlighted = max(0, min(self.option_count - 1, self.highlighted + delta))

    def chosen_code(self) -> str | None:
        """The code of the highlighted person, or None."""
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id
