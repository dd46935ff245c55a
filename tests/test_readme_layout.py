"""The README's "Where everything lives" names every module of the layers, so it matches the tree.

Screens, widgets and CLI modules are named by their folder (one screen, widget or command area a
file); every other module of kiosk/ must be named in that section, by its name without `.py`.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BY_FOLDER = {"screens", "widgets", "cli"}


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("## Where everything lives", 1)[1].split("\n## ", 1)[0]


def test_every_module_of_the_layers_is_named_where_everything_lives():
    section = _section()
    missing = []
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        relative = path.relative_to(ROOT / "kiosk")
        if path.stem in ("__init__", "__main__") or BY_FOLDER & set(relative.parts[:-1]) or "_shipped" in relative.parts:
            continue
        if not re.search(rf"\b{re.escape(path.stem)}\b", section):
            missing.append(str(relative))
    assert missing == [], f"not named under 'Where everything lives': {missing}"


def test_every_folder_it_names_exists():
    section = _section()
    named = re.findall(r"^  ([a-z_]+/)\s", section, re.M)
    assert {"cli/", "domain/", "store/", "interop/", "ui/"} <= set(named)
    assert [folder for folder in named if not (ROOT / "kiosk" / folder).is_dir()] == []
