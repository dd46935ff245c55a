"""Helpers that tests start as separate processes."""
