"""The walk-in form: name, organisation, city and (optional) e-mail; creates and checks in at once.

After the store call returned, the dialog shows the new code in large type and as a QR code for a
badge. It dismisses with the arrival's ScanResult (or None when cancelled), so the desk can show
the green answer and count the arrival.

Keys typed at scanner speed ("name, Tab, organisation, Tab, city" in one burst) are read in order:
see kiosk/ui/screens/ordered_form.py.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from kiosk.domain.outcomes import ScanResult
from kiosk.domain.text import fold
from kiosk.i18n import Text
from kiosk.store.attendees import find_by_code, find_by_code_at_end, search
from kiosk.store.db import StoreFault
from kiosk.store.scans import create_walk_in, new_nonce
from kiosk.ui.screens.ordered_form import OrderedForm
from kiosk.ui.widgets.form_input import FormInput
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.qr_code import QrCode
from kiosk.ui.writes import WriteDone, WriteFailed, WriteQueue

if TYPE_CHECKING:
    from kiosk.ui.context import UiContext

WORDS = {
    "title": Text("Walk-in: nieuwe deelnemer", "Walk-in: new attendee"),
    "name": Text("Naam (verplicht)", "Name (required)"),
    "organisation": Text("Organisatie", "Organisation"),
    "city": Text("Plaats", "City"),
    "email": Text("E-mail (optioneel)", "E-mail (optional)"),
    "hint": Text("Enter = volgend veld · Ctrl+S = opslaan en inchecken · Esc = annuleren",
                 "Enter = next field · Ctrl+S = save and check in · Esc = cancel"),
    "need_name": Text("Vul een naam in.", "Please enter a name."),
    "bad_email": Text("Dit e-mailadres klopt niet (laat leeg als onbekend).",
                      "This e-mail address looks wrong (leave it empty if unknown)."),
    "controls": Text("Dit veld bevat onzichtbare stuurtekens (geplakt?); typ het opnieuw.",
                     "This field holds invisible control characters (pasted?); please type it again."),
    "saving": Text("Bezig met opslaan…", "Saving…"),
    "is_a_code": Text("Dat is de badgecode van {name}: Esc, en scan de badge bij de balie.",
                      "That is the badge code of {name}: Esc, and scan the badge at the desk."),
    "same_name": Text("Esc = zoeken, Ctrl+S = toch nieuw: er staat al een {name} ingeschreven ({where}).",
                      "Esc = look up, Ctrl+S = new anyway: {name} is registered already ({where})."),
    "same_name_inside": Text("Esc = zoeken, Ctrl+S = toch nieuw: {name} ({where}) is al binnen.",
                             "Esc = look up, Ctrl+S = new anyway: {name} ({where}) is inside already."),
    "not_saved": Text("Niet opgeslagen: er ging iets mis. Probeer opnieuw of gebruik een andere balie.",
                      "Not saved: something went wrong. Try again or use another desk."),
    "done": Text("Ingecheckt. Code voor de badge:", "Checked in. Code for the badge:"),
    "close": Text("Enter of Esc = sluiten · Ctrl+P = badge printen", "Enter or Esc = close · Ctrl+P = print badge"),
}
FIELDS = ("name", "organisation", "city", "email")


@dataclass(frozen=True)
class WalkInJob:
    """The walk-in and their arrival, written in one transaction; one nonce a form (a retry adds no one)."""

    name: str
    organisation: str
    city: str
    email: str
    nonce: str

    def run(self, db: sqlite3.Connection, ctx: UiContext) -> ScanResult:
        """Create the attendee and check them in; the result is after COMMIT (or, offline, in the local queue)."""
        if ctx.offline is not None:
            return ctx.offline.walk_in(db, self.name, self.organisation, self.city, self.email,
                                       now=ctx.clock.now(), nonce=self.nonce)
        return create_walk_in(db, self.name, self.organisation, self.city, self.email,
                              now=ctx.clock.now(), device=ctx.device, nonce=self.nonce)


class WalkInScreen(OrderedForm[ScanResult | str | None]):
    """Collects a walk-in's details, writes them with their arrival, then shows code and QR.

    Dismisses with the arrival's result, or with a name to look up (Esc after "already
    registered"), or None.
    """

    # Tab, Enter, Ctrl+S: OrderedForm's. Esc closes as the App reads it (priority): a badge scanned right
    # behind it went into the name field first, and was lost with the form.
    BINDINGS = [Binding("escape", "close", "Sluiten/Close", priority=True), Binding("ctrl+p", "print_badge", "Badge")]
    AUTO_FOCUS = "#walkin-name"
    FIELDS = FIELDS
    PREFIX = "walkin-"

    def __init__(self, lang: str, on_scan: Callable[[str], None] | None = None,
                 on_print: Callable[[ScanResult], None] | None = None) -> None:
        """`on_scan`: where a badge scanned while the new code is shown goes (the desk's queue);
        `on_print`: who prints the badge on Ctrl+P once saved (kiosk/ui/desk_printing.py)."""
        # From the save on, the next guest's badge closes this and is checked in (OrderedForm.take_key).
        super().__init__(on_scan)
        self.lang = lang
        self._on_print = on_print
        self.result: ScanResult | None = None
        # One nonce per form: pressing save twice (or a retry after a time-out) adds one person.
        self.nonce = new_nonce()
        self.saving = False
        self.writes: WriteQueue[WalkInJob] = WriteQueue(self, "walk-in")
        # A name the desk was warned about and saved all the same (the second Ctrl+S).
        self._confirmed_name: str | None = None
        # After that warning, Esc closes with this name for the desk to search.
        self._look_up: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="walkin-dialog"):
            yield Static(WORDS["title"](self.lang), id="walkin-title", markup=False)
            with Vertical(id="walkin-form"):
                for name in FIELDS:
                    yield FormInput(placeholder=WORDS[name](self.lang), id=f"walkin-{name}", max_length=200)
                yield Static(WORDS["hint"](self.lang), id="walkin-hint", markup=False)
            yield Static("", id="walkin-message", markup=False)
            with Horizontal(id="walkin-done"):
                with Vertical(id="walkin-badge"):
                    yield Static(WORDS["done"](self.lang), markup=False)
                    yield Static("", id="walkin-code", markup=False)
                    yield Static("", id="walkin-who", markup=False)
                    yield Static(WORDS["close"](self.lang), id="walkin-close", markup=False)

    def on_mount(self) -> None:
        self.query_one("#walkin-done").display = False

    @property
    def busy(self) -> bool:
        """True while the walk-in is being written."""
        return self.saving

    @property
    def finished(self) -> bool:
        """True once the walk-in is saved and its code shows."""
        return self.result is not None

    def save(self) -> None:
        """Check the fields and write the walk-in (once)."""
        if self.saving or self.result is not None:
            return
        message = self.query_one("#walkin-message", Static)
        if not self.value("name"):
            message.update(WORDS["need_name"](self.lang))
            self.set_focus(self.field("name"))
            return
        # Control characters and direction overrides (ESC, NUL, U+202E) cannot be shown as typed: refuse them.
        garbled = next((name for name in FIELDS if clean(self.value(name), 200) != self.value(name)), None)
        if garbled:
            message.update(WORDS["controls"](self.lang))
            self.set_focus(self.field(garbled))
            return
        email = self.value("email")
        if email and ("@" not in email or " " in email):
            message.update(WORDS["bad_email"](self.lang))
            self.set_focus(self.field("email"))
            return
        if (warning := self._already_known()) is not None:
            message.update(warning)
            return
        self.saving = True
        message.update(WORDS["saving"](self.lang))
        self.writes.put(WalkInJob(*(self.value(name) for name in FIELDS), nonce=self.nonce))

    def _already_known(self) -> str | None:
        """Why this may be someone the file already holds (once per name), else None.

        A badge scanned into the form puts a code in the name field; a registered guest who forgot
        their badge is a search away. Either as a walk-in makes a second person who counts twice.
        """
        name = " ".join(self.value("name").split())  # as the store will save it
        try:
            db = self.app.ctx.db()
            # The whole field, or a badge scanned onto typed text ("Jan JansenVUECZ6"), in any field.
            owner = find_by_code(db, name) or next(
                (p for f in FIELDS if (p := find_by_code_at_end(db, self.value(f))) is not None), None)
            if owner is not None:
                return WORDS["is_a_code"](self.lang, name=clean(owner.name, 60))
            if self._confirmed_name == fold(name):
                return None
            same = [h for h in search(db, name, limit=20) if fold(h.person.name) == fold(name)]
        except StoreFault:
            return None  # the write will say what is wrong with the file
        if not same:
            return None
        self._confirmed_name = fold(name)
        self._look_up = name  # Esc now hands the name to the desk's search
        known = same[0].person
        where = ", ".join(part for part in (known.organisation, known.city) if part)
        words = "same_name_inside" if same[0].inside else "same_name"
        return WORDS[words](self.lang, name=clean(known.name, 60), where=clean(where, 60))

    @on(WriteFailed)
    def _failed(self, message: WriteFailed) -> None:
        """Not saved: a store fault in its sentence, anything else as not saved (never its text)."""
        self.saving = False
        error = message.error
        said = message.said(self.lang)
        text = said if isinstance(error, StoreFault) else f"{WORDS['not_saved'](self.lang)} ({said})"
        self.query_one("#walkin-message", Static).update(text)
        self.hand_over()  # a badge scanned meanwhile is checked in all the same

    @on(WriteDone)
    def _created(self, message: WriteDone) -> None:
        """Only now (the transaction committed) show the code and the QR code."""
        self.saving = False
        self.result = result = message.result
        code = result.person.code if result.person else ""
        self.query_one("#walkin-form").display = False
        self.query_one("#walkin-message", Static).update("")
        self.query_one("#walkin-code", Static).update(code)
        self.query_one("#walkin-who", Static).update(result.person.name if result.person else "")
        done = self.query_one("#walkin-done")
        done.mount(QrCode(code, id="walkin-qr"), before="#walkin-badge")
        done.display = True
        self.set_focus(None)
        if self._held:  # the next guest's badge came while this was written: on to them, as a moment later
            self.action_close()
            self.hand_over()

    def action_print_badge(self) -> None:
        """Ctrl+P once saved: hand the walk-in to the desk to print their badge, and close."""
        if self.result is not None and self._on_print is not None:
            self._on_print(self.result)
            self.action_close()

    def action_close(self) -> None:
        """Close; with the arrival's result when the walk-in was saved, or the name to look up."""
        if self.saving:
            return
        self.dismiss(self.result if self.result is not None else self._look_up)
