"""One option of a choice round: a large, focusable card that is chosen by click, tap, Enter or space."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from kiosk.domain.views import OptionState
from kiosk.ui.widgets import selfservice_words as W


@dataclass
class OptionView:
    """What a card shows: the store's state plus the programme's label and the kiosk's notes."""

    state: OptionState
    label: str
    notes: list[str]
    clash: bool = False


class OptionCard(Widget, can_focus=True):
    """A session to choose; its state (mine, waiting, full, closed, clash) is a CSS class."""

    BINDINGS = [
        Binding("enter", "choose", "Kiezen/Choose", show=False),
        Binding("space", "choose", "Kiezen/Choose", show=False),
    ]

    class Chosen(Message):
        """The person chose this card's session."""

        def __init__(self, session_id: str) -> None:
            super().__init__()
            self.session_id = session_id

    def __init__(self, index: int, view: OptionView, lang: str) -> None:
        super().__init__(classes="option-card")
        self.index = index
        self.lang = lang
        self.view = view
        self._apply_classes()

    @property
    def session_id(self) -> str:
        """The session this card stands for."""
        return self.view.state.session_id

    def update_view(self, view: OptionView) -> None:
        """Show fresh numbers (another kiosk took a seat, a choice was made)."""
        self.view = view
        self._apply_classes()
        self.refresh(layout=True)

    def _apply_classes(self) -> None:
        state = self.view.state
        self.set_class(state.mine == "confirmed", "-mine")
        self.set_class(state.mine == "waitlisted", "-waiting")
        self.set_class(state.full and not state.mine, "-full")
        self.set_class(state.closed, "-closed")
        self.set_class(self.view.clash and not state.mine, "-clash")

    def _status(self) -> str:
        """The seats or the person's place, in words."""
        state, lang = self.view.state, self.lang
        if state.closed and state.mine != "confirmed":
            return W.CLOSED(lang)
        if state.mine == "confirmed":
            return W.MY_CHOICE(lang)
        if state.mine == "waitlisted":
            return W.MY_WAITLIST(lang, n=state.place)
        if state.seats_left is None:
            return W.SEATS_FREE(lang)
        if state.full:
            return W.FULL_WAITLIST(lang, n=state.waitlisted)
        return W.SEAT_LEFT(lang) if state.seats_left == 1 else W.SEATS_LEFT(lang, n=state.seats_left)

    def render(self) -> Content:
        """Number and title, then time and seats, then any notes; all as plain text, never markup."""
        state = self.view.state
        time = f"{state.starts_at}-{state.ends_at}" if state.ends_at else state.starts_at
        parts: list[str | tuple[str, str]] = [
            (f"{self.index}  ", "bold"),
            (self.view.label, "bold"),
            "\n",
            f"{time} · ",
            (self._status(), "bold"),
        ]
        for note in self.view.notes:
            parts += ["\n", ("! " + note, "italic")]
        return Content.assemble(*parts)

    def action_choose(self) -> None:
        """Ask the screen to sign the person up for this session."""
        self.post_message(self.Chosen(self.session_id))

    def on_click(self) -> None:
        """A click or tap chooses the card (and gives it focus, so the arrows start from here)."""
        self.focus()
        self.action_choose()
