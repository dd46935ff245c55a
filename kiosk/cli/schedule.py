"""Subcommands of the schedule area (filled in by its issue)."""
