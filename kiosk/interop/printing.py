"""Print one PDF through CUPS with `lp`, and read back how it went: the kiosk's only printing code.

Before a job is sent, the printer is asked about (`lpstat -r`, `lpstat -p NAME -a NAME`), so a
stopped printer, a misspelt name or a CUPS that is not running are said at once instead of
leaving a job waiting in a queue nobody watches. After `lp` the job is followed until CUPS says it
is over: its state comes over IPP (kiosk.interop.cups_ipp: completed, canceled or aborted), else
from `lpstat -W not-completed` / `-W completed`. A job that is still waiting when its printer
stops, or after JOB_SECONDS, is cancelled (so it cannot come out later, beside the one printed
when it is tried again) and said as stopped or stuck.

Every problem is a PrintFault with a `kind` (Fault); kiosk.interop.print_words says each kind in
one sentence, in Dutch and English. No Textual and no database here: kiosk.interop.badge_print
puts this together with the badge and the print log.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from kiosk.interop import cups_ipp

# How long a job may take from `lp` to CUPS' "completed" before it counts as stuck (a label
# printer takes a second or two; a cold laser printer can take fifteen).
JOB_SECONDS = 30.0
POLL_SECONDS = 0.25
# One call of lp/lpstat/cancel: a CUPS that does not answer in this long counts as not running.
COMMAND_SECONDS = 10.0
_REQUEST_ID = re.compile(r"request id is (\S+)")


class Fault(StrEnum):
    """What went wrong with a print, one kind per sentence (kiosk.interop.print_words)."""

    NO_PRINTER = "no_printer"  # no --printer / KIOSK_PRINTER set
    BAD_SIZE = "bad_size"  # --badge-size / KIOSK_BADGE_SIZE is not a size
    NO_CUPS = "no_cups"  # lp/lpstat are not installed
    CUPS_DOWN = "cups_down"  # the scheduler is not running (or does not answer)
    UNKNOWN_PRINTER = "unknown_printer"  # CUPS has no printer of that name
    STOPPED = "stopped"  # the printer is stopped (cupsdisable, or it stopped itself after an error)
    REJECTING = "rejecting"  # the queue accepts no jobs (cupsreject)
    JOB_FAILED = "job_failed"  # CUPS cancelled or aborted the job, or lp refused it
    JOB_STUCK = "job_stuck"  # the job did not finish within JOB_SECONDS (and was cancelled)


class PrintFault(Exception):
    """A print that did not happen, and why; `job` is CUPS' job id when one was sent."""

    def __init__(self, kind: Fault, printer: str = "", *, job: str = "", detail: str = "") -> None:
        super().__init__(f"{kind.value}: {printer} {job} {detail}".strip())
        self.kind = kind
        self.printer = printer
        self.job = job
        self.detail = detail


Runner = Callable[[list[str], bytes | None], subprocess.CompletedProcess]


