"""Where the styling lives: `styles/app.tcss` for every role, `styles/ROLE.tcss` for each role's screen.

A kiosk parses only the styling of the screens it shows: the app reads the shared file and its
starting role's; a role switched to later brings its own file (the screen's CSS_PATH, which
Textual reads when the screen is first installed). Parsing and matching all of it cost a desk
about 14 ms of its start-up.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.shipped import STYLES

SHARED = STYLES / "app.tcss"


def role_styles(role: str) -> Path:
    """The stylesheet of one role's screen (and of the dialogs that screen opens)."""
    return STYLES / f"{role}.tcss"
