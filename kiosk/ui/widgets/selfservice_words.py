"""The self-service kiosk's own words, in Dutch and English (shared by its screen and widgets)."""

from __future__ import annotations

from kiosk.domain.link_rules import connection_fault
from kiosk.i18n import Text
from kiosk.store.db import StoreFault, explain
from kiosk.ui.fault import fault_message

TITLE = Text("Zelfservice", "Self-service")
WELCOME = Text("Welkom", "Welcome")
SCAN_PROMPT = Text("Scan uw badge of typ uw code", "Scan your badge or type your code")
CODE_PLACEHOLDER = Text("uw code, dan Enter", "your code, then Enter")
UNKNOWN_CODE = Text(
    "Deze code kennen we niet. Probeer het opnieuw, of vraag het aan de balie.",
    "We do not know this code. Please try again, or ask at the desk.",
)
CANCELLED = Text(
    "Uw registratie is geannuleerd. Wilt u toch deelnemen? Meld u bij de balie.",
    "Your registration was cancelled. Still want to join? Please go to the desk.",
)
LANG_BUTTON = Text("English", "Nederlands")
CONTRAST_BUTTON = Text("Hoog contrast", "High contrast")
HELLO = Text("Welkom, {name}", "Welcome, {name}")
ROUND_OF = Text("Stap {n} van {total}", "Step {n} of {total}")
SEATS_FREE = Text("vrij", "open")
SEATS_LEFT = Text("{n} plaatsen vrij", "{n} seats left")
SEAT_LEFT = Text("1 plaats vrij", "1 seat left")
FULL_WAITLIST = Text("Vol: wachtlijst ({n} wachtend)", "Full: join the waitlist ({n} waiting)")
MY_CHOICE = Text("✓ Uw keuze", "✓ Your choice")
MY_WAITLIST = Text("Wachtlijst: plaats {n}", "Waitlist: place {n}")
CLOSED = Text("gesloten", "closed")
ROUND_CLOSED = Text(
    "Gesloten: deze sessies zijn al begonnen, kiezen kan niet meer.",
    "Closed: these sessions have started, choosing is no longer possible.",
)
OVERLAPS = Text("Overlapt met {title}", "Overlaps with {title}")
RUNS_THROUGH = Text("loopt door tot {end} (door de koffiepauze heen)", "runs until {end} (through the coffee break)")
CONFIRMED = Text("Ingeschreven: {title}", "Signed up: {title}")
MOVED = Text("Ingeschreven: {title} (in plaats van {old})", "Signed up: {title} (instead of {old})")
LEFT_WAITLIST = Text("U staat niet meer op de wachtlijst van {titles}: dat overlapt.",
                     "You are off the waitlist of {titles}: it overlaps.")
WAITLISTED = Text(
    "{title} is vol. U staat op de wachtlijst, plaats {n}. Kies gerust ook een andere als reserve.",
    "{title} is full. You are on the waitlist, place {n}. You may pick another one as a fallback.",
)
ALREADY = Text("Dit is al uw keuze. Kies het nogmaals om u af te melden.",
               "This is already your choice. Choose it again to give up your place.")
GAVE_UP = Text("Afgemeld voor {title}.", "You gave up {title}.")
ALREADY_WAITING = Text("U staat al op de wachtlijst (plaats {n}). Kies het nogmaals om de wachtlijst te verlaten.",
                       "You are on the waitlist already (place {n}). Choose it again to leave the waitlist.")
REFUSED_OVERLAP = Text(
    "Niet ingeschreven: {title} overlapt met {other} ({time}). Kies eerst iets anders in die ronde.",
    "Not signed up: {title} overlaps with {other} ({time}). Change that choice first.",
)
REFUSED_CLOSED = Text("Niet ingeschreven: {title} is gesloten.", "Not signed up: {title} is closed.")
REFUSED = Text("Niet ingeschreven: {reason}", "Not signed up: {reason}")
FAILED = Text(
    "Niet opgeslagen, probeer het nog eens. ({error})", "Not saved, please try again. ({error})"
)
# The server (or the network to it) is gone: seats are counted there, so no choice is taken or promised.
PAUSED = Text(
    "Kiezen is even gepauzeerd. Probeer het zo opnieuw, of vraag het bij de balie.",
    "Choosing is paused for a moment. Please try again, or ask at the desk.",
)

# The public login's badge look-ups are paused (kiosk.store.code_guard): someone is guessing codes
# somewhere; the person in front of this kiosk did nothing wrong and only has to wait a minute.
ONE_MOMENT = Text(
    "Even geduld: badges lezen kan zo weer. Probeer het over een minuut opnieuw, of vraag het aan de balie.",
    "One moment, please: reading badges will work again shortly. Please try again in a minute, or ask at the desk.",
)


def not_saved(error: BaseException, lang: str) -> str:
    """A failed sign-up in words: "choosing is paused" when the server cannot be reached, else FAILED."""
    return PAUSED(lang) if _server_gone(error) else FAILED(lang, error=fault_message(error, lang))


def not_opened(error: BaseException, lang: str) -> str:
    """A badge that could not be looked up: "choosing is paused" when the server cannot be reached, else the fault."""
    return PAUSED(lang) if _server_gone(error) else fault_message(error, lang)


def _server_gone(error: BaseException) -> bool:
    return isinstance(error, StoreFault) and connection_fault(explain(error).kind)
PROMOTED = Text(
    "Goed nieuws: er kwam een plaats vrij. U bent ingeschreven voor {title}.",
    "Good news: a seat came free. You are signed up for {title}.",
)
PROMOTED_INSTEAD = Text(
    "Goed nieuws: er kwam een plaats vrij. U bent ingeschreven voor {title}, in plaats van {old}.",
    "Good news: a seat came free. You are signed up for {title}, instead of {old}.",
)
BACK = Text("◀ Vorige", "◀ Back")
NEXT = Text("Volgende ▶", "Next ▶")
DONE = Text("Klaar", "Done")
AGENDA_TITLE = Text("Uw dag, {name}", "Your day, {name}")
NO_CHOICE = Text("geen keuze", "no choice")
ON_WAITLIST = Text("wachtlijst, plaats {n}", "waitlist, place {n}")
CONFIRM = Text("Bevestigen en afsluiten", "Confirm and finish")
CHANGE = Text("Wijzigen", "Change")
QR = Text("QR voor uw agenda", "QR for your calendar")
IDLE = Text("Geen invoer: over {n} s terug naar het begin", "No input: back to the start in {n} s")
