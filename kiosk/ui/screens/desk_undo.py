"""The desk's undo flow: Ctrl+Z, the F9 list of last scans, and the questions both may ask.

Ctrl+Z queues an `UndoJob` without a scan: the store judges this desk's newest undoable scan
under its write lock (kiosk/domain/undo_rules.py) and annuls it only when it is the last scan
and fresh. Otherwise nothing is written and the held target comes back here: an older scan is
asked about by name, organisation and time, one past the age limit is refused with a word on
what to do (the F9 list). From the F9 list any scan can be undone after its question. While a
question is open, a scanner's burst answers "no" and the badge is checked in as usual.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from kiosk.domain.outcomes import Light
from kiosk.domain.undo_rules import UndoTarget, UndoVerdict, undo_verdict
from kiosk.store.undo import UndoHeld
from kiosk.ui.desk_jobs import UndoJob
from kiosk.ui.widgets.desk_counters import DeskCounters
from kiosk.ui.widgets.desk_words import WORDS, undo_question, undo_refusal

if TYPE_CHECKING:
    from kiosk.ui.screens.desk import DeskScreen


class DeskUndo:
    """Undo at one desk screen: what Ctrl+Z and F9 do, and the dialogs they open."""

    def __init__(self, screen: DeskScreen) -> None:
        self.screen = screen

    def press(self) -> None:
        """Ctrl+Z: queue an undo of this desk's last scan; the store may hold it back (see `held`)."""
        self.screen.queue(UndoJob(at=self.screen.ctx.clock.now()))

    def held(self, held: UndoHeld) -> None:
        """Ctrl+Z wrote nothing: ask about an older (or stale) scan, or refuse one past the age limit."""
        if held.verdict is UndoVerdict.TOO_OLD:
            self.screen.show_answer(undo_refusal(held.target, self.screen.lang), Light.AMBER)
            return
        kind = "older" if not held.target.is_last else "stale"
        self._ask(held.target, undo_question(held.target, kind, self.screen.lang))

    def pick_recent(self) -> None:
        """F9: enter the list of last scans to pick one to undo."""
        screen = self.screen
        # On a narrow screen the list takes the answer's place while a row is picked (styles.tcss, desk section).
        screen.add_class("-picking")
        if screen.query_one(DeskCounters).enter_list():
            screen.say(WORDS["pick_recent"](screen.lang))
        else:
            screen.remove_class("-picking")
            screen.notify(WORDS["nothing_recent"](screen.lang), timeout=3)

    def left_list(self) -> None:
        """Escape in the list: back to the input."""
        self.screen.say("")
        self.screen.focus_input()

    def chosen(self, scan_id: int) -> None:
        """A row picked in the F9 list: ask (any age may be undone from here), then undo it."""
        screen = self.screen
        screen.say("")
        counters = screen.query_one(DeskCounters)
        row = counters.rows.get(scan_id)
        annulled = {r.annuls for r in counters.rows.values() if r.annuls}
        screen.focus_input()
        if not row or not row.accepted or row.annuls or scan_id in annulled or not row.name:
            screen.notify(WORDS["cannot_undo"](screen.lang), severity="warning", timeout=3)
            return
        target = UndoTarget(scan_id=scan_id, at=dt.datetime.fromisoformat(row.at), direction=row.direction,
                            reason=row.reason, is_last=False, name=row.name,
                            organisation=row.organisation or "", city=row.city or "")
        # The rule is the same function Ctrl+Z is judged by: from the list it always asks.
        if undo_verdict(target, screen.ctx.clock.now(), from_list=True) is UndoVerdict.ASK:
            self._ask(target, undo_question(target, "list", screen.lang))

    def _ask(self, target: UndoTarget, question: str) -> None:
        """Open the yes/no question; yes undoes exactly `target`, a scanned badge says no and is checked in."""
        screen = self.screen

        def answered(yes: bool | None) -> None:
            if yes:
                screen.queue(UndoJob(target.scan_id, at=screen.ctx.clock.now()))
            screen.focus_input()

        from kiosk.ui.screens.confirm import ConfirmScreen  # not needed before the first question

        screen.app.push_screen(ConfirmScreen(question, screen.lang, on_scan=screen.scanned_in_dialog),
                               callback=answered)
