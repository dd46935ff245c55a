"""The selfservice screen (placeholder until its issue lands)."""

from kiosk.ui.screens.placeholder import PlaceholderScreen


class SelfServiceScreen(PlaceholderScreen):
    """Placeholder for the selfservice role."""

    ROLE = "selfservice"
