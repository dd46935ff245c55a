"""A stand-in screen for a role whose screen is not built yet."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from kiosk.ui.widgets.event_header import EventHeader


class PlaceholderScreen(Screen[None]):
    """Says which role this is and that its screen comes later."""

    ROLE = "?"

    def compose(self) -> ComposeResult:
        ctx = self.app.ctx
        yield EventHeader(ctx.programme.event.name, self.ROLE, ctx.clock)
        yield Static(f"{self.ROLE}", classes="placeholder", markup=False)
        yield Footer()
