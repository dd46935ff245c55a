"""How full a room is, in words and as a text bar: shared by the door and the dashboard."""

from __future__ import annotations

from kiosk.domain.rules import Fill
from kiosk.i18n import Text

FILL_WORDS: dict[Fill, Text] = {
    Fill.FREE: Text("ruimte", "room"),
    Fill.FILLING: Text("vult zich", "filling"),
    Fill.ALMOST: Text("bijna vol", "almost full"),
    Fill.FULL: Text("vol", "full"),
    Fill.OVER: Text("TE VOL", "OVER CAPACITY"),
}
NO_LIMIT = Text("geen limiet", "no limit")


def fill_word(fill: Fill, capacity: int | None, lang: str) -> str:
    """The word for a fill state; rooms without a capacity say so instead of 'room'."""
    return NO_LIMIT(lang) if capacity is None else FILL_WORDS[fill](lang)


def fill_bar(taken: int, capacity: int | None, width: int = 10) -> str:
    """A bar of `width` cells, full at capacity; over capacity ends in '!'."""
    if not capacity:
        return "·" * width
    cells = min(width, round(width * taken / capacity))
    bar = "█" * cells + "░" * (width - cells)
    return bar[:-1] + "!" if taken > capacity else bar
