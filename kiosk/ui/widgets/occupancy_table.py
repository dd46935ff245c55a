"""Sessions with their counts, one line each, coloured by fill state (a CSS class) and a word."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from kiosk.domain.counting import venue_wide
from kiosk.domain.rules import Fill, fill_state
from kiosk.i18n import Text
from kiosk.store.stats import SessionStat
from kiosk.ui.widgets.fill import fill_bar, fill_word
from kiosk.ui.widgets.lines import line_widgets

HEAD_RUNNING = Text(" binnen  ingeschr.  cap  bezetting", " inside  signed up  cap  fill")
HEAD_NEXT = Text(" ter plaatse  ingeschr.  cap  verwacht", " on site  signed up  cap  expected")
NONE = Text("(geen sessies)", "(no sessions)")
IN_VENUE = Text("in de locatie", "in the venue")


def venue_line(stat: SessionStat, inside_venue: int, lang: str, *, starts: bool = False) -> tuple[str, Fill]:
    """An item for everyone (walk-in, plenary, break, closing): the venue's count, said to be the venue's.

    Nobody scans at its door, so its own list stays empty; the people at it are the people in the
    building, and the word column says so ("in de locatie") where a room says how full it is.
    """
    number = f"{inside_venue:>12}" if starts else f"{inside_venue:>7}"
    when = f"{stat.starts_at} " if starts else ""
    return f"{number} {'-':>10} {'-':>4}  {'·' * 10} {IN_VENUE(lang):<13} {when}{stat.title}", Fill.FREE


def running_line(stat: SessionStat, lang: str, inside_venue: int | None = None) -> tuple[str, Fill]:
    """Inside now, signed up, capacity, bar, word, title: for a session that is on now.

    `inside_venue`: the venue's count, shown instead for an item for everyone (`counting.venue_wide`).
    """
    if inside_venue is not None and venue_wide(stat.kind, stat.signup):
        return venue_line(stat, inside_venue, lang)
    fill = stat.fill
    cap = "-" if stat.capacity is None else str(stat.capacity)
    signed = str(stat.confirmed) if stat.signup else "-"
    text = (f"{stat.inside:>7} {signed:>10} {cap:>4}  {fill_bar(stat.inside, stat.capacity)} "
            f"{fill_word(fill, stat.capacity, lang):<13} {stat.title}")
    return text, fill


def next_line(
    stat: SessionStat, signed: int, on_site: int, lang: str, inside_venue: int | None = None
) -> tuple[str, Fill]:
    """Of those signed up, how many are on site now; bar and word show the seats taken.

    The bar once showed only those on site: a boat fully booked (15/15) read "ruimte" (room)
    before its people had arrived, beside an alert that it was full. An item for everyone
    coming next expects everyone on site: with `inside_venue`, that is its line.
    """
    if inside_venue is not None and venue_wide(stat.kind, stat.signup):
        return venue_line(stat, inside_venue, lang, starts=True)
    load = signed if stat.signup else on_site
    fill = fill_state(load, stat.capacity)
    cap = "-" if stat.capacity is None else str(stat.capacity)
    shown = str(signed) if stat.signup else "-"
    on = str(on_site) if stat.signup else "-"
    text = (f"{on:>12} {shown:>10} {cap:>4}  {fill_bar(load, stat.capacity)} "
            f"{fill_word(fill, stat.capacity, lang):<13} {stat.starts_at} {stat.title}")
    return text, fill


class OccupancyTable(Vertical):
    """A header line and one line per session; each line has the class fill-<state>."""

    def __init__(self, head: Text, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="occupancy")
        self._head = head

    def compose(self) -> ComposeResult:
        yield Static("", classes="occupancy-head")

    def show(self, lines: list[tuple[str, Fill]], lang: str) -> None:
        """Replace the lines; reuses the line widgets so a refresh does not flicker."""
        self.query_one(".occupancy-head", Static).update(Content(self._head(lang)))
        if not lines:
            lines = [(NONE(lang), Fill.FREE)]
        for row, (text, fill) in zip(line_widgets(self, len(lines), "occupancy-row"), lines):
            row.update(Content(text))
            for state in Fill:
                row.set_class(state is fill, f"fill-{state.value}")
