"""The desk's big answer: green, amber or red, with a word and a symbol readable from a metre away.

Colour is never the only carrier: each answer has a symbol (✔ ! ✖) and a word in capitals, so it
reads on a monochrome screen and to colour-blind staff. Names, organisations and codes are shown
as plain text (never parsed as markup: no markup is parsed here at all).

One widget that draws all its rows itself (Textual's Line API), not six Statics in two containers:
the frame with a scan's answer rendered each of those (the sessions' Static alone 1 ms of CPU),
passed over the containers, and a name or organisation that wrapped onto another number of lines
laid the whole screen out (7 to 13 ms, one scan in five at 100,000 people: bench/scan_profile.py).
Here an answer's rows are made once, as Strips, when the answer changes, and the widget's height
is the stylesheet's whatever it shows (rows that do not fit are cut off, as the Statics were).
Where things go and how they look is in styles.tcss, as component classes (`scan-answer--head`,
`--glyph`, `--name`, `--detail`, `--lines`, `--count`: height, padding, margin, min-height, display,
colours and text style), so a short screen and the colours of each state stay the stylesheet's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.css.scalar import Scalar, Unit
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from kiosk.domain.outcomes import Light, Reason, ScanResult
from kiosk.i18n import Text, reason_text
from kiosk.ui.widgets.plain import clean

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
    # Offline, a code the desk's copy does not hold: the server may know it (kiosk.domain.scan_rules.offline_unjudged).
    "not_in_copy_next": Text("Deze code staat niet in de kopie van deze balie (misschien net elders aangemeld): hij is "
                             "bewaard en wordt gecontroleerd zodra de server terug is.",
                             "This code is not in this desk's copy (perhaps just registered at another desk): it is "
                             "kept and will be checked once the server is back."),
    "no_copy_next": Text("Deze balie heeft nog geen kopie van de deelnemerslijst: de code is bewaard en wordt "
                         "gecontroleerd zodra de server terug is.",
                         "This desk has no copy of the attendee list yet: the code is kept and will be checked once "
                         "the server is back."),
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
    elif result.reason is Reason.NOT_IN_COPY:
        lines = [WORDS["not_in_copy_next"](lang)]
    elif result.reason is Reason.NO_COPY:
        lines, count = [WORDS["no_copy_next"](lang)], ""  # a copy of nobody counts nothing: no "0 / 0"
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


def _cells(scalar: Scalar | None, default: int = 0) -> int:
    """A stylesheet length in cells (`height: 3`), or `default` when it is not set in cells."""
    return int(scalar.value) if scalar is not None and scalar.unit is Unit.CELLS else default


def _wrapped(text: str, width: int) -> list[str]:
    """`text` as the rows a Static of `width` cells shows it in (word wrap; an empty text takes one row)."""
    rows: list[str] = []
    for line in text.split("\n"):
        if cell_len(line) <= width:
            rows.append(line)
        else:
            rows += [part.plain for part in Content(line).wrap(width)]
    return rows


def _row(parts: list[tuple[str, int]], style: Style) -> Strip:
    """One row in `style` from (text, cells) parts, each padded or cut to its cells."""
    return Strip([Segment(set_cell_size(text, cells), style) for text, cells in parts if cells > 0])


@dataclass(frozen=True)
class _Part:
    """How one part below the band looks: its style, whether shown, the rows above it, the rows it keeps."""

    style: Style
    shown: bool
    margin: int
    min_rows: int


@dataclass
class _Look:
    """The component classes' styles and sizes, read once a styles change (not at each answer)."""

    blank: Style
    head: Style
    head_height: int
    head_left: int
    head_right: int
    glyph_width: int
    glyph_pad: int
    parts: dict[str, _Part]
    # The band's rows for (light, word, width) last made: the next green answer reuses them.
    head_rows: tuple[tuple[Light | None, str, int], list[Strip]] | None = None


