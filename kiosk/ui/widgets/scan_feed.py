"""The last scans across every desk and door, newest first; names shown literally.

A door's exit from a session reads "zaal verlaten" / "left the room", not the desk's "checked out".
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content

from kiosk.domain.views import RecentScan
from kiosk.i18n import Text, scan_reason_text
from kiosk.ui.widgets.lines import line_widgets
from kiosk.ui.widgets.plain import clean

NO_SCANS = Text("Nog geen scans", "No scans yet")
VENUE = Text("ingang", "venue")
ARROWS = {"entry": "→", "exit": "←"}


def scan_line(scan: RecentScan, lang: str) -> str:
    """`11:42:10 desk-1 → venue  Name  Welcome` with the person's name cleaned of control codes."""
    time = (scan.at or "")[11:19]
    who = clean(scan.name or scan.raw_code or "", 40)
    mark = "✓" if scan.accepted else "✗"
    where = VENUE(lang) if scan.list_id == "venue" else clean(scan.list_id, 22)
    return (f"{time} {clean(scan.device, 14):<14} {ARROWS.get(scan.direction, '?')} "
            f"{where:<22} {mark} {who}  · {scan_reason_text(scan.reason, scan.list_id, lang)}")


class ScanFeed(Vertical):
    """One line per recent scan; refused ones carry the class scan-refused."""

    def show(self, scans: list[RecentScan], lang: str) -> None:
        """Replace the lines."""
        lines = [(scan_line(s, lang), bool(s.accepted)) for s in scans] or [(NO_SCANS(lang), True)]
        for row, (text, accepted) in zip(line_widgets(self, len(lines), "scan-row"), lines):
            row.update(Content(text))
            row.set_class(not accepted, "scan-refused")
