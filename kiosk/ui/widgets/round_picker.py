"""One choice round as a grid of large option cards, with a step line and arrow-key movement."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.widgets import Static

from kiosk.ui.widgets import selfservice_words as W
from kiosk.ui.widgets.option_card import OptionCard, OptionView


class RoundPicker(Vertical):
    """The options of one round; arrows move between cards, Enter or a click chooses."""

    BINDINGS = [
        Binding("up", "move(-2)", "Kaart/Move", show=False),
        Binding("down", "move(2)", "Move", show=False),
        Binding("left", "move(-1)", "Move", show=False),
        Binding("right", "move(1)", "Move", show=False),
    ]

    def __init__(
        self, round_name: str, step: int, steps: list[str], views: list[OptionView], *, closed: bool, lang: str
    ) -> None:
        super().__init__(id="round-picker")
        self.round_name = round_name
        self.step = step
        self.steps = steps
        self.views = views
        self.closed = closed
        self.lang = lang

    def compose(self) -> ComposeResult:
        step_line = W.ROUND_OF(self.lang, n=self.step + 1, total=len(self.steps)) + "   " + "  ".join(self.steps)
        yield Static(step_line, id="round-steps", markup=False)
        yield Static(self.round_name, id="round-name", markup=False)
        if self.closed:
            yield Static(W.ROUND_CLOSED(self.lang), id="round-closed", markup=False)
        with Grid(id="round-options"):
            for index, view in enumerate(self.views, start=1):
                yield OptionCard(index, view, self.lang)

    def on_mount(self) -> None:
        # One-column grid when there is a single option (no half-empty row); two columns otherwise.
        self.query_one("#round-options").set_class(len(self.views) == 1, "-single")

    def cards(self) -> list[OptionCard]:
        """The option cards in order (1, 2, ...)."""
        return list(self.query(OptionCard))

    def focus_card(self, session_id: str | None = None) -> None:
        """Focus the card of this session, else the first card."""
        cards = self.cards()
        target = next((c for c in cards if c.session_id == session_id), cards[0] if cards else None)
        if target:
            target.focus()

    def update_views(self, views: list[OptionView]) -> None:
        """Refresh the cards' numbers in place (the focus stays where it is)."""
        by_id = {v.state.session_id: v for v in views}
        for card in self.cards():
            if card.session_id in by_id:
                card.update_view(by_id[card.session_id])
        self.views = views

    def action_move(self, delta: int) -> None:
        """Move the focus between cards: left/right by one, up/down by a row of two."""
        cards = self.cards()
        if not cards:
            return
        focused = self.screen.focused
        index = cards.index(focused) if focused in cards else 0
        cards[max(0, min(len(cards) - 1, index + delta))].focus()
