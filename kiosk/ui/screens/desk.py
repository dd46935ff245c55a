"""The desk screen (placeholder until its issue lands)."""

from kiosk.ui.screens.placeholder import PlaceholderScreen


class DeskScreen(PlaceholderScreen):
    """Placeholder for the desk role."""

    ROLE = "desk"
