"""Printing on the spot without a printer: CUPS' answers as the commands give them, the fault sentences,
the print log's rules, and the three page sizes (their QR codes read back with zbar).

tests/test_print_cups.py prints for real through cups-pdf.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from kiosk.domain.outcomes import Person
from kiosk.interop import cups_ipp
from kiosk.interop.badge_label import SIZES, badge_pdf
from kiosk.interop.badge_print import print_badge
from kiosk.interop.print_words import STAFF, WHAT, attendee_sentence, staff_sentence
from kiosk.interop.printing import Cups, Fault, PrintFault
from kiosk.store.attendees import find_by_code
from kiosk.store.badge_prints import (
    AlreadyPrinted,
    begin_print,
    finish_print,
    prints_of,
)
from tests.conftest import at

# The print log (kiosk.store.badge_prints) behaves the same on a SQLite file and on PostgreSQL (tests/conftest.py).
BOTH_BACKENDS = True

IDLE = "printer desk-ql is idle.  enabled since Tue Dec  1 09:21:02 2026\ndesk-ql accepting requests since Tue Dec  1\n"
STOPPED = "printer desk-ql disabled since Tue Dec  1 09:19:00 2026 -\n\tpaper jam\ndesk-ql accepting requests since x\n"
REJECTING = "printer desk-ql is idle.  enabled since x\ndesk-ql not accepting requests since x -\n\tRejecting Jobs\n"


class FakeCups:
    """Answers lp/lpstat/cancel as CUPS 2.4 does (C locale); records what was run."""

    def __init__(self, *, running: bool = True, printer: str | None = IDLE, states: list[str] | None = None,
                 lp_error: str = "") -> None:
        self.is_running, self.printer, self.lp_error = running, printer, lp_error
        self.states = states or ["completed"]
        self.ran: list[list[str]] = []

    def run(self, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
        self.ran.append(args)
        out, err, code = "", "", 0
        if args[:2] == ["lpstat", "-r"]:
            out = "scheduler is running\n" if self.is_running else "scheduler is not running\n"
        elif args[:2] == ["lpstat", "-p"]:
            if self.printer is None or not self.is_running:
                err, code = f'lpstat: Invalid destination name in list "{args[2]}".\n', 1
            else:
                out = self.printer
        elif args[0] == "lp":
            if self.lp_error or not self.is_running:
                err, code = (self.lp_error or "lp: Error - The printer or class does not exist.\n"), 1
            else:
                assert stdin and stdin.startswith(b"%PDF")
                out = "request id is desk-ql-12 (0 file(s))\n"
        return subprocess.CompletedProcess(args, code, out.encode(), err.encode())

    def ipp(self, job_id: int) -> cups_ipp.IppJob:
        assert job_id == 12
        state = self.states.pop(0) if len(self.states) > 1 else self.states[0]
        return cups_ipp.IppJob(state, (), "")


def cups(fake: FakeCups, seconds: float = 30.0) -> Cups:
    moment = [0.0]

    def sleep(s: float) -> None:
        moment[0] += s

    return Cups(run=fake.run, ipp_job=fake.ipp, sleep=sleep, clock=lambda: moment[0], job_seconds=seconds)


PDF = b"%PDF-1.4 badge"


def kind_of(fake: FakeCups, seconds: float = 30.0) -> PrintFault:
    with pytest.raises(PrintFault) as caught:
        cups(fake, seconds).print_pdf("desk-ql", PDF, title="netwerkdag-badge-1", media="A4")
    return caught.value


def test_a_job_cups_completed_is_printed_with_its_job_id():
    fake = FakeCups(states=["pending", "processing", "completed"])
    assert cups(fake).print_pdf("desk-ql", PDF, title="netwerkdag-badge-1", media="Custom.62x100mm") == "desk-ql-12"
    assert ["lp", "-d", "desk-ql", "-t", "netwerkdag-badge-1", "-o", "media=Custom.62x100mm", "-"] in fake.ran


def test_each_fault_before_the_job_is_told_apart():
    assert kind_of(FakeCups(running=False)).kind is Fault.CUPS_DOWN
    assert kind_of(FakeCups(printer=None)).kind is Fault.UNKNOWN_PRINTER
    stopped = kind_of(FakeCups(printer=STOPPED))
    assert stopped.kind is Fault.STOPPED and stopped.detail == "paper jam"
    assert kind_of(FakeCups(printer=REJECTING)).kind is Fault.REJECTING
    assert kind_of(FakeCups(lp_error="lp: Destination \"desk-ql\" is not accepting jobs.\n")).kind is Fault.REJECTING
    with pytest.raises(PrintFault) as caught:
        Cups(run=FakeCups().run).print_pdf("", PDF, title="t", media="A4")
    assert caught.value.kind is Fault.NO_PRINTER


def test_no_cups_commands_is_said_as_such():
    def missing(args, stdin=None):
        raise FileNotFoundError(args[0])

    assert kind_of_runner(missing).kind is Fault.NO_CUPS


def kind_of_runner(run) -> PrintFault:
    with pytest.raises(PrintFault) as caught:
        Cups(run=run).print_pdf("desk-ql", PDF, title="t", media="A4")
    return caught.value


def test_a_cancelled_or_aborted_job_failed_and_is_not_reported_printed():
    for state in ("canceled", "aborted"):
        fault = kind_of(FakeCups(states=["processing", state]))
        assert fault.kind is Fault.JOB_FAILED and fault.job == "desk-ql-12"


def test_a_job_whose_printer_stops_is_cancelled_and_said_stopped():
    fake = FakeCups(states=["pending"])
    printer = cups(fake)
    printer.submit("desk-ql", PDF, title="t", media="A4")
    fake.printer = STOPPED
    with pytest.raises(PrintFault) as caught:
        printer.wait("desk-ql-12", "desk-ql")
    assert caught.value.kind is Fault.STOPPED and caught.value.job == "desk-ql-12"
    assert ["cancel", "desk-ql-12"] in fake.ran  # cannot come out later beside the reprint


def test_a_job_still_waiting_after_its_time_is_stuck_and_cancelled():
    fake = FakeCups(states=["processing"])
    fault = kind_of(fake, seconds=2)
    assert fault.kind is Fault.JOB_STUCK and fault.detail == "2"
    assert ["cancel", "desk-ql-12"] in fake.ran


def test_without_ipp_lpstat_says_whether_the_job_is_still_waiting():
    fake = FakeCups()
    lists = {"not-completed": "desk-ql-12  root  13312   Tue Dec  1 09:19:00 2026\n", "completed": ""}

    def run(args, stdin=None):
        if args[:2] == ["lpstat", "-W"]:
            return subprocess.CompletedProcess(args, 0, lists[args[2]].encode(), b"")
        return fake.run(args, stdin)

    printer = Cups(run=run, ipp_job=lambda job_id: None)
    assert printer.state("desk-ql-12", "desk-ql") == "pending"
    lists.update({"not-completed": "", "completed": "desk-ql-12  root  13312   Tue Dec  1 09:19:00 2026\n"})
    assert printer.state("desk-ql-12", "desk-ql") == "completed"


def test_ipp_answers_are_read():
    response = (bytes.fromhex("0200" "0000" "00000001") + b"\x01"
                + b"\x47\x00\x12attributes-charset\x00\x05utf-8" + b"\x02"
                + b"\x23\x00\x09job-state\x00\x04\x00\x00\x00\x08"
                + b"\x44\x00\x11job-state-reasons\x00\x15job-aborted-by-system" + b"\x03")
    status, attributes = cups_ipp.parse(response)
    assert status == 0 and attributes["job-state"] == [8]
    assert attributes["job-state-reasons"] == ["job-aborted-by-system"]


@pytest.mark.parametrize("kind", list(Fault))
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_every_fault_is_one_sentence_with_what_to_do_in_both_languages(kind, lang):
    fault = PrintFault(kind, "desk-ql", job="desk-ql-12", detail="paper jam")
    for sentence in (staff_sentence(fault, lang), attendee_sentence(fault, lang)):
        assert sentence.endswith(".") and "{" not in sentence
        assert not re.search(r"[.!?] [A-Z]", sentence), sentence  # one sentence, not two
    assert kind in STAFF and kind in WHAT
    said = staff_sentence(fault, lang)
    if kind in (Fault.STOPPED, Fault.UNKNOWN_PRINTER, Fault.REJECTING):
        assert "desk-ql" in said
    assert ("opnieuw" in said or "--printer" in said or "--badge-size" in said) if lang == "nl" else \
        ("again" in said or "--printer" in said or "--badge-size" in said)


def test_the_stopped_printer_sentence_names_the_command_that_starts_it():
    said = staff_sentence(PrintFault(Fault.STOPPED, "kiosk-pdf", detail="Paused"), "nl")
    assert said == ("Printer kiosk-pdf staat stil: verhelp de oorzaak (papier, kabel), zet hem aan met "
                    "`cupsenable kiosk-pdf` en probeer opnieuw.")


def test_the_self_service_prints_once_a_failure_does_not_count_and_staff_may_reprint(db, people):
    anna = find_by_code(db, people["Anna de Vries"])
    first, reprint = begin_print(db, anna.id, now=at("10:00"), device="kiosk-1", origin="selfservice", printer="p",
                                 size="a4", once=True)
    assert reprint is False
    finish_print(db, first, now=at("10:00:02"), printed=False, fault="stopped")
    second, _ = begin_print(db, anna.id, now=at("10:01"), device="kiosk-1", origin="selfservice", printer="p",
                            size="a4", once=True)
    finish_print(db, second, now=at("10:01:02"), printed=True, job="p-3")
    with pytest.raises(AlreadyPrinted) as earlier:
        begin_print(db, anna.id, now=at("10:05"), device="kiosk-2", origin="selfservice", printer="p",
                    size="a4", once=True)
    assert earlier.value.at.startswith("2026-11-29T10:01") and earlier.value.result == "printed"
    _, reprint = begin_print(db, anna.id, now=at("10:06"), device="kiosk-1", origin="selfservice_staff",
                             printer="p", size="a4")
    log = prints_of(db, anna.id)
    assert [(r.origin, r.result, r.fault, r.job, r.reprint) for r in log] == [
        ("selfservice", "failed", "stopped", "", False), ("selfservice", "printed", "", "p-3", False),
        ("selfservice_staff", "pending", "", "", True)]


def test_print_badge_logs_what_it_tried_and_leaves_the_check_in_alone(db, people):
    anna = find_by_code(db, people["Anna de Vries"])
    done = print_badge(db, anna, event_name="G40", printer="desk-ql", size="62mm", device="desk-1", origin="desk",
                       now=lambda: at("10:00"), cups=cups(FakeCups(printer=STOPPED)))
    assert not done.ok and done.fault.kind is Fault.STOPPED
    done = print_badge(db, anna, event_name="G40", printer="desk-ql", size="62mm", device="desk-1", origin="desk",
                       now=lambda: at("10:01"), cups=cups(FakeCups()))
    assert done.ok and done.job == "desk-ql-12" and not done.reprint
    rows = db.execute("SELECT origin, printer, size, job, result, fault FROM badge_prints ORDER BY id").fetchall()
    assert rows == [("desk", "desk-ql", "62mm", "", "failed", "stopped"),
                    ("desk", "desk-ql", "62mm", "desk-ql-12", "printed", "")]
    assert db.execute("SELECT COUNT(*) FROM scans").fetchone()[0] == 0
    # No printer or no such size: said before anything is logged (nothing was tried).
    assert print_badge(db, anna, event_name="G40", printer=None, size="a4", device="d", origin="desk",
                       now=lambda: at("10:02")).fault.kind is Fault.NO_PRINTER
    assert print_badge(db, anna, event_name="G40", printer="desk-ql", size="a5", device="d", origin="desk",
                       now=lambda: at("10:02")).fault.kind is Fault.BAD_SIZE
    assert db.execute("SELECT COUNT(*) FROM badge_prints").fetchone()[0] == 2


@pytest.mark.parametrize("size", list(SIZES))
def test_each_size_is_one_page_of_its_size_whose_qr_code_reads_back(size, tmp_path):
    if shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None:
        pytest.skip("zbarimg/pdftoppm not installed (apt-get install zbar-tools poppler-utils)")
    person = Person(id=1, code="KD43EV", name="Maximiliaan van Oldenbarnevelt-Wassenaer [b]x[/b]",
                    organisation="Provincie Noord-Holland", city="Haarlem")
    pdf = tmp_path / f"{size}.pdf"
    pdf.write_bytes(badge_pdf(person, "G40 Bestuurlijke Netwerkdag", size))
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True, timeout=30).stdout
    width, height = (float(v) * 25.4 / 72 for v in re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert re.search(r"Pages:\s+1\b", info)
    assert abs(width - SIZES[size].width) < 0.5 and abs(height - SIZES[size].height) < 0.5
    subprocess.run(["pdftoppm", "-q", "-r", "150", "-png", "-singlefile", str(pdf), str(tmp_path / size)],
                   check=True, timeout=60)
    read = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / f"{size}.png")], check=False, capture_output=True,
                          text=True, timeout=60)
    assert read.stdout.split() == ["KD43EV"]
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True, timeout=30).stdout
    assert "KD43EV" in text and "Oldenbarnevelt" in text and "Haarlem" in text
