"""Allows `python -m kiosk`."""

from kiosk.cli import main

main()
