"""Badges: A4 sheets whose QR codes a real decoder (zbar) reads back as the check-in codes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.domain.outcomes import Person
from kiosk.interop.badges import CARD_H, CARD_W, MARGIN_X, MARGIN_Y, PAGE_H, PAGE_W, badges_html, badges_svg, sheets
from kiosk.interop.badges_pdf import badges_pdf
from tests.support.cli_db import db_args
from tests.support.event import PROGRAMME_PATH

# `kiosk badges` reads the roster from a SQLite file or PostgreSQL alike (tests/conftest.py).
BOTH_BACKENDS = True

NAMES = ["Ayşe Çelik", "Søren Ødegaard", "[@click=app.quit]x[/] <b>&amp;", "Олександр Карасевич", "مريم العلي",
         "Pieter van 't Hof", "X" * 10_000, "Anna de Vries", "Łukasz Żółć", "李小龍", "Jan\x00\x1b[31mRood"]
PEOPLE = [Person(id=i, code=f"C{i:04d}X", name=name, organisation="Gemeente Zaanstad", city="Zaandam")
          for i, name in enumerate(NAMES)]


def _zbar(png: Path) -> set[str]:
    """The QR codes zbar finds in an image."""
    out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                         capture_output=True, text=True, timeout=60)
    return set(out.stdout.split())


def _need(*tools: str) -> None:
    """Skip unless the command-line tools are installed."""
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (apt-get install zbar-tools librsvg2-bin poppler-utils)")


def test_cards_fit_on_a4_two_by_five():
    pages = list(sheets(PEOPLE))
    assert [len(p) for p in pages] == [10, 1]
    assert CARD_W * 2 <= PAGE_W and CARD_H * 5 <= PAGE_H
    last = pages[0][-1]
    assert last.x + CARD_W <= PAGE_W - MARGIN_X + 1e-9 and last.y + CARD_H <= PAGE_H - MARGIN_Y + 1e-9


def test_pdf_qr_codes_decode_to_the_check_in_codes(tmp_path):
    _need("zbarimg", "pdftoppm")
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(badges_pdf(PEOPLE, "G40 Bestuurlijke Netwerkdag"))
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=60)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    assert _zbar(pages[0]) | _zbar(pages[1]) == {p.code for p in PEOPLE}


def test_svg_qr_codes_decode_and_names_are_printed_as_written(tmp_path):
    _need("zbarimg", "rsvg-convert")
    svgs = badges_svg(PEOPLE, "G40")
    assert len(svgs) == 2
    found = set()
    for n, svg in enumerate(svgs):
        (tmp_path / f"s{n}.svg").write_text(svg, encoding="utf-8")
        png = tmp_path / f"s{n}.png"
        subprocess.run(["rsvg-convert", "-d", "150", "-p", "150", str(tmp_path / f"s{n}.svg"), "-o", str(png)],
                       check=True, timeout=60, capture_output=True)
        found |= _zbar(png)
    assert found == {p.code for p in PEOPLE}
    first = svgs[0]
    for name in ("Ayşe Çelik", "Søren Ødegaard", "Олександр Карасевич", "مريم العلي", "Łukasz Żółć", "李小龍"):
        assert name in first
    assert "[@click=app.quit]x[/] &lt;b&gt;&amp;amp;" in first and "<b>" not in first
    assert "\x00" not in svgs[1] and "\x1b" not in svgs[1] and "Jan[31mRood" in svgs[1]
    assert "X" * 10_000 not in first and "…" in first  # absurd length cut, not overflowing the card


def test_html_has_one_a4_page_per_sheet():
    html = badges_html(PEOPLE, "G40 <script>")
    assert html.count('<section class="sheet">') == 2
    assert "@page { size: A4; margin: 0; }" in html
    assert "<script>" not in html and "G40 &lt;script&gt;" in html


def test_cli_writes_badges_pdf_here_by_default(tmp_path, monkeypatch, target, db, people):
    monkeypatch.chdir(tmp_path)
    flag, env = db_args(target)  # a PostgreSQL URL's password in PGPASSWORD

    def badges(*args: str):
        return CliRunner().invoke(main, [*flag, "--programme", str(PROGRAMME_PATH), "badges", *args], env=env)

    result = badges()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "persoonsgegevens-badges.pdf").read_bytes().startswith(b"%PDF-")
    result = badges("--format", "svg", "--code", people["Anna de Vries"])
    assert result.exit_code == 0 and "ANNA44" in (tmp_path / "persoonsgegevens-badges.svg").read_text(encoding="utf-8")
    result = badges("--format", "html", "--output", "all.html")
    page = (tmp_path / "persoonsgegevens-all.html").read_text(encoding="utf-8")  # the name says what it holds
    assert result.exit_code == 0 and "Ayşe Çelik" in page and "Cancelled Person" not in page
    result = badges("--code", "NOSUCH")
    assert result.exit_code == 2 and "NOSUCH" in result.output
