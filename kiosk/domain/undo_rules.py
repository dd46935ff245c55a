"""What an undo at the desk may do by itself, what it asks first, and what it refuses. Pure rules, no SQL.

A hurried desk pressing Ctrl+Z twice must not quietly un-arrive someone who came minutes earlier.
So Ctrl+Z annuls without a question only this desk's last accepted scan (the one just made, the
mistake staff are looking at), and only while it is fresh. Anything older than that last scan
(the second Ctrl+Z, after the last one was undone) asks first, naming the person, their
organisation and the time; past UNDO_MINUTES it is refused with a pointer to the F9 list, where a
scan of any age can be picked and undone after its question. A last scan that has grown stale
(the desk was quiet for a while) asks too: a press of Ctrl+Z long after a scan is more likely a
slip than a correction.

The store reads the facts inside its write lock (`UndoTarget`) and asks `undo_verdict` before it
appends the annulling scan, so the scan judged is the scan annulled (kiosk/store/undo.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

# Past this age a scan is undone only from the F9 list (after its question), never by Ctrl+Z alone.
UNDO_MINUTES = 10
UNDO_WINDOW = dt.timedelta(minutes=UNDO_MINUTES)


class UndoVerdict(StrEnum):
    """What an undo of one scan comes to before anything is written."""

    UNDO = "undo"  # annul it now, no question
    ASK = "ask"  # name the person and the time, and annul only on yes
    TOO_OLD = "too_old"  # refused here: pick it in the F9 list


@dataclass(frozen=True)
class UndoTarget:
    """The scan an undo would annul, as the desk names it.

    `is_last`: it is this desk's most recent accepted scan on the list (no later accepted scan of
    this desk exists, undone or not, other than undos). Name, organisation and city tell
    namesakes apart in the question.
    """

    scan_id: int
    at: dt.datetime
    direction: str
    reason: str
    is_last: bool
    name: str = ""
    organisation: str = ""
    city: str = ""

    @property
    def affiliation(self) -> str:
        """The organisation, or the city when there is none (see `affiliation`)."""
        return affiliation(self.organisation, self.city)


def undo_verdict(target: UndoTarget, now: dt.datetime, *, from_list: bool = False) -> UndoVerdict:
    """Whether an undo of `target` at `now` happens at once, asks first, or is refused by age.

    `from_list`: the scan was picked in the F9 list, which always asks and allows any age.
    """
    if from_list:
        return UndoVerdict.ASK
    fresh = now - target.at <= UNDO_WINDOW
    if target.is_last:
        return UndoVerdict.UNDO if fresh else UndoVerdict.ASK
    return UndoVerdict.ASK if fresh else UndoVerdict.TOO_OLD


def affiliation(organisation: str | None, city: str | None) -> str:
    """What tells namesakes apart beside a name: the organisation, else the city, else ''."""
    return " ".join((organisation or "").split()) or " ".join((city or "").split())