def run_command(args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess:
    """Run a CUPS command in the C locale (its words are parsed), with a time limit."""
    env = dict(os.environ, LC_ALL="C", LANG="C")
    return subprocess.run(args, input=stdin, capture_output=True, env=env, timeout=COMMAND_SECONDS, check=False)


@dataclass
class Cups:
    """The CUPS commands, with seams for tests: `run` runs a command, `ipp_job` asks IPP for a job."""

    run: Runner = run_command
    ipp_job: Callable[[int], cups_ipp.IppJob | None] = cups_ipp.job
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    job_seconds: float = JOB_SECONDS
    poll_seconds: float = POLL_SECONDS

    def _call(self, args: list[str], printer: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
        try:
            return self.run(args, stdin)
        except FileNotFoundError as error:
            raise PrintFault(Fault.NO_CUPS, printer, detail=args[0]) from error
        except subprocess.TimeoutExpired as error:
            raise PrintFault(Fault.CUPS_DOWN, printer, detail="no answer") from error

    def running(self, printer: str = "") -> bool:
        """True when the CUPS scheduler answers (`lpstat -r`)."""
        out = self._call(["lpstat", "-r"], printer)
        return "scheduler is running" in out.stdout.decode("utf-8", "replace")

    def check(self, printer: str) -> None:
        """Raise the PrintFault that would stop a badge printing on `printer` now, if any."""
        if not self.running(printer):
            raise PrintFault(Fault.CUPS_DOWN, printer)
        out = self._call(["lpstat", "-p", printer, "-a", printer], printer)
        text = out.stdout.decode("utf-8", "replace")
        lines = text.splitlines()
        status = next((line for line in lines if line.startswith(f"printer {printer} ")), "")
        if out.returncode != 0 or not status:
            raise PrintFault(Fault.UNKNOWN_PRINTER, printer)
        if " disabled since " in status:
            reason = lines[lines.index(status) + 1].strip() if lines.index(status) + 1 < len(lines) else ""
            raise PrintFault(Fault.STOPPED, printer, detail=reason)
        if f"{printer} not accepting requests" in text:
            raise PrintFault(Fault.REJECTING, printer)

    def submit(self, printer: str, pdf: bytes, *, title: str, media: str) -> str:
        """Send the PDF to `printer` (on stdin); CUPS' job id (kiosk-pdf-12)."""
        out = self._call(["lp", "-d", printer, "-t", title, "-o", f"media={media}", "-"], printer, pdf)
        said = out.stdout.decode("utf-8", "replace")
        found = _REQUEST_ID.search(said)
        if out.returncode == 0 and found:
            return found.group(1)
        error = out.stderr.decode("utf-8", "replace").strip()
        if "not accepting jobs" in error:
            raise PrintFault(Fault.REJECTING, printer, detail=error)
        if "does not exist" in error or "Invalid destination" in error:
            # When the scheduler is down, lp says the printer does not exist: tell them apart.
            raise PrintFault(Fault.UNKNOWN_PRINTER if self.running(printer) else Fault.CUPS_DOWN, printer)
        raise PrintFault(Fault.JOB_FAILED, printer, detail=error or said.strip())

    def state(self, job: str, printer: str) -> str:
        """Where `job` is: pending, held, processing, stopped (waiting), completed, canceled or aborted."""
        number = job.rsplit("-", 1)[-1]
        asked = self.ipp_job(int(number)) if number.isdigit() else None
        if asked is not None:
            return asked.state
        # Without IPP: lpstat tells waiting from over, not how it ended (see kiosk.interop.cups_ipp).
        for which, state in (("not-completed", "pending"), ("completed", "completed")):
            out = self._call(["lpstat", "-W", which, "-o", printer], printer)
            if any(line.split()[:1] == [job] for line in out.stdout.decode("utf-8", "replace").splitlines()):
                return state
        return "completed"  # purged from the history: it ended long ago

    def cancel(self, job: str, printer: str) -> None:
        """Cancel `job` (quietly: it may have ended meanwhile)."""
        self._call(["cancel", job], printer)

    def wait(self, job: str, printer: str) -> None:
        """Return when `job` has printed; raise PrintFault when it failed, its printer stopped, or it is stuck."""
        deadline = self.clock() + self.job_seconds
        while True:
            state = self.state(job, printer)
            if state == "completed":
                return
            if state in ("canceled", "aborted"):
                raise PrintFault(Fault.JOB_FAILED, printer, job=job, detail=state)
            if state in ("pending", "held", "stopped"):
                try:
                    self.check(printer)
                except PrintFault as fault:
                    self.cancel(job, printer)
                    fault.job = job
                    raise
            if self.clock() >= deadline:
                self.cancel(job, printer)
                raise PrintFault(Fault.JOB_STUCK, printer, job=job, detail=f"{self.job_seconds:g}")
            self.sleep(self.poll_seconds)

    def print_pdf(self, printer: str, pdf: bytes, *, title: str, media: str) -> str:
        """Check the printer, send the PDF, wait until it printed; CUPS' job id. PrintFault otherwise."""
        if not printer:
            raise PrintFault(Fault.NO_PRINTER)
        self.check(printer)
        job = self.submit(printer, pdf, title=title, media=media)
        self.wait(job, printer)
        return job
