"""Printer faults in words: one sentence per kind, in Dutch and English, saying what to do.

`staff_sentence` is for the desk and the command line (it names the printer and the command that
helps); `attendee_sentence` is for the self-service kiosk, whose reader can only ask someone, so
it says what is wrong in plain words and sends them to the desk. Neither names a person.
"""

from __future__ import annotations

from kiosk.i18n import Text
from kiosk.interop.printing import Fault, PrintFault

STAFF: dict[Fault, Text] = {
    Fault.NO_PRINTER: Text(
        "Geen printer ingesteld: start met --printer NAAM (of zet KIOSK_PRINTER); `lpstat -p` toont de printers.",
        "No printer set: start with --printer NAME (or set KIOSK_PRINTER); `lpstat -p` lists the printers."),
    Fault.BAD_SIZE: Text(
        "Badgeformaat {detail} bestaat niet: kies --badge-size a4, 62mm of 4x3in (of KIOSK_BADGE_SIZE).",
        "There is no badge size {detail}: choose --badge-size a4, 62mm or 4x3in (or KIOSK_BADGE_SIZE)."),
    Fault.NO_CUPS: Text(
        "Het printsysteem ontbreekt ({detail} niet gevonden): installeer CUPS (sudo apt install cups) "
        "en probeer opnieuw.",
        "The printing system is missing (no {detail}): install CUPS (sudo apt install cups) and try again."),
    Fault.CUPS_DOWN: Text(
        "CUPS draait niet: start het (sudo systemctl start cups) en probeer opnieuw.",
        "CUPS is not running: start it (sudo systemctl start cups) and try again."),
    Fault.UNKNOWN_PRINTER: Text(
        "CUPS kent geen printer {printer}: kies voor --printer een naam uit `lpstat -p`.",
        "CUPS has no printer {printer}: pick a name from `lpstat -p` for --printer."),
    Fault.STOPPED: Text(
        "Printer {printer} staat stil{why}: verhelp de oorzaak (papier, kabel), zet hem aan met "
        "`cupsenable {printer}` en probeer opnieuw.",
        "Printer {printer} is stopped{why}: fix the cause (paper, cable), start it with "
        "`cupsenable {printer}` and try again."),
    Fault.REJECTING: Text(
        "Printer {printer} neemt geen opdrachten aan: zet dat aan met `cupsaccept {printer}` en probeer opnieuw.",
        "Printer {printer} accepts no jobs: allow them with `cupsaccept {printer}` and try again."),
    Fault.JOB_FAILED: Text(
        "Printopdracht {job} op {printer} is mislukt{why}: kijk bij de printer en probeer opnieuw.",
        "Print job {job} on {printer} failed{why}: check the printer and try again."),
    Fault.JOB_STUCK: Text(
        "Printopdracht {job} kwam niet binnen {detail} s uit {printer} en is geannuleerd: "
        "kijk bij de printer (papier, stroom) en probeer opnieuw.",
        "Print job {job} did not come out of {printer} within {detail} s and was cancelled: "
        "check the printer (paper, power) and try again."),
}

WHAT: dict[Fault, Text] = {
    Fault.NO_PRINTER: Text("hier is geen printer ingesteld", "no printer is set up here"),
    Fault.BAD_SIZE: Text("de printer is verkeerd ingesteld", "the printer is set up wrongly"),
    Fault.NO_CUPS: Text("het printsysteem ontbreekt", "the printing system is missing"),
    Fault.CUPS_DOWN: Text("het printsysteem staat uit", "the printing system is off"),
    Fault.UNKNOWN_PRINTER: Text("de printer is niet gevonden", "the printer was not found"),
    Fault.STOPPED: Text("de printer staat stil", "the printer is stopped"),
    Fault.REJECTING: Text("de printer neemt niets aan", "the printer takes no jobs"),
    Fault.JOB_FAILED: Text("het printen is mislukt", "printing failed"),
    Fault.JOB_STUCK: Text("de printer reageert niet", "the printer does not respond"),
}
ATTENDEE = Text("Uw badge kan nu niet geprint worden ({what}): vraag het personeel bij de balie.",
                "Your badge cannot be printed right now ({what}): please ask the staff at the desk.")
# CUPS' own words for a printer paused by hand: no news to repeat in brackets.
_PLAIN_REASONS = {"", "paused", "none", "canceled", "aborted"}


def staff_sentence(fault: PrintFault, lang: str) -> str:
    """The fault in one sentence for staff, in `lang`, with what to do."""
    reason = " ".join(fault.detail.split())[:120]
    why = f" ({reason})" if reason.lower() not in _PLAIN_REASONS else ""
    return STAFF[fault.kind](lang, printer=fault.printer or "?", job=fault.job or "?", why=why,
                             detail=reason or "?")


def attendee_sentence(fault: PrintFault, lang: str) -> str:
    """The fault in one sentence for an attendee at the kiosk, in `lang`: what is wrong, and to ask at the desk."""
    return ATTENDEE(lang, what=WHAT[fault.kind](lang))
