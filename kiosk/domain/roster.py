"""One attendee as a registration list brings it: what the CSV reader and the demo make, and an import stores."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class RosterRow:
    """One attendee as an import brings it; `code` empty means: generate one."""

    name: str
    organisation: str = ""
    city: str = ""
    email: str = ""
    code: str = ""
    status: str = "registered"
