"""The desk's big answer: green, amber or red, with a word and a symbol readable from a metre away.

Colour is never the only carrier: each answer has a symbol (✔ ! ✖) and a word in capitals, so it
reads on a monochrome screen and to colour-blind staff. Names, organisations and codes are shown
as plain text (never parsed as markup).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from kiosk.domain.outcomes import Light, Reason, ScanResult
from kiosk.i18n import Text, reason_text
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.repaint import update_in_place

if TYPE_CHECKING:
    from kiosk.domain.programme import Programme

SYMBOL = {Light.GREEN: "✔", Light.AMBER: "!", Light.RED: "✖"}
# The same symbols three lines high, drawn with block characters, beside the word.
GLYPH = {
    Light.GREEN: "     ▄▀\n▀▄ ▄▀  \n  ▀    ",
    Light.AMBER: "  █  \n  █  \n  ▄  ",
    Light.RED: "▀▄ ▄▀\n  █  \n▄▀ ▀▄",
}

WORDS = {
    "idle": Text("Scan een badge of typ een naam", "Scan a badge or type a name"),
    "idle_hint": Text("Enter = inchecken · F7 = walk-in · Ctrl+Z = ongedaan maken",
                      "Enter = check in · F7 = walk-in · Ctrl+Z = undo"),
    "arrived": Text("Aangekomen: {arrived} / {expected}", "Arrived: {arrived} / {expected}"),
    "first": Text("Eerste check-in {time} bij {desk}", "First checked in at {time} at {desk}"),
    "sessions": Text("Sessies:", "Sessions:"),
    "no_sessions": Text("Geen sessies gekozen", "No sessions chosen"),
    "unknown_next": Text("Controleer de code of zoek op naam · walk-in: F7",
                         "Check the code or search by name · walk-in: F7"),
    "cancelled_next": Text("Registratie is geannuleerd: stuur door naar de organisatie · walk-in: F7",
                           "Registration was cancelled: send them to the organisers · walk-in: F7"),
    "not_inside_next": Text("Niets veranderd: deze persoon was niet binnen", "Nothing changed: this person was not inside"),
    "undo_entry": Text("Check-in van {time} geannuleerd (het log bewaart beide)",
                       "Check-in of {time} annulled (the log keeps both)"),
    "undo_exit": Text("Check-out van {time} geannuleerd (het log bewaart beide)",
                      "Check-out of {time} annulled (the log keeps both)"),
    "exit_done": Text("Tot ziens", "Goodbye"),
    "failed": Text("NIET OPGESLAGEN", "NOT SAVED"),
    # The sentence above already says what was (or may have been) saved: "nothing was recorded" here
    # contradicted a lost COMMIT's "it may not have been saved".
    "failed_next": Text("Probeer het opnieuw.", "Try again."),
    # On the desk's one quiet line: "ignored" before the name, so a long name is what gives way.
    "bounce": Text("Zojuist al gescand (genegeerd): {who}", "Just scanned (ignored): {who}"),
}


def clock_time(stamp: str | None) -> str:
    """HH:MM:SS of a logged ISO time, or '' when there is none."""
    if not stamp:
        return ""
    try:
        return dt.datetime.fromisoformat(stamp).strftime("%H:%M:%S")
    except ValueError:
        return stamp


@dataclass
class Answer:
    """What the answer area shows, as plain strings: the widget only lays it out."""

    light: Light | None
    head: str
    name: str = ""
    detail: str = ""
    lines: list[str] = field(default_factory=list)
    count: str = ""


def describe(result: ScanResult, lang: str, programme: Programme) -> Answer:
    """The answer for one scan result, in `lang`."""
    light = result.light
    head = f"{SYMBOL[light]}  {reason_text(result.reason.value, lang).upper()}"
    person = result.person
    name = person.name if person else result.raw_code
    detail = " · ".join(part for part in (person.organisation, person.city) if part) if person else ""
    count = WORDS["arrived"](lang, arrived=result.arrivals, expected=result.expected)
    lines: list[str] = []
    if result.reason in (Reason.OK, Reason.REENTRY):
        lines = _session_lines(result, lang, programme)
    elif result.reason is Reason.ALREADY_IN:
        lines = [WORDS["first"](lang, time=clock_time(result.first_entry_at), desk=result.first_entry_device or "?")]
    elif result.reason is Reason.UNKNOWN_CODE:
        lines = [WORDS["unknown_next"](lang)]
    elif result.reason is Reason.CANCELLED:
        lines = [WORDS["cancelled_next"](lang)]
    elif result.reason is Reason.NOT_INSIDE:
        lines = [WORDS["not_inside_next"](lang)]
    elif result.reason is Reason.EXIT:
        lines = [WORDS["exit_done"](lang)]
    elif result.reason is Reason.UNDO:
        # The time of the scan that was annulled, so staff can check it was the right one.
        undone = "undo_exit" if result.undone_direction == "exit" else "undo_entry"
        lines = [WORDS[undone](lang, time=clock_time(result.undone_at or result.at))]
    return Answer(light, head, name, detail, lines, count)


def _session_lines(result: ScanResult, lang: str, programme: Programme) -> list[str]:
    """The person's confirmed sessions, one line each, in programme order."""
    lines = []
    for session_id in result.sessions:
        session = programme.session(session_id)
        lines.append(f"  {session.start:%H:%M}  {session.label}" if session else f"  {session_id}")
    return [WORDS["sessions"](lang), *lines] if lines else [WORDS["no_sessions"](lang)]


