"""The search line under the grid: opens with `/`, filters as one types, Esc clears and closes."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from kiosk.ui.widgets.localize import localize_bindings
from kiosk.ui.widgets.programme_words import LABEL


class GridSearch(Input):
    """An Input that reports each change and is hidden while no search is open."""

    BINDINGS = [
        Binding("escape", "clear_search", "clear"),
        Binding("enter", "to_grid", "grid"),
        # `n` types an n here, so the way to "now" while searching is Ctrl+N, shown in the Footer.
        Binding("ctrl+n", "screen.now", "now"),
    ]

    class Closed(Message):
        """The search was closed; `cleared` is True when the filter should go too."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        # The search text is what a person typed: never parsed as markup (Input does not).
        super().__init__(placeholder=LABEL["search"](lang), id=id, compact=True)
        localize_bindings(self, lang)

    def open(self) -> None:
        """Show the line and give it the keyboard."""
        self.display = True
        self.focus()

    def action_clear_search(self) -> None:
        """Empty the search, close the line, and tell the screen to show everything again."""
        self.value = ""
        self.display = False
        self.post_message(self.Closed(cleared=True))

    def action_to_grid(self) -> None:
        """Keep the filter and go back to the grid."""
        if not self.value.strip():
            self.display = False
        self.post_message(self.Closed(cleared=False))
