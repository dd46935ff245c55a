"""How a screen words an error: a database fault as one sentence per kind, anything else as "internal error".

The store's `explain` names the fault (`StoreError.kind`) and gives the English sentence the CLI
prints; the screens show the sentence for that kind in Dutch or English. Any other exception is a
bug, and its text is never shown: it can carry an attendee's name or code, and some screens face
the public (issue 10). This is the one rule every write uses (kiosk/ui/writes.py). No Textual
here, so the words can be tested (and reused by any screen) without a terminal.
"""

from __future__ import annotations

from kiosk.i18n import Text
from kiosk.store.db import MESSAGES, StoreFault, explain

__all__ = ["BUG", "FAULTS", "StoreFault", "fault_message"]

# What a bug (any exception that is not a store fault) is shown as: never its own text.
BUG = Text("interne fout", "internal error")

FAULTS: dict[str, Text] = {
    "busy": Text("De database is bezet (een andere balie houdt haar te lang vast); er is niets opgeslagen. "
                 "Probeer het opnieuw.", MESSAGES["busy"]),
    "readonly": Text("Het databasebestand is alleen-lezen; er is niets opgeslagen. "
                     "Vraag de organisatie de rechten te herstellen.", MESSAGES["readonly"]),
    "full": Text("De schijf is vol; er is niets opgeslagen. Vraag de organisatie ruimte vrij te maken.",
                 MESSAGES["full"]),
    "missing": Text("Het databasebestand is niet te openen (map weg of USB-stick los?); er is niets opgeslagen. "
                    "Vraag de organisatie.", MESSAGES["missing"]),
    "damaged": Text("Het databasebestand is beschadigd; er is niets opgeslagen. "
                    "Vraag de organisatie een kopie terug te zetten.", MESSAGES["damaged"]),
    "io": Text("De schijf kon niet gelezen of beschreven worden; er is niets opgeslagen. "
               "Vraag de organisatie de schijf of USB-stick te controleren.", MESSAGES["io"]),
    "unreachable": Text("De databaseserver is niet bereikbaar (gestopt, of het netwerk is weg); er is niets opgeslagen. "
                        "Probeer het zo opnieuw: de kiosk maakt zelf weer verbinding.", MESSAGES["unreachable"]),
    "login": Text("De databaseserver weigerde de aanmelding (verkeerde gebruiker of wachtwoord); er is niets opgeslagen. "
                  "Vraag de organisatie.", MESSAGES["login"]),
    "no_database": Text("De databaseserver heeft deze database niet; er is niets opgeslagen. Vraag de organisatie.",
                        MESSAGES["no_database"]),
    "lost": Text("De verbinding met de databaseserver viel weg tijdens het opslaan; het is mogelijk niet opgeslagen. "
                 "Scan opnieuw: niemand wordt dubbel geteld.", MESSAGES["lost"]),
    "denied": Text("De aanmelding van dit apparaat bij de database mag dit niet lezen of wijzigen (geen toegang); "
                   "er is niets opgeslagen. Vraag de organisatie.", MESSAGES["denied"]),
    "other": Text("De database weigerde de wijziging; er is niets opgeslagen.", MESSAGES["other"]),
}


def fault_message(error: BaseException, lang: str) -> str:
    """The sentence for a StoreError or sqlite3 error, in `lang` (nl or en); any other error only as BUG."""
    if not isinstance(error, StoreFault):
        return BUG(lang)
    kind = explain(error).kind
    return FAULTS.get(kind, FAULTS["other"])(lang)