class ScanAnswer(Vertical):
    """The answer area: a coloured block with symbol and word, then who, what next and the count."""

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="answer-head"):
            yield Static("", id="answer-glyph", markup=False)
            yield Static("", id="answer-word", markup=False)
        yield Static("", id="answer-name", markup=False)
        yield Static("", id="answer-detail", markup=False)
        yield Static("", id="answer-lines", markup=False)
        yield Static("", id="answer-count", markup=False)

    def on_mount(self) -> None:
        self.clear()

    def clear(self) -> None:
        """Back to the resting state: ready for the next badge."""
        self._show(Answer(None, WORDS["idle"](self.lang), lines=[WORDS["idle_hint"](self.lang)]))

    def show_result(self, result: ScanResult, programme: Programme) -> Answer:
        """Show what a scan came to; returns what is shown."""
        answer = describe(result, self.lang, programme)
        self._show(answer)
        return answer

    def show_failure(self, message: str) -> None:
        """Show that a write failed: red, and what to do (nothing was recorded)."""
        self.show(Answer(Light.RED, f"{SYMBOL[Light.RED]}  {WORDS['failed'](self.lang)}",
                         detail=message, lines=[WORDS["failed_next"](self.lang)]))

    def show(self, answer: Answer) -> None:
        """Show an answer made elsewhere (an undo refused by age, kiosk/ui/screens/desk_undo.py)."""
        self._show(answer)

    def _show(self, answer: Answer) -> None:
        self.answer = answer
        for light in Light:
            self.set_class(answer.light is light, f"-{light.value}")
        self.set_class(answer.light is None, "-idle")
        # Hidden by the stylesheet when idle or on a short screen (a class, not an inline style).
        update_in_place(self.query_one("#answer-glyph", Static), GLYPH.get(answer.light, ""))
        update_in_place(self.query_one("#answer-word", Static), answer.head)
        # clean(): an ESC or a direction override in a name or a typed code must not reach the terminal.
        update_in_place(self.query_one("#answer-name", Static), clean(answer.name, 200))
        update_in_place(self.query_one("#answer-detail", Static), clean(answer.detail, 200))
        update_in_place(self.query_one("#answer-lines", Static), "\n".join(answer.lines))
        update_in_place(self.query_one("#answer-count", Static), answer.count)

    @property
    def text(self) -> str:
        """Everything the answer says, as plain text (for tests and screen readers)."""
        if self.answer is None:
            return ""
        a = self.answer
        return "\n".join(part for part in (a.head, a.name, a.detail, *a.lines, a.count) if part)
