"""The test event: where the checkout and the shipped programme are, its day, and a moment on it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from kiosk.clock import Clock

ROOT = Path(__file__).resolve().parents[2]
PROGRAMME_PATH = ROOT / "data" / "programme.toml"
# The seeds and specs beside the checkout; a clean clone elsewhere (CI's) is told where they are.
SHARED = Path(os.environ.get("KIOSK_TEST_SHARED") or ROOT.parent / "shared")
EVENT_DAY = dt.date(2026, 11, 29)


def at(hhmm: str) -> dt.datetime:
    """A moment on the test's event day."""
    return Clock.fixed(hhmm, event_date=EVENT_DAY).now()
