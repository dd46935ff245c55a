"""One badge as one PDF page, for printing on the spot: an A4 card, a 62 mm label or a 4 x 3 in label.

The sizes are the common cases at a registration desk (README, "Badges printed on the spot"):

- `a4`: the 90 x 55 mm card of the A4 sheets (kiosk.interop.badges), alone in the sheet's first
  place, with its cut lines: an office printer and a badge holder;
- `62mm`: a Brother QL with 62 mm continuous tape (DK-22205), cut at 100 mm; portrait, the QR
  code under the name;
- `4x3in`: a Zebra-style 4 x 3 in (101.6 x 76.2 mm) label; landscape, laid out like the card.

Every size prints the person's name (shrunk to fit, on two lines before it gets small), the
organisation, the city, a QR code of the check-in code (a regular QR, drawn as vector squares)
and the code in text. `SIZES` also names the `media` CUPS is asked for, so a driver neither
scales the label onto A4 nor picks the wrong tape.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.domain.outcomes import Person
from kiosk.interop.badges import (
    MARGIN_X,
    MARGIN_Y,
    NAME_MIN_PT,
    fit,
    printable,
    qr_runs,
)

if TYPE_CHECKING:
    from kiosk.interop.badges_pdf import Sheet


@dataclass(frozen=True)
class BadgeSize:
    """A page size a badge can be printed on."""

    name: str
    width: float  # mm
    height: float  # mm
    media: str  # what `lp -o media=...` asks of the printer
    label: str  # for people: `kiosk badges print --help`, the README


SIZES: dict[str, BadgeSize] = {
    "a4": BadgeSize("a4", 210.0, 297.0, "A4", "the 90 x 55 mm card on an A4 sheet"),
    "62mm": BadgeSize("62mm", 62.0, 100.0, "Custom.62x100mm", "62 mm continuous label (Brother QL), 100 mm long"),
    "4x3in": BadgeSize("4x3in", 101.6, 76.2, "Custom.4x3in", "4 x 3 in label (Zebra)"),
}
DEFAULT_SIZE = "a4"


class UnknownSize(ValueError):
    """A badge size that is not one of SIZES."""


def badge_size(name: str | None) -> BadgeSize:
    """The size called `name` (None: the default); UnknownSize when there is none such."""
    size = SIZES.get((name or DEFAULT_SIZE).strip().lower())
    if size is None:
        raise UnknownSize(name)
    return size


def badge_pdf(person: Person, event_name: str, size: str | None = None, *, font: str | Path | None = None) -> bytes:
    """One badge of `person` as a one-page PDF in `size` (see SIZES)."""
    chosen = badge_size(size)
    # fpdf (and the PIL and fontTools it brings) costs a desk ~0.4 s at start-up: load it at the first print.
    from kiosk.interop.badges_pdf import Sheet, draw_card, find_font

    pdf = Sheet(find_font(font), format=(chosen.width, chosen.height))
    pdf.set_title(printable(event_name))
    pdf.set_creator("netwerkdag-kiosk")
    pdf.add_page()
    if chosen.name == "a4":
        draw_card(pdf, MARGIN_X, MARGIN_Y, person, event_name)
    elif chosen.name == "62mm":
        _portrait(pdf, chosen, person, event_name)
    else:
        _landscape(pdf, chosen, person, event_name)
    return bytes(pdf.output())


def _name(pdf: Sheet, x: float, y: float, name: str, width: float, largest: float, smallest: float,
          *, centre: bool = False) -> float:
    """The name in bold at the largest size that fits; two lines (split at a space) before it gets
    below 60% of `largest`. Returns the y below the last line."""
    text = pdf.safe(name)

    def measure(t: str, s: float) -> float:
        return pdf.width(t, s, "B")

    one, size = fit(text, width, measure, largest, smallest)
    lines = [one]
    if (size < 0.6 * largest or one != text) and " " in text:
        halves = _halves(text, lambda t: measure(t, largest))
        sizes = [fit(half, width, measure, largest, smallest) for half in halves]
        two_size = min(s for _, s in sizes)
        # Two lines when they are larger, or when one line had to be cut (two show more of the name).
        if two_size > size or one != text:
            lines, size = [fit(half, width, measure, two_size, smallest)[0] for half in halves], two_size
    height = size * 0.3528 * 1.15
    for line in lines:
        y += height
        pdf.line(x, y, line, size, width, style="B", centre=centre)
    return y


def _halves(text: str, measure) -> list[str]:
    """`text` split at the space that makes its two lines most even in width."""
    words = text.split(" ")
    options = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    best = min(options, key=lambda pair: max(measure(pair[0]), measure(pair[1])))
    return [best[0].strip(), best[1].strip()]


def _qr(pdf: Sheet, x: float, y: float, side: float, code: str) -> None:
    """The QR code of `code` with its top-left corner at (x, y), `side` mm wide, quiet zone included."""
    modules, runs = qr_runs(code)
    module = side / modules
    pdf.set_fill_color(0)
    for r, c, n in runs:
        pdf.rect(x + c * module, y + r * module, n * module, module, style="F")


def _portrait(pdf: Sheet, size: BadgeSize, person: Person, event_name: str) -> None:
    """62 x 100 mm: event, name, organisation, city, then the QR code and the code, centred."""
    pad = 4.0
    width = size.width - 2 * pad
    middle = size.width / 2
    pdf.line(middle, pad + 3, event_name, 7, width, grey=85, centre=True)
    y = _name(pdf, middle, pad + 5, person.name, width, 20, NAME_MIN_PT * 0.8, centre=True)
    pdf.line(middle, y + 6, person.organisation, 10, width, centre=True)
    pdf.line(middle, y + 11, person.city, 9, width, grey=51, centre=True)
    side = 40.0
    top = size.height - pad - side - 5
    _qr(pdf, middle - side / 2, top, side, person.code)
    pdf.line(middle, top + side + 3.5, person.code, 11, width, centre=True)


def _landscape(pdf: Sheet, size: BadgeSize, person: Person, event_name: str) -> None:
    """4 x 3 in: event and name across the top, organisation and city left, QR code bottom right."""
    pad = 6.0
    width = size.width - 2 * pad
    side = 34.0
    lower = width - side - 3
    pdf.line(pad, pad + 3, event_name, 8, width, grey=85)
    # 24 pt at most: two lines of it still end above the QR code.
    y = _name(pdf, pad, pad + 5, person.name, width, 24, NAME_MIN_PT)
    pdf.line(pad, y + 7, person.organisation, 12, lower)
    pdf.line(pad, y + 13, person.city, 11, lower, grey=51)
    top = size.height - pad - side - 4
    _qr(pdf, size.width - pad - side, top, side, person.code)
    pdf.line(size.width - pad - side / 2, top + side + 3, person.code, 10, side, centre=True)
