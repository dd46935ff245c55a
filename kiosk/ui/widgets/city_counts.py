"""Arrivals per city or organisation: `Zaanstad  12 / 15`, most arrivals first."""

from __future__ import annotations

from textual.widgets import Static

from kiosk.i18n import Text
from kiosk.ui.widgets.plain import clean

UNKNOWN = Text("(onbekend)", "(unknown)")
OTHERS = Text("overige ({n})", "others ({n})")
# Groups named one per line, most arrivals first; the rest share one line.
MAX_ROWS = 12
# On the public dashboard, groups expecting fewer people than this are only counted together.
PUBLIC_SMALLEST_GROUP = 5


class CityCounts(Static):
    """Arrived / expected per group, as plain text (names of places are data, never markup)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)

    def show(self, rows: list[tuple[str, int, int]], lang: str, *, smallest: int = 1) -> None:
        """Replace the lines; groups of fewer than `smallest` expected are summed into one line.

        The public dashboard passes a threshold: "Gemeente X  1 / 1" on a foyer screen says that
        one known person (a mayor who came alone) has arrived.
        """
        named = [r for r in rows if r[2] >= smallest]
        rest = [r for r in rows if r[2] < smallest] + named[MAX_ROWS:]
        rows = named[:MAX_ROWS]
        if rest:  # everything not named, summed: the totals stay true
            rows.append((OTHERS(lang, n=len(rest)), sum(r[1] for r in rest), sum(r[2] for r in rest)))
        width = max((len(clean(name, 28)) for name, _, _ in rows), default=10)
        lines = [
            f"{clean(name, 28) or UNKNOWN(lang):<{width}}  {arrived:>4} / {expected:<4}"
            for name, arrived, expected in rows
        ]
        self.update("\n".join(lines) or "-")
