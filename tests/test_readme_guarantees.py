"""The README's Guarantees table names tests that exist, so it cannot point at a renamed or removed one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _guarantees() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Guarantees: what survives what", 1)[1]
    return section.split("\n### ", 1)[0]


def test_every_test_the_guarantees_name_exists():
    named = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", _guarantees())
    assert len(named) >= 14
    missing = [f"{file}::{name}" for file, name in named
               if not re.search(rf"^(async )?def {name}\(", (ROOT / file).read_text(encoding="utf-8"), re.M)]
    assert missing == []


def test_the_guarantees_cover_each_fault_the_issue_names():
    table = _guarantees()
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| ---")][1:]
    faults = [row.split(" | ")[0].lstrip("| ") for row in rows]
    for fault in ("power loss", "killed", "at once", "double scan", "full disk", "USB stick"):
        assert any(fault in name for name in faults), fault
    # Each row names at least one test.
    assert all("tests/" in row for row in rows)
