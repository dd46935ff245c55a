"""Badge sheets as PDF (fpdf2), with the same layout as the SVG sheets of kiosk.interop.badges.

Names are printed as written, so the PDF embeds a Unicode TrueType font: DejaVu Sans where the
system has it (Debian/Ubuntu `fonts-dejavu-core`, Fedora, ...) or the file given as `font`.
Without one it falls back to the PDF's built-in Helvetica, which has Latin-1 only: other
characters then print as `?`, and `warnings` says so. fpdf2 subsets the font, so a sheet stays
small. Right-to-left names print in stored (logical) order: fpdf2 reorders them only with its
optional text shaping (uharfbuzz), which the kiosk does not install.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fpdf import FPDF

from kiosk.domain.outcomes import Person
from kiosk.interop.badges import (
    CARD_H,
    CARD_W,
    NAME_MAX_PT,
    NAME_MIN_PT,
    PAD,
    QR_SIZE,
    fit,
    printable,
    qr_runs,
    sheets,
)

FONT_PLACES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
    "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
    "C:/Windows/Fonts/arial.ttf",
]


def find_font(given: str | Path | None = None) -> Path | None:
    """The TrueType font to embed: the given file, else the first known system font found."""
    if given:
        return Path(given)
    return next((Path(p) for p in FONT_PLACES if Path(p).is_file()), None)


class Sheet(FPDF):
    """A document in millimetres (A4 unless `format` says otherwise) with the badge fonts loaded."""

    def __init__(self, font: Path | None, format: str | tuple[float, float] = "A4") -> None:
        super().__init__(unit="mm", format=format)
        self.set_auto_page_break(False)
        self.set_margins(0, 0, 0)
        self.unicode = font is not None
        if font is not None:
            bold = font.with_name(font.stem + "-Bold" + font.suffix)
            self.add_font("badge", "", str(font))
            self.add_font("badge", "B", str(bold if bold.is_file() else font))
            self.family = "badge"
        else:
            self.family = "helvetica"

    def safe(self, text: str) -> str:
        """Text the loaded font can encode (Latin-1 only without a Unicode font)."""
        text = printable(text)
        return text if self.unicode else text.encode("latin-1", "replace").decode("latin-1")

    def width(self, text: str, size: float, style: str = "") -> float:
        """Printed width of `text` in mm at `size` points."""
        self.set_font(self.family, style, size)
        return self.get_string_width(text)

    def line(self, x: float, y: float, text: str, size: float, width: float, *, style: str = "",
             grey: int = 0, centre: bool = False) -> None:
        """One line of text with its baseline at y, fitted to `width`."""
        text = self.safe(text)
        if not text:
            return
        shown, size = fit(text, width, lambda t, s: self.width(t, s, style), size, min(size, NAME_MIN_PT * 0.7))
        self.set_font(self.family, style, size)
        self.set_text_color(grey)
        if centre:
            x -= self.get_string_width(shown) / 2
        self.text(x, y, shown)


def badges_pdf(people: Iterable[Person], event_name: str, *, font: str | Path | None = None,
               warnings: list[str] | None = None) -> bytes:
    """The badge sheets as one PDF document."""
    font_path = find_font(font)
    if font_path is None and warnings is not None:
        warnings.append("no Unicode font found (install fonts-dejavu-core or pass --font FILE.ttf): "
                        "letters outside Latin-1 print as '?'")
    pdf = Sheet(font_path)
    pdf.set_title(printable(event_name))
    pdf.set_creator("netwerkdag-kiosk")
    for page in sheets(people):
        pdf.add_page()
        for card in page:
            draw_card(pdf, card.x, card.y, card.person, event_name)
    if pdf.page == 0:
        pdf.add_page()
    return bytes(pdf.output())


def draw_card(pdf: Sheet, x: float, y: float, person: Person, event_name: str) -> None:
    """Draw one card: cut line, texts, QR code."""
    pdf.set_draw_color(187)
    pdf.set_line_width(0.2)
    with pdf.local_context():
        pdf.set_dash_pattern(dash=2, gap=2)
        pdf.rect(x, y, CARD_W, CARD_H)
    text_w = CARD_W - 2 * PAD
    lower_w = CARD_W - 2 * PAD - QR_SIZE - 2
    pdf.line(x + PAD, y + PAD + 2.5, event_name, 7, text_w, grey=85)
    pdf.line(x + PAD, y + PAD + 11, person.name, NAME_MAX_PT, text_w, style="B")
    pdf.line(x + PAD, y + PAD + 20, person.organisation, 10, lower_w)
    pdf.line(x + PAD, y + PAD + 25, person.city, 9, lower_w, grey=51)
    size, runs = qr_runs(person.code)
    module = QR_SIZE / size
    qx, qy = x + CARD_W - PAD - QR_SIZE, y + CARD_H - PAD - QR_SIZE - 2.5
    pdf.set_fill_color(0)
    for r, c, n in runs:
        pdf.rect(qx + c * module, qy + r * module, n * module, module, style="F")
    pdf.line(qx + QR_SIZE / 2, qy + QR_SIZE + 2.6, person.code, 8, QR_SIZE, centre=True)
