"""The app's stylesheet, `styles.tcss` at the top of the repository, given to Textual a section at a time.

The file is the one place for the app's styling: theme variables only, states as CSS classes
the code sets. It is cut into sections by marker lines, `/* == NAME: ... == */`: `shared` (every
role: the header, the damaged-file screen, the staff PIN prompt) and one per role's screen and the
dialogs it opens. A kiosk parses only what it shows: the app adds the shared section and its
starting role's before the first screen, and a role switched to later adds its own section when
its screen is made. Parsing the whole file takes about 21 ms, the shared and desk sections 8 ms:
the 13 ms between would be a desk's start-up. Each section keeps its line numbers, so a mistake
in the file is reported at its line in styles.tcss.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from kiosk.shipped import STYLESHEET

if TYPE_CHECKING:
    from textual.css.stylesheet import Stylesheet

SHARED = "shared"
_MARKER = re.compile(r"^/\* == ([a-z]+)\b.*== \*/$", re.M)


@lru_cache(maxsize=1)
def sections() -> dict[str, str]:
    """Each section's text by name, padded with the newlines before it (Textual counts lines from there)."""
    text = STYLESHEET.read_text(encoding="utf-8")
    marks = list(_MARKER.finditer(text))
    ends = [mark.start() for mark in marks[1:]] + [len(text)]
    return {mark.group(1): "\n" * text.count("\n", 0, mark.start()) + text[mark.start():end]
            for mark, end in zip(marks, ends)}


def add_styles(stylesheet: Stylesheet, name: str) -> None:
    """Give one section to the app's stylesheet (once); Textual parses it before it next styles a widget."""
    location = str(STYLESHEET)
    if not stylesheet.has_source(location, name):
        stylesheet.add_source(sections()[name], read_from=(location, name))
