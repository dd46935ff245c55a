"""Badges printed through a real CUPS (the cups-pdf virtual printer), read back from the PDF it wrote.

From the command line (`kiosk badges print CODE`), from the desk (a walk-in's Ctrl+P, a found
person's reprint, the next scan answered while a print is on its way) and from the kiosk ("print
my badge", once, then again by staff with the PIN). Each PDF's QR code is decoded with zbarimg to
the person's code. A stopped printer is said in one sentence, and the check-in stays.
Needs Debian's cups and printer-driver-cups-pdf (tests/support/cups.py says how, or fails in CI).
"""

from __future__ import annotations

import re
import subprocess
import threading
import time
from dataclasses import replace

import pytest
from click.testing import CliRunner
from textual.widgets import Static

from kiosk.cli import main
from kiosk.clock import Clock
from kiosk.interop.printing import Cups
from kiosk.store.attendees import find_by_code
from kiosk.store.badge_prints import begin_print, finish_print
from kiosk.ui.launch import build_app
from kiosk.ui.widgets.scan_answer import ScanAnswer
from tests.conftest import EVENT_DAY, PROGRAMME_PATH, at
from tests.desk_pilot import settle
from tests.support.cups import CupsPdf, cups_pdf, qr_codes


@pytest.fixture
def cups() -> CupsPdf:
    """CUPS running with the cups-pdf test printers (skips, or fails in CI, without them)."""
    return cups_pdf()


def texts(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static) if w.display)


