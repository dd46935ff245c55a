"""The desk's correction of a walk-in's name, organisation and city (F10), logged in `corrections`.

It acts on the person this desk showed last (its latest venue scan: right after F7 that is the new
walk-in; later, scanning or looking the walk-in up shows them again). Only walk-ins, for the
reasons in kiosk/store/corrections.py: anyone else gets a sentence saying so, and no form. The
form is an OrderedForm, so a correction typed at speed lands in its fields as typed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from kiosk.domain.outcomes import Person
from kiosk.i18n import Text
from kiosk.store.attendees import find_by_code, find_by_code_at_end
from kiosk.store.corrections import (
    ChangedMeanwhile,
    Correction,
    CorrectionRefused,
    correct_walk_in,
    last_person_at,
)
from kiosk.store.db import StoreFault
from kiosk.ui.fault import fault_message
from kiosk.ui.screens.ordered_form import OrderedForm
from kiosk.ui.screens.walk_in import WORDS as WALK_IN_WORDS
from kiosk.ui.widgets.form_input import FormInput
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.scan_answer import ScanAnswer
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue

if TYPE_CHECKING:
    from kiosk.ui.context import UiContext

WORDS = {
    "title": Text("Walk-in corrigeren · code {code}", "Correct a walk-in · code {code}"),
    "name": Text("Naam", "Name"),
    "organisation": Text("Organisatie", "Organisation"),
    "city": Text("Plaats", "City"),
    "hint": Text("Enter = volgend veld · Ctrl+S = opslaan · Esc = annuleren",
                 "Enter = next field · Ctrl+S = save · Esc = cancel"),
    "saving": Text("Bezig met opslaan…", "Saving…"),
    "meanwhile": Text("Intussen gewijzigd door een andere balie: niets opgeslagen. Esc, en F10 opnieuw.",
                      "Changed meanwhile at another desk: nothing saved. Esc, then F10 again."),
    "refused": Text("Niet opgeslagen: de database weigerde deze correctie. Controleer de velden, "
                    "of Esc en F10 opnieuw.",
                    "Not saved: the database refused this correction. Check the fields, or Esc and F10 again."),
    "nobody": Text("Nog niemand om te corrigeren: registreer een walk-in (F7), of scan of zoek de walk-in eerst.",
                   "No one to correct yet: register a walk-in (F7), or scan or look up the walk-in first."),
    "not_walk_in": Text("{name} staat op de inschrijflijst: alleen walk-ins worden hier gecorrigeerd.",
                        "{name} is on the registration list: only walk-ins are corrected here."),
    "corrected": Text("Gecorrigeerd: {changes}", "Corrected: {changes}"),
    "unchanged": Text("Niets gewijzigd.", "Nothing changed."),
}
FIELDS = ("name", "organisation", "city")


@dataclass(frozen=True)
class CorrectionJob:
    """The correction and its log rows in one transaction, refused if the walk-in changed since `was`."""

    was: Person
    name: str
    organisation: str
    city: str

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> Correction:
        """Write the correction; what changed, after COMMIT."""
        return correct_walk_in(db, self.was.id, name=self.name, organisation=self.organisation, city=self.city,
                               now=ctx.clock.now(), device=ctx.device, was=self.was)


class CorrectionScreen(OrderedForm[Correction | None]):
    """The walk-in's name, organisation and city, filled in to be corrected; dismisses with what changed."""

    # Tab, Enter, Ctrl+S: OrderedForm's. Esc as the App reads it: a badge scanned right behind it goes to the desk.
    BINDINGS = [Binding("escape", "close", "Annuleren/Cancel", priority=True)]
    AUTO_FOCUS = "#fix-name"
    FIELDS = FIELDS
    PREFIX = "fix-"

    def __init__(self, person: Person, lang: str, on_scan: Callable[[str], None] | None = None) -> None:
        """`person`: the walk-in as the desk last read them (the store refuses if they changed since);
        `on_scan`: where a badge scanned while the correction is written goes (the desk's queue)."""
        super().__init__(on_scan)
        self.person = person
        self.lang = lang
        self.saving = False
        self.writes: WriteQueue[CorrectionJob] = WriteQueue(self, "correction")

    def compose(self) -> ComposeResult:
        with Vertical(id="fix-dialog"):
            yield Static(WORDS["title"](self.lang, code=clean(self.person.code, 40)), id="fix-title", markup=False)
            with Vertical(id="fix-form"):
                for name in FIELDS:
                    field = FormInput(getattr(self.person, name), placeholder=WORDS[name](self.lang),
                                      id=f"fix-{name}", max_length=200)
                    # The label in the field's top border: a filled field hides its placeholder.
                    field.border_title = WORDS[name](self.lang)
                    yield field
                yield Static(WORDS["hint"](self.lang), id="fix-hint", markup=False)
            yield Static("", id="fix-message", markup=False)

    @property
    def busy(self) -> bool:
        """True while the correction is being written."""
        return self.saving

    def _say(self, text: str) -> None:
        self.query_one("#fix-message", Static).update(text)

    def save(self) -> None:
        """Check the fields, then write the correction off the UI thread."""
        if self.saving:
            return
        if not self.value("name"):
            self._say(WALK_IN_WORDS["need_name"](self.lang))
            self.set_focus(self.field("name"))
            return
        # Control characters and direction overrides (ESC, NUL, U+202E) cannot be shown as typed.
        garbled = next((name for name in FIELDS if clean(self.value(name), 200) != self.value(name)), None)
        if garbled:
            self._say(WALK_IN_WORDS["controls"](self.lang))
            self.set_focus(self.field(garbled))
            return
        if (owner := self._badge_in_a_field()) is not None:
            self._say(WALK_IN_WORDS["is_a_code"](self.lang, name=clean(owner.name, 60)))
            return
        self.saving = True
        self._say(WORDS["saving"](self.lang))
        self.writes.put(CorrectionJob(self.person, *(self.value(name) for name in FIELDS)))

    def _badge_in_a_field(self) -> Person | None:
        """Someone's badge scanned into the form (a whole field, or glued onto its text), else None."""
        try:
            db = self.app.ctx.db()
            return next((p for f in FIELDS
                         if (p := find_by_code(db, self.value(f)) or find_by_code_at_end(db, self.value(f)))
                         is not None and p.id != self.person.id), None)
        except StoreFault:
            return None  # the write will say what is wrong with the file

    @on(WriteDone)
    def _written(self, message: WriteDone) -> None:
        """Committed: back to the desk with what changed (and on to a badge scanned meanwhile)."""
        self.dismiss(message.result)
        self.hand_over()

    @on(WriteFailed)
    def _failed(self, message: WriteFailed) -> None:
        """Not saved; said without the error's own text (kiosk/ui/writes.py)."""
        self.saving = False
        error = message.error
        if isinstance(error, ChangedMeanwhile):
            said = WORDS["meanwhile"](self.lang)
        elif isinstance(error, CorrectionRefused):  # the form checked the same; if ever, the store's verdict
            said = WORDS["refused"](self.lang)
        elif isinstance(error, StoreFault):
            said = message.said(self.lang)
        else:  # a bug must not leave the form "saving" for good, Esc dead
            said = f"{WALK_IN_WORDS['not_saved'](self.lang)} ({message.said(self.lang)})"
        self._say(said)
        self.hand_over()  # a badge scanned meanwhile is checked in all the same

    def action_close(self) -> None:
        """Esc: leave without saving (not while a save is being written)."""
        if not self.saving:
            self.dismiss(None)


