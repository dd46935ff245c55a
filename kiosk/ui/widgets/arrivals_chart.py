"""Arrivals over the day: a sparkline per 5 minutes, a cumulative one, and arrived / expected."""

from __future__ import annotations

from itertools import accumulate

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Sparkline, Static

from kiosk.i18n import Text

TOTAL = Text("Aangekomen {arrived} / {expected} ({share}%) · nu binnen {inside}",
             "Arrived {arrived} / {expected} ({share}%) · inside now {inside}")
PER_BUCKET = Text("per 5 min (max {peak})", "per 5 min (max {peak})")
CUMULATIVE = Text("totaal", "cumulative")


def series(arrivals: dict[int, int], start: int, end: int, bucket: int = 5) -> list[int]:
    """Counts per bucket from minute `start` to `end` (inclusive), zeros where nobody arrived."""
    first = (start // bucket) * bucket
    return [arrivals.get(m, 0) for m in range(first, max(end, first) + 1, bucket)]


def hhmm(minute: int) -> str:
    """A minute of the conference day as the clock reads it: HH:MM (minute 1450, in the night, is 00:10)."""
    return f"{minute // 60 % 24:02d}:{minute % 60:02d}"


class ArrivalsChart(Vertical):
    """Arrivals per 5 minutes and cumulative, from the first bucket to now."""

    def compose(self) -> ComposeResult:
        yield Static("", id="arrivals-total")
        yield Static("", classes="arrivals-label", id="arrivals-label-bucket")
        yield Sparkline([], id="arrivals-bucket")
        yield Static("", classes="arrivals-label", id="arrivals-label-total")
        yield Sparkline([], id="arrivals-cumulative")
        yield Static("", classes="arrivals-axis", id="arrivals-axis")

    def show(self, arrivals: dict[int, int], arrived: int, expected: int, inside: int, start: int, now: int,
             lang: str) -> None:
        """Draw the day from minute `start` up to `now` (or the last arrival, if later)."""
        if arrivals:
            start = min(start, min(arrivals))
            now = max(now, max(arrivals))
        data = series(arrivals, start, now)
        share = round(100 * arrived / expected) if expected else 0
        self.query_one("#arrivals-total", Static).update(
            Content(TOTAL(lang, arrived=arrived, expected=expected, share=share, inside=inside))
        )
        self.query_one("#arrivals-label-bucket", Static).update(Content(PER_BUCKET(lang, peak=max(data, default=0))))
        self.query_one("#arrivals-label-total", Static).update(Content(CUMULATIVE(lang)))
        self.query_one("#arrivals-bucket", Sparkline).data = data
        self.query_one("#arrivals-cumulative", Sparkline).data = list(accumulate(data))
        self.query_one("#arrivals-axis", Static).update(Content(f"{hhmm((start // 5) * 5)} … {hhmm(now)}"))
