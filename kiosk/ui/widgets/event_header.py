"""The top bar: the event's name, the screen's name and a live clock read from the app's clock."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kiosk.clock import Clock
from kiosk.ui.widgets.repaint import update_in_place


class EventHeader(Horizontal):
    """Event name left, screen title in the middle, the event clock right (ticks each second)."""

    def __init__(self, event_name: str, title: str, clock: Clock) -> None:
        super().__init__()
        self._event_name = event_name
        self._title = title
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Static(self._event_name, id="header-event", markup=False)
        yield Static(self._title, id="header-title", markup=False)
        yield Static(self._time(), id="header-clock", markup=False)

    def on_mount(self) -> None:
        self.set_interval(1, self._tick)

    def _time(self) -> str:
        return self._clock.now().strftime("%H:%M:%S")

    def _tick(self) -> None:
        # In place: HH:MM:SS keeps its width, and `Static.update` would lay the whole screen out
        # once a second (5 to 9 ms of the UI thread, which a scan's answer then waited behind).
        update_in_place(self.query_one("#header-clock", Static), self._time())

    def set_title(self, title: str) -> None:
        """Change the middle text (for instance when the language changes)."""
        self._title = title
        self.query_one("#header-title", Static).update(title)