async def until(pilot, check, seconds: float = 20.0) -> None:
    """Let the app run until `check()` holds (a print takes a second or so)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)


def prints(db) -> list[tuple]:
    return db.execute("SELECT a.code, p.origin, p.reprint, p.result, p.fault, p.job FROM badge_prints p "
                      "JOIN attendees a ON a.id = p.attendee_id ORDER BY p.id").fetchall()


def test_kiosk_badges_print_writes_a_62mm_pdf_whose_qr_code_is_the_code(cups, db, db_path, people, tmp_path):
    result = CliRunner().invoke(main, ["--db", str(db_path), "--programme", str(PROGRAMME_PATH), "badges", "print",
                                       "ANNA44", "--printer", cups.printer, "--badge-size", "62mm"])
    assert result.exit_code == 0, result.output
    job = re.search(r"printed on kiosk-test-pdf, job ([\w-]+)\.", result.output).group(1)
    pdf = cups.pdf_of(job)
    assert qr_codes(pdf, tmp_path) == ["ANNA44"]
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=30).stdout
    assert "175 x 283 pts" in info  # 62 x 100 mm: asked of CUPS as the media, not scaled onto A4
    assert prints(db) == [("ANNA44", "cli", 0, "printed", "", job)]


def test_a_stopped_printer_is_one_sentence_and_exit_1(cups, db, db_path, people):
    cups.stop()
    result = CliRunner().invoke(main, ["--db", str(db_path), "--programme", str(PROGRAMME_PATH), "badges", "print",
                                       "ANNA44", "--printer", cups.stopped])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Printer kiosk-test-stopped is stopped (paper jam): fix the cause (paper, cable), start it with "
        "`cupsenable kiosk-test-stopped` and try again.")
    assert prints(db) == [("ANNA44", "cli", 0, "failed", "stopped", "")]


def desk(settings, printer: str):
    return build_app(replace(settings, printer=printer), role="desk", clock=Clock.fixed("10:15", event_date=EVENT_DAY))


async def test_the_desk_prints_a_walk_in_beside_the_next_scan_and_reprints_a_found_person(
        cups, settings, db, people, tmp_path, monkeypatch):
    # Hold the first print after it was sent, to see the next scan answered meanwhile.
    gate, real_wait = threading.Event(), Cups.wait
    monkeypatch.setattr(Cups, "wait", lambda self, job, printer: (gate.wait(20), real_wait(self, job, printer))[1])
    anna = find_by_code(db, "ANNA44")
    earlier, _ = begin_print(db, anna.id, now=at("09:40"), device="desk-2", origin="desk", printer="p", size="a4")
    finish_print(db, earlier, now=at("09:40"), printed=True, job="p-1")  # her badge, printed and since lost
    app = desk(settings, cups.printer)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f7")
        await pilot.pause()
        await pilot.press(*"Wessel Walkin", "enter", *"Gemeente Ede", "enter", *"Ede", "ctrl+s")
        await until(pilot, lambda: app.screen.query("#walkin-code") and
                    len(str(app.screen.query_one("#walkin-code").render()).strip()) == 6)
        code = str(app.screen.query_one("#walkin-code").render()).strip()
        await pilot.press("ctrl+p")  # print and close
        await until(pilot, lambda: "Badge van Wessel Walkin wordt geprint op kiosk-test-pdf…" in texts(app))
        await pilot.press(*"ANNA44", "enter")  # the next guest, while the badge is on its way
        await until(pilot, lambda: "Anna de Vries" in app.screen.query_one(ScanAnswer).text)
        assert "wordt geprint" in texts(app)
        gate.set()
        await until(pilot, lambda: "✔ Badge van Wessel Walkin geprint (kiosk-test-pdf-" in texts(app))
        await pilot.press("ctrl+p")  # Anna is on the answer: her lost badge again
        await until(pilot, lambda: "✔ Badge van Anna de Vries opnieuw geprint" in texts(app))
        await settle(app, pilot)
    log = prints(db)
    assert [row[:5] for row in log] == [("ANNA44", "desk", 0, "printed", ""), (code, "desk", 0, "printed", ""),
                                        ("ANNA44", "desk", 1, "printed", "")]
    assert qr_codes(cups.pdf_of(log[1][5]), tmp_path) == [code]
    assert qr_codes(cups.pdf_of(log[2][5]), tmp_path) == ["ANNA44"]
    assert db.execute("SELECT COUNT(*) FROM scans WHERE accepted = 1").fetchone()[0] == 2


async def test_a_stopped_printer_at_the_desk_is_said_and_the_check_in_stays(cups, settings, db, people, tmp_path):
    cups.stop()
    app = desk(settings, cups.stopped)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"HOF222", "enter")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: "niet geprint" in texts(app))
        said = texts(app)
        assert ("✖ Badge van Pieter van 't Hof niet geprint. Printer kiosk-test-stopped staat stil (paper jam): "
                "verhelp de oorzaak (papier, kabel), zet hem aan met `cupsenable kiosk-test-stopped` en probeer "
                "opnieuw.") in said
        assert "WELKOM" in app.screen.query_one(ScanAnswer).text
        subprocess.run(["cupsenable", cups.stopped], check=True, timeout=30)  # noqa: ASYNC221 - a moment
        try:
            await pilot.press("ctrl+p")  # tried again, once the printer runs
            await until(pilot, lambda: "✔ Badge van Pieter van 't Hof geprint" in texts(app))
        finally:
            cups.stop()
    inside = db.execute("SELECT p.inside FROM presence p JOIN attendees a ON a.id = p.attendee_id "
                        "WHERE a.code = 'HOF222' AND p.list = 'venue'").fetchone()
    assert inside == (1,)
    assert [row[3:5] for row in prints(db)] == [("failed", "stopped"), ("printed", "")]
    assert qr_codes(cups.pdf_of(prints(db)[1][5]), tmp_path) == ["HOF222"]


async def test_the_kiosk_prints_my_badge_once_and_again_when_staff_allow_it(cups, settings, db, people, tmp_path):
    app = build_app(replace(settings, printer=cups.printer), role="selfservice",
                    clock=Clock.fixed("09:45", event_date=EVENT_DAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"CELIK1", "enter")
        await pilot.pause()
        await pilot.press("f10")  # straight to their day's agenda
        await until(pilot, lambda: bool(app.screen.query("#my-badge-print")))
        await pilot.click("#my-badge-print")
        await until(pilot, lambda: "✔ Uw badge is geprint: pak hem bij de printer." in texts(app))
        await pilot.click("#my-badge-print")
        await until(pilot, lambda: "Uw badge is al geprint (om 09:45). Kwijt? Vraag het personeel bij de balie."
                    in texts(app))
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press(*"1234", "enter")
        await pilot.pause()
        await pilot.click("#pin-badge")
        await until(pilot, lambda: "✔ Uw badge is geprint" in texts(app) and app.locked)
        assert "Ayşe Çelik" in texts(app)  # still their agenda, still locked
        await pilot.press("escape")
        await pilot.press(*"HOF222", "enter")
        await pilot.pause()
        await pilot.press("f10")
        await until(pilot, lambda: bool(app.screen.query("#my-badge-print")))
        assert "Ayşe" not in texts(app) and "geprint" not in texts(app)  # nothing of the last person's
    log = prints(db)
    assert [row[:5] for row in log] == [("CELIK1", "selfservice", 0, "printed", ""),
                                        ("CELIK1", "selfservice_staff", 1, "printed", "")]
    assert qr_codes(cups.pdf_of(log[1][5]), tmp_path) == ["CELIK1"]
