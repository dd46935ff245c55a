"""The dashboard screen (placeholder until its issue lands)."""

from kiosk.ui.screens.placeholder import PlaceholderScreen


class DashboardScreen(PlaceholderScreen):
    """Placeholder for the dashboard role."""

    ROLE = "dashboard"
