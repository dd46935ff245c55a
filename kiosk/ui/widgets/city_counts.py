"""Arrivals per city or organisation: `Zaanstad  12 / 15`, most arrivals first."""

from __future__ import annotations

from textual.widgets import Static

from kiosk.i18n import Text
from kiosk.ui.widgets.plain import clean

UNKNOWN = Text("(onbekend)", "(unknown)")


class CityCounts(Static):
    """Arrived / expected per group, as plain text (names of places are data, never markup)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show(self, rows: list[tuple[str, int, int]], lang: str) -> None:
        """Replace the lines."""
        width = max((len(clean(name, 28)) for name, _, _ in rows), default=10)
        lines = [
            f"{clean(name, 28) or UNKNOWN(lang):<{width}}  {arrived:>4} / {expected:<4}"
            for name, arrived, expected in rows
        ]
        self.update("\n".join(lines) or "-")
