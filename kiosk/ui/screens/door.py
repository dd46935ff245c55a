"""The door screen (placeholder until its issue lands)."""

from kiosk.ui.screens.placeholder import PlaceholderScreen


class DoorScreen(PlaceholderScreen):
    """Placeholder for the door role."""

    ROLE = "door"
