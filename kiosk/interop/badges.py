"""Printable name badges: A4 sheets of 2 x 5 cards of 90 x 55 mm, as standard badge holders take.

Each card has the event's name, the person's name (as written: no case change, no
transliteration; only absurdly long text is cut with an ellipsis), organisation, city, and a QR
code of the check-in code with the code printed under it for typing. The QR code is drawn as
vector squares (crisp at any printer resolution), 27 mm wide: about 0.9 mm a module for a
six-character code, easy for a desk's USB scanner.

Formats: SVG (one file per sheet) and HTML (every sheet, one page each) are written by hand
here; PDF is in kiosk.interop.badges_pdf. Dashed cut lines mark the cards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from xml.sax.saxutils import escape

from kiosk.domain.outcomes import Person

PAGE_W, PAGE_H = 210.0, 297.0  # A4, mm
CARD_W, CARD_H = 90.0, 55.0
COLUMNS, ROWS = 2, 5
PER_PAGE = COLUMNS * ROWS
MARGIN_X = (PAGE_W - COLUMNS * CARD_W) / 2
MARGIN_Y = (PAGE_H - ROWS * CARD_H) / 2
PAD = 5.0
QR_SIZE = 27.0
PT = 0.3528  # mm per point
NAME_MAX_PT, NAME_MIN_PT = 18.0, 10.0
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True)
class Card:
    """Where one card sits on its sheet (top-left corner, mm) and whose it is."""

    person: Person
    x: float
    y: float


def sheets(people: Iterable[Person]) -> Iterator[list[Card]]:
    """The people laid out on sheets, left to right, top to bottom."""
    page: list[Card] = []
    for person in people:
        i = len(page)
        page.append(Card(person, MARGIN_X + (i % COLUMNS) * CARD_W, MARGIN_Y + (i // COLUMNS) * CARD_H))
        if len(page) == PER_PAGE:
            yield page
            page = []
    if page:
        yield page


def qr_runs(code: str) -> tuple[int, list[tuple[int, int, int]]]:
    """The QR code of `code` (a regular QR, not micro QR: every scanner reads it) as dark runs.

    Returns the symbol size in modules (with a 4-module quiet zone) and (row, column, length)
    for every horizontal run of dark modules, so a drawing needs few rectangles.
    """
    import segno  # ~20 ms: loaded at the first badge, not at a desk's start

    matrix = [list(row) for row in segno.make_qr(code, error="m").matrix_iter(border=4)]
    runs = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                runs.append((r, start, c - start))
            else:
                c += 1
    return len(matrix), runs


def printable(text: str) -> str:
    """Text without control characters (a NUL or an ANSI escape has no place on paper)."""
    return _XML_BAD.sub("", text).replace("\x1b", "")


def estimate_width(text: str, size_pt: float) -> float:
    """Rough printed width in mm of sans-serif text: wide East Asian characters count double."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.6 for c in text)
    return ems * size_pt * PT


def fit(text: str, width: float, measure, largest: float, smallest: float) -> tuple[str, float]:
    """The largest size at which `text` fits `width`; at the smallest, the text cut with an ellipsis."""
    size = largest
    while size > smallest and measure(text, size) > width:
        size -= 0.5
    if measure(text, size) <= width:
        return text, size
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if measure(text[:mid].rstrip() + "…", size) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…", size


# --- SVG and HTML -----------------------------------------------------------------------------


def _svg_text(x: float, y: float, text: str, size: float, width: float, *, bold: bool = False,
              colour: str = "#000", anchor: str = "start") -> str:
    """One line of text, fitted to `width` (squeezed by the viewer when the estimate was short)."""
    text = printable(text)
    if not text:
        return ""
    shown, size = fit(text, width, estimate_width, size, min(size, NAME_MIN_PT * 0.7))
    # The estimate is rough: near the edge, let the viewer squeeze the line to the width exactly.
    tight = estimate_width(shown, size) > 0.8 * width
    squeeze = f' textLength="{width:.2f}" lengthAdjust="spacingAndGlyphs"' if tight else ""
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size * PT:.2f}"{weight} fill="{colour}" '
            f'text-anchor="{anchor}"{squeeze}>{escape(shown)}</text>')


def _svg_card(card: Card, event_name: str) -> list[str]:
    """The elements of one card."""
    x, y, person = card.x, card.y, card.person
    text_w = CARD_W - 2 * PAD
    lower_w = CARD_W - 2 * PAD - QR_SIZE - 2
    parts = [f'<rect x="{x:.2f}" y="{y:.2f}" width="{CARD_W}" height="{CARD_H}" fill="none" stroke="#bbb" '
             f'stroke-width="0.2" stroke-dasharray="2 2"/>']
    parts.append(_svg_text(x + PAD, y + PAD + 2.5, event_name, 7, text_w, colour="#555"))
    parts.append(_svg_text(x + PAD, y + PAD + 11, person.name, NAME_MAX_PT, text_w, bold=True))
    parts.append(_svg_text(x + PAD, y + PAD + 20, person.organisation, 10, lower_w))
    parts.append(_svg_text(x + PAD, y + PAD + 25, person.city, 9, lower_w, colour="#333"))
    size, runs = qr_runs(person.code)
    module = QR_SIZE / size
    qx, qy = x + CARD_W - PAD - QR_SIZE, y + CARD_H - PAD - QR_SIZE - 2.5
    path = "".join(f"M{qx + c * module:.3f} {qy + r * module:.3f}h{n * module:.3f}v{module:.3f}h{-n * module:.3f}z"
                   for r, c, n in runs)
    parts.append(f'<rect x="{qx:.2f}" y="{qy:.2f}" width="{QR_SIZE}" height="{QR_SIZE}" fill="#fff"/>')
    parts.append(f'<path d="{path}" fill="#000" shape-rendering="crispEdges"/>')
    parts.append(_svg_text(qx + QR_SIZE / 2, qy + QR_SIZE + 2.6, person.code, 8, QR_SIZE, anchor="middle"))
    return [p for p in parts if p]


def sheet_svg(cards: list[Card], event_name: str) -> str:
    """One A4 sheet as an SVG document (mm units)."""
    body = [line for card in cards for line in _svg_card(card, event_name)]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W:g}mm" height="{PAGE_H:g}mm" '
            f'viewBox="0 0 {PAGE_W:g} {PAGE_H:g}" font-family="DejaVu Sans, Verdana, Arial, sans-serif">\n'
            f'<rect width="{PAGE_W:g}" height="{PAGE_H:g}" fill="#fff"/>\n' + "\n".join(body) + "\n</svg>\n")


def badges_svg(people: Iterable[Person], event_name: str) -> list[str]:
    """One SVG document per A4 sheet."""
    return [sheet_svg(page, event_name) for page in sheets(people)]


def badges_html(people: Iterable[Person], event_name: str) -> str:
    """Every sheet in one HTML file, one sheet per printed A4 page (print at 100%, no margins)."""
    pages = "\n".join(f'<section class="sheet">{svg}</section>' for svg in badges_svg(people, event_name))
    title = escape(printable(event_name))
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Badges - {title}</title>
<style>
@page {{ size: A4; margin: 0; }}
html, body {{ margin: 0; padding: 0; }}
.sheet {{ width: 210mm; height: 297mm; overflow: hidden; page-break-after: always; break-after: page; }}
.sheet svg {{ display: block; width: 210mm; height: 297mm; }}
@media screen {{ body {{ background: #888; }} .sheet {{ background: #fff; margin: 8mm auto; }} }}
</style>
</head>
<body>
{pages}
</body>
</html>
"""

