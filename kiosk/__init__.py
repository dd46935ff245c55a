"""Netwerkdag kiosk: check-in, session choice, door scanning and live occupancy for a one-day event."""

__version__ = "0.1.0"
