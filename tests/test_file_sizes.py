"""No module of the kiosk grows past 400 lines (issue 16, item 8): a longer one is split along a real seam."""

from __future__ import annotations

from pathlib import Path

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"
MOST_LINES = 400


def test_no_module_under_kiosk_is_over_400_lines():
    too_long = {str(path.relative_to(KIOSK.parent)): lines for path in sorted(KIOSK.rglob("*.py"))
                if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MOST_LINES}
    assert not too_long, f"split along a real seam (at most {MOST_LINES} lines a module): {too_long}"
