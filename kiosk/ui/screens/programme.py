"""The programme screen (placeholder until its issue lands)."""

from kiosk.ui.screens.placeholder import PlaceholderScreen


class ProgrammeScreen(PlaceholderScreen):
    """Placeholder for the programme role."""

    ROLE = "programme"
