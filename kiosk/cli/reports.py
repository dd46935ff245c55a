"""Subcommands of the reports area (filled in by its issue)."""
