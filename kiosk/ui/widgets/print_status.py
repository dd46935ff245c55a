"""One line (or a few, wrapped) saying how the last badge print went: printing, printed, or why not."""

from __future__ import annotations

from textual.widgets import Static

STATES = ("-busy", "-printed", "-failed")


class PrintStatus(Static):
    """The state of the last badge print, as plain text (names are never parsed as markup)."""

    DEFAULT_CSS = """
    PrintStatus { height: auto; margin-top: 1; }
    PrintStatus.-busy { color: $text-muted; }
    PrintStatus.-printed { color: $text-success; }
    PrintStatus.-failed { color: $text-error; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", markup=False, id=id)

    def say(self, text: str, state: str) -> None:
        """Show `text` in `state` (busy, printed or failed)."""
        self.update(text)
        for name in STATES:
            self.set_class(name == f"-{state}", name)