class ScanAnswer(Widget):
    """The answer area: a coloured band with symbol and word, then who, what next and the count."""

    COMPONENT_CLASSES = {"scan-answer--head", "scan-answer--glyph", "scan-answer--name",
                         "scan-answer--detail", "scan-answer--lines", "scan-answer--count"}

    def __init__(self, lang: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lang = lang
        self.answer: Answer | None = None
        # The answer as drawn: name and detail cleaned of control codes and cut at 200 characters.
        self.shown: Answer | None = None
        # The rows and the width they were made for, made at the first render after a change.
        self._strips: tuple[int, list[Strip]] | None = None
        self._look: _Look | None = None

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
        # clean(): an ESC or a direction override in a name or a typed code must not reach the terminal.
        shown = Answer(answer.light, answer.head, clean(answer.name, 200), clean(answer.detail, 200),
                       list(answer.lines), answer.count)
        # The state's classes in one change: one restyle of this widget, not one per class.
        classes = {f"-{light.value}": answer.light is light for light in Light}
        classes["-idle"] = answer.light is None
        self.update_classes(classes)
        if shown == self.shown:
            return
        self.shown = shown
        # A repaint, never a layout: the widget's height does not follow its text.
        old, self._strips = self._rows(), None
        if old is None or not self.display or not self.is_mounted:
            self.refresh()  # another state's colours, another width (or nothing drawn yet): all of it
            return
        # In the same state only the rows that changed (the next person's name, not the band).
        new = self._make_rows()
        self._strips = (self.size.width, new)
        changed = [y for y in range(max(len(old), len(new))) if old[y:y + 1] != new[y:y + 1]]
        self.refresh(*(Region(0, y, self.size.width, 1) for y in changed))  # regions of the content

    def notify_style_update(self) -> None:
        """The stylesheet changed what applies here (a state's class, a short screen): make the rows again."""
        super().notify_style_update()
        self._look, self._strips = None, None

    def refresh(self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False) -> Self:
        """As Widget's; a refresh of all of it (Textual's, when a component class's styles changed) reads the look again.

        The look (`_Look`) is kept between answers: read from the component classes at each answer
        it took half a millisecond, as a refresh empties Textual's cache of their styles.
        """
        if not regions:
            self._look, self._strips = None, None
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def on_resize(self) -> None:
        """Shown again (after the search's list) or resized: paint all of it now, in the frame of that layout.

        Textual marks a widget whose size changed as dirty without asking for a repaint; left so,
        that mark went out with the next answer's changed rows and repainted the whole answer then.
        """
        self.refresh()

    def _rows(self) -> list[Strip] | None:
        """The rows made for the answer shown at this width (None: not made yet, or made for another)."""
        made = self._strips
        return made[1] if made is not None and made[0] == self.size.width else None

    def render_line(self, y: int) -> Strip:
        """Row `y` of the answer (Line API); rows below the answer are blank."""
        strips = self._rows()
        if strips is None:
            strips = self._make_rows()
            self._strips = (self.size.width, strips)
        return strips[y] if y < len(strips) else Strip.blank(self.size.width, self.rich_style)

    def _the_look(self) -> _Look:
        """The component classes' styles as they apply now (kept until the styles change)."""
        if self._look is None:
            parts = {}
            for part in ("name", "detail", "lines", "count"):
                styles = self.get_component_styles(f"scan-answer--{part}")
                parts[part] = _Part(self.get_component_rich_style(f"scan-answer--{part}"), styles.display != "none",
                                    styles.margin.top, _cells(styles.min_height))
            head, glyph = self.get_component_styles("scan-answer--head"), self.get_component_styles("scan-answer--glyph")
            glyph_width = _cells(glyph.width, 9) if glyph.display != "none" else 0
            self._look = _Look(self.rich_style, self.get_component_rich_style("scan-answer--head"),
                               max(_cells(head.height, 1), 1), head.padding.left, head.padding.right,
                               glyph_width, glyph.padding.left if glyph_width else 0, parts)
        return self._look

    def _make_rows(self) -> list[Strip]:
        """The answer's rows at this width, laid out as the stylesheet's component classes say."""
        shown, width = self.shown, self.size.width
        if shown is None or width <= 0:
            return []
        look = self._the_look()
        rows = self._head(shown, width, look)
        for part, text in (("name", shown.name), ("detail", shown.detail), ("lines", "\n".join(shown.lines)),
                           ("count", shown.count)):
            how = look.parts[part]
            if not how.shown:
                continue
            rows += [Strip.blank(width, look.blank)] * how.margin
            texts = _wrapped(text, width)
            texts += [""] * (how.min_rows - len(texts))
            rows += [_row([(line, width)], how.style) for line in texts]
        return rows

    def _head(self, shown: Answer, width: int, look: _Look) -> list[Strip]:
        """The coloured band: the three-line glyph, beside it the symbol and word (in its middle row)."""
        key = (shown.light, shown.head, width)
        if look.head_rows is not None and look.head_rows[0] == key:
            return list(look.head_rows[1])  # the band of the last answer: the same strips, nothing to paint
        height, left, right = look.head_height, look.head_left, look.head_right
        glyph_lines = GLYPH[shown.light].split("\n") if shown.light is not None else []
        glyph_width = look.glyph_width if glyph_lines else 0
        glyph_pad = look.glyph_pad if glyph_width else 0
        word_width = max(width - left - right - glyph_width, 1)
        words = _wrapped(shown.head, word_width)[:height]
        top = (height - len(words)) // 2
        rows = []
        for y in range(height):
            glyph = glyph_lines[y] if glyph_width and y < len(glyph_lines) else ""
            word = words[y - top] if 0 <= y - top < len(words) else ""
            rows.append(_row([(" " * left, left), (" " * glyph_pad + glyph, glyph_width), (word, word_width),
                              (" " * right, right)], look.head))
        look.head_rows = (key, rows)
        return list(rows)

    @property
    def text(self) -> str:
        """Everything the answer says, as plain text (for tests and screen readers)."""
        if self.answer is None:
            return ""
        a = self.answer
        return "\n".join(part for part in (a.head, a.name, a.detail, *a.lines, a.count) if part)
