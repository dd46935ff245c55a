"""Person-supplied text made safe to show: no markup, no terminal control codes, bounded length."""

from __future__ import annotations

import unicodedata

from textual.content import Content

# Bidirectional overrides and isolates: a name must not turn the rest of the line around.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean(text: str | None, limit: int = 120) -> str:
    """`text` with control characters shown as '�' (an ESC would reach the terminal), cut at `limit`."""
    if not text:
        return ""
    shown = "".join(
        "\ufffd" if ch in BIDI_CONTROLS or unicodedata.category(ch) == "Cc" else ch for ch in text[: limit + 1]
    )
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def plain(text: str | None, limit: int = 120) -> Content:
    """A Content that shows `text` literally (markup characters and all)."""
    return Content(clean(text, limit))