def said(done: Correction, lang: str) -> str:
    """What the desk says after a correction: each change as 'name Old → New'."""
    if not done.changes:
        return WORDS["unchanged"](lang)
    changes = "; ".join(f"{WORDS[c.field](lang).lower()} {clean(c.old, 60) or '-'} → {clean(c.new, 60) or '-'}"
                        for c in done.changes)
    return WORDS["corrected"](lang, changes=changes)


def open_correction(desk: Screen) -> None:
    """F10 at the desk: the correction form for the walk-in this desk showed last, or why there is none."""
    ctx = desk.app.ctx
    try:
        person = last_person_at(ctx.db(), ctx.device)
    except StoreFault as error:
        desk.notify(fault_message(error, ctx.lang), severity="error", markup=False)
        return
    if person is None:
        desk.notify(WORDS["nobody"](ctx.lang), severity="warning", timeout=5, markup=False)
        return
    if person.source != "walk_in":
        desk.notify(WORDS["not_walk_in"](ctx.lang, name=clean(person.name, 60)), severity="warning",
                    timeout=5, markup=False)
        return

    def corrected(done: Correction | None) -> None:
        # Back on the desk, its screen-resume reads the side panel again (the new name included).
        if done is None:
            return
        answer = desk.query_one(ScanAnswer)
        if done.changes and answer.answer is not None and answer.answer.name == person.name:
            answer.clear()  # it still showed the details as they were: the toast says what they are now
        desk.notify(said(done, ctx.lang), timeout=6, markup=False)

    desk.app.push_screen(CorrectionScreen(person, ctx.lang, on_scan=getattr(desk, "scanned_in_dialog", None)),
                         callback=corrected)
