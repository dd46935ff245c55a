"""The files that ship with the code: the G40 programme and the stylesheet.

In a checkout they are at the top of the repository (`data/programme.toml`, `styles.tcss`), where they
are edited. A wheel carries copies inside the package, `kiosk/_shipped/` (setup.py's build step),
so an installed `kiosk` runs from any folder. A wheel is installed unpacked, so these are plain
paths.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# Present only in an installed wheel: the source tree never has it (the build writes to build/).
_PACKAGED = _PACKAGE / "_shipped"
INSTALLED = _PACKAGED.is_dir()
_ROOT = _PACKAGED if INSTALLED else _PACKAGE.parent

PROGRAMME = _ROOT / "data" / "programme.toml"
STYLESHEET = _ROOT / "styles.tcss"
