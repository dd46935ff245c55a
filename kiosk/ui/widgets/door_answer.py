"""What the door says about one scan: whose it was, what it did, and whether they belong in the room.

Pure words, no widgets: the door screen shows the name, the lines and the light this returns.
Door staff decide at a glance, so what matters for letting someone in is in the answer itself,
not only in the count above it: a person not signed up for a capped session, a waitlist place,
a room over capacity turn the answer amber with a line saying why. Someone scanned in again who
is inside already is told so in amber with the time they went in ("Al binnen sinds 11:32"), and
stays inside. A session's exit is "Zaal verlaten" / "Left the room", never the desk's "checked
out", which reads as leaving the venue.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.domain.outcomes import DoorScanResult
from kiosk.i18n import Text, scan_reason_text
from kiosk.ui.widgets.scan_answer import clock_time

WORDS = {
    "in": Text("Binnen", "In"),
    "out": Text("Zaal verlaten", "Left the room"),
    "already_in": Text("Al binnen sinds {time}", "Already inside since {time}"),
    "moved": Text("Verplaatst vanuit {title}", "Moved from {title}"),
    "arrived": Text("Ook ingecheckt bij de ingang", "Also checked in at the venue"),
    "undo_entry": Text("Ongedaan: binnenkomst van {time}", "Undone: entry of {time}"),
    "undo_exit": Text("Ongedaan: zaal verlaten om {time}", "Undone: left the room at {time}"),
    "signed_up": Text("✔ Aangemeld voor deze sessie", "✔ Signed up for this session"),
    "waitlisted": Text("! OP DE WACHTLIJST (plaats {place}): geen plaats", "! ON THE WAITLIST (place {place}): no seat"),
    "not_signed_up": Text("! NIET AANGEMELD voor deze sessie", "! NOT SIGNED UP for this session"),
    "over": Text("! TE VOL: {inside} binnen, {capacity} plaatsen", "! OVER CAPACITY: {inside} inside, {capacity} seats"),
    "bounce": Text("Zojuist al gescand: {who} (genegeerd)", "Just scanned: {who} (ignored)"),
    # Offline, a code the door's copy does not hold: the server may know it (the desk's words, at a door).
    "not_in_copy": Text("Deze code staat niet in de kopie van deze deur (misschien net elders aangemeld): hij is "
                        "bewaard en wordt gecontroleerd zodra de server terug is.",
                        "This code is not in this door's copy (perhaps just registered at a desk): it is kept and "
                        "will be checked once the server is back."),
    "no_copy": Text("Deze deur heeft nog geen kopie van de deelnemerslijst: de code is bewaard en wordt gecontroleerd "
                    "zodra de server terug is.",
                    "This door has no copy of the attendee list yet: the code is kept and will be checked once the "
                    "server is back."),
}


@dataclass
class DoorAnswer:
    """The answer box's content: a name, one line per fact, and green, amber or red."""

    name: str
    lines: list[str]
    light: str


def describe(result: DoorScanResult, lang: str, title_of: Callable[[str], str]) -> DoorAnswer:
    """Put a door scan's result into words; `title_of` gives a session's title by id."""
    reason = result.reason.value
    light = result.light.value
    if reason == "undo":
        undone = "undo_exit" if result.undone_direction == "exit" else "undo_entry"
        lines = [WORDS[undone](lang, time=clock_time(result.undone_at or result.at))]
    elif result.accepted and reason in ("ok", "reentry"):
        lines = [f"{WORDS['in'](lang)} · {scan_reason_text(reason, result.list_id, lang)}"]
    elif result.accepted and reason == "exit":
        lines = [WORDS["out"](lang)]
    elif reason == "already_in" and result.inside_since:
        lines = [WORDS["already_in"](lang, time=hour_minute(result.inside_since))]
    elif reason in ("not_in_copy", "no_copy"):  # offline, a code the copy does not hold: kept, checked later
        lines = [scan_reason_text(reason, result.list_id, lang), WORDS[reason](lang)]
    else:
        lines = [scan_reason_text(reason, result.list_id, lang)]
    if result.moved_from:
        lines.append(WORDS["moved"](lang, title=title_of(result.moved_from)))
    if result.venue_arrival:
        lines.append(WORDS["arrived"](lang))
    came_in = result.accepted and result.direction == "entry" and reason in ("ok", "reentry")
    # What decides whether they may stay goes first: staff read the first line.
    verdict: list[str] = []
    capped = result.capacity is not None
    if came_in and result.signup_session:
        if result.signup_status == "confirmed":
            lines.append(WORDS["signed_up"](lang))
        elif result.signup_status == "waitlisted":
            verdict.append(WORDS["waitlisted"](lang, place=result.waitlist_place))
        elif capped:  # without a seat limit (the theatre lunch) anyone may come: nothing to warn of
            verdict.append(WORDS["not_signed_up"](lang))
    if came_in and result.over_capacity:
        verdict.append(WORDS["over"](lang, inside=result.inside, capacity=result.capacity))
    if verdict:
        light = "amber"
    name = result.person.name if result.person else result.raw_code
    return DoorAnswer(name, verdict + lines, light)


def hour_minute(stamp: str) -> str:
    """HH:MM of a logged ISO time (the log's own text when it is not one)."""
    try:
        return dt.datetime.fromisoformat(stamp).strftime("%H:%M")
    except ValueError:
        return stamp


def bounce_line(result: DoorScanResult, lang: str) -> str:
    """The quiet line for a badge read twice: the answer above it stays as it was."""
    return WORDS["bounce"](lang, who=result.person.name if result.person else result.raw_code)
