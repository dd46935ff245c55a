"""Reusable line widgets for lists that change every refresh, without remounting (no flicker)."""

from __future__ import annotations

from textual.containers import Vertical
from textual.widgets import Static


def line_widgets(container: Vertical, count: int, classes: str) -> list[Static]:
    """`count` plain-text Statics with `classes` in `container`, shown; any others hidden for reuse."""
    rows = [w for w in container.children if isinstance(w, Static) and w.has_class(classes)]
    while len(rows) < count:
        row = Static("", classes=classes, markup=False)
        container.mount(row)
        rows.append(row)
    for index, row in enumerate(rows):
        row.display = index < count
    return rows[:count]
