"""Kept for test modules that still import `tests.desk_pilot`: the helpers live in tests/support/pilot.py."""

from __future__ import annotations

from tests.support.pilot import answer, burst, screen_lines, screen_text, settle

__all__ = ["answer", "burst", "screen_lines", "screen_text", "settle"]
