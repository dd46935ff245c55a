"""A real CUPS for the printing tests: cupsd and the cups-pdf virtual printer, and the PDFs it writes.

`cups_pdf()` starts the scheduler when it is not running (as root: `cupsd` forks into the
background and keeps running after the tests, as an installed CUPS would) and adds the printers
the tests use, both cups-pdf queues: TEST_PRINTER, enabled and accepting, and STOPPED_PRINTER,
which the tests disable. They are the tests' own, so a developer's `kiosk-pdf` is never stopped.
The PPD with options labels each file with its job ("...-job_12.pdf"), which is how a test finds
the PDF its print made.

Without Debian's `cups` and `printer-driver-cups-pdf` (and `poppler-utils` and `zbar-tools` to
read the QR code back) the tests skip and say what to install; with KIOSK_REQUIRE_CUPS=1 (set by
.ci/run) they fail instead.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TEST_PRINTER = "kiosk-test-pdf"
STOPPED_PRINTER = "kiosk-test-stopped"
BACKEND = Path("/usr/lib/cups/backend/cups-pdf")
PPD_OPT = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
CONF = Path("/etc/cups/cups-pdf.conf")
INSTALL = "install with: sudo apt-get install cups printer-driver-cups-pdf poppler-utils zbar-tools"
# Set by .ci/run: there a printing test that cannot run is a failure, not a skip.
REQUIRE_CUPS = os.environ.get("KIOSK_REQUIRE_CUPS", "") not in ("", "0")
_ENV = dict(os.environ, LC_ALL="C", LANG="C")


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, env=_ENV, timeout=30, check=False)


def cannot_run(message: str) -> None:
    """Skip with `message`, or fail when KIOSK_REQUIRE_CUPS is set."""
    if REQUIRE_CUPS:
        pytest.fail(f"KIOSK_REQUIRE_CUPS is set and the printing tests cannot run: {message}")
    pytest.skip(message)


def missing_tools() -> list[str]:
    """What the printing tests need and this machine lacks."""
    missing = [tool for tool in ("cupsd", "lpadmin", "lp", "lpstat", "cupsenable", "pdftoppm", "zbarimg")
               if shutil.which(tool) is None and not Path("/usr/sbin", tool).exists()]
    if not BACKEND.exists():
        missing.append("cups-pdf")
    return missing


def _running() -> bool:
    return "scheduler is running" in _run("lpstat", "-r").stdout


def _start_scheduler() -> None:
    if _running():
        return
    if os.geteuid() != 0:
        cannot_run("CUPS is not running and only root can start it here: sudo systemctl start cups")
    cupsd = shutil.which("cupsd") or "/usr/sbin/cupsd"
    started = _run(cupsd)  # forks into the background once it listens
    for _ in range(50):
        if _running():
            return
        time.sleep(0.1)
    cannot_run(f"cupsd did not start: {started.stderr.strip() or started.stdout.strip()}")


def _add_printer(name: str) -> None:
    if _run("lpstat", "-p", name).returncode != 0:
        added = _run("lpadmin", "-p", name, "-E", "-v", "cups-pdf:/", "-m", PPD_OPT)
        if added.returncode != 0:
            cannot_run(f"cannot add the cups-pdf printer {name}: {added.stderr.strip()}")
    _run("cupsenable", name)
    _run("cupsaccept", name)


def output_folders() -> list[Path]:
    """Where cups-pdf writes: its `Out` setting (for this user), and the folder for anonymous jobs."""
    out = "${HOME}/PDF"
    try:
        for line in CONF.read_text(encoding="utf-8", errors="replace").splitlines():
            if re.match(r"^\s*Out\s+", line):
                out = line.split(None, 1)[1].strip()
    except OSError:
        pass
    user = os.environ.get("USER") or Path.home().name
    mine = Path(out.replace("${HOME}", str(Path.home())).replace("${USER}", user))
    return [mine, Path("/var/spool/cups-pdf/ANONYMOUS")]


@dataclass(frozen=True)
class CupsPdf:
    """The running test printers, and a way to the PDF a job wrote."""

    printer: str = TEST_PRINTER
    stopped: str = STOPPED_PRINTER

    def pdf_of(self, job: str, timeout: float = 10.0) -> Path:
        """The PDF cups-pdf wrote for `job` (kiosk-test-pdf-12 → ...-job_12.pdf), waiting for it."""
        number = job.rsplit("-", 1)[-1]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for folder in output_folders():
                found = sorted(folder.glob(f"*-job_{number}.pdf")) if folder.is_dir() else []
                if found and found[0].stat().st_size > 0:
                    return found[0]
            time.sleep(0.1)
        raise AssertionError(f"cups-pdf wrote no PDF for {job} in {output_folders()}")

    def stop(self) -> None:
        """Stop the second printer, as `cupsdisable` does when staff pause it."""
        _run("cupsdisable", "-r", "paper jam", self.stopped)


def qr_codes(pdf: Path, tmp: Path) -> list[str]:
    """The QR codes on the PDF's first page, rendered with pdftoppm and read with zbarimg."""
    image = tmp / f"{pdf.stem}.png"
    _run("pdftoppm", "-q", "-r", "150", "-png", "-singlefile", str(pdf), str(image.with_suffix("")))
    read = _run("zbarimg", "-q", "--raw", str(image))
    return [line for line in read.stdout.splitlines() if line]


_READY: list[CupsPdf] = []


def cups_pdf() -> CupsPdf:
    """CUPS running with the test printers; skip (or fail under KIOSK_REQUIRE_CUPS) when it cannot be."""
    if _READY:
        _run("cupsenable", TEST_PRINTER)
        return _READY[0]
    if missing := missing_tools():
        cannot_run(f"needs {', '.join(missing)}: {INSTALL}")
    _start_scheduler()
    for name in (TEST_PRINTER, STOPPED_PRINTER):
        _add_printer(name)
    _READY.append(CupsPdf())
    return _READY[0]
