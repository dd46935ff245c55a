"""The search line under the grid: opens with `/`, filters as one types, Esc clears and closes."""

from __future__ import annotations

from textual.message import Message
from textual.widgets import Input

from kiosk.ui.widgets.kiosk_look import bilingual, in_language
from kiosk.ui.widgets.programme_words import KEYS, LABEL


class GridSearch(Input):
    """An Input that reports each change and is hidden while no search is open."""

    # Each key twice, in Dutch and in English: check_action (and the screen's, for screen.now)
    # shows the interface's language.
    BINDINGS = [
        *bilingual("escape", "clear_search", *KEYS["clear"]),
        *bilingual("enter", "to_grid", *KEYS["grid"]),
        # `n` types an n here, so the way to "now" while searching is Ctrl+N, shown in the Footer.
        *bilingual("ctrl+n", "screen.now", *KEYS["now"]),
    ]

    class Closed(Message):
        """The search was closed; `cleared` is True when the filter should go too."""

        def __init__(self, cleared: bool) -> None:
            super().__init__()
            self.cleared = cleared

    def __init__(self, lang: str, *, id: str | None = None) -> None:
        # The search text is what a person typed: never parsed as markup (Input does not).
        super().__init__(placeholder=LABEL["search"](lang), id=id, compact=True)
        self.lang = lang

    def open(self) -> None:
        """Show the line and give it the keyboard."""
        self.display = True
        self.screen.set_focus(self)  # at once (Widget.focus waits a turn): the next key typed is the line's

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Each key only in the interface's language (the other's twin of a `bilingual` key is hidden)."""
        return in_language(parameters, self.lang)

    def action_clear_search(self, lang: str = "") -> None:
        """Empty the search, close the line, and tell the screen to show everything again."""
        self.value = ""
        self.display = False
        self.post_message(self.Closed(cleared=True))

    def action_to_grid(self, lang: str = "") -> None:
        """Keep the filter and go back to the grid."""
        if not self.value.strip():
            self.display = False
        self.post_message(self.Closed(cleared=False))
