"""The self-service kiosk's two person views: one round of their day, and their agenda."""

from __future__ import annotations

from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from kiosk.domain.outcomes import Person
from kiosk.domain.programme import Programme
from kiosk.domain.views import RoundState
from kiosk.ui.widgets import selfservice_words as W
from kiosk.ui.widgets.agenda import Agenda
from kiosk.ui.widgets.my_badge import MyBadge
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.round_picker import RoundPicker


def day_view(name: str, message: tuple[str, str], picker: RoundPicker, lang: str) -> Vertical:
    """Greeting, a message line, one round's cards, and Back / Next / Done buttons."""
    text, css = message
    return Vertical(
        Static(W.HELLO(lang, name=name), id="day-hello", markup=False),
        Static(text, id="day-message", markup=False, classes=css),
        picker,
        Horizontal(
            Button(W.BACK(lang), id="day-back"),
            Button(W.NEXT(lang), id="day-next"),
            Button(W.DONE(lang), id="day-done", variant="primary"),
            id="day-nav",
        ),
        id="day",
    )


def agenda_view(person: Person, programme: Programme, states: dict[str, RoundState], lang: str) -> Vertical:
    """Their day as a short agenda, "print my badge" (when a printer is set), Confirm and Change buttons."""
    return Vertical(
        Agenda(clean(person.name), programme, states, lang),
        MyBadge(person, lang),
        Horizontal(
            Button(W.CONFIRM(lang), id="agenda-confirm", variant="success"),
            Button(W.CHANGE(lang), id="agenda-change"),
            Button(W.QR(lang), id="agenda-qr"),
            id="agenda-nav",
        ),
        id="agenda-view",
    )
