"""A database fault said in the desk worker's language: one sentence per kind of fault.

The store's `explain` names the fault (`StoreError.kind`) and gives the English sentence the CLI
prints; the screens show the sentence for that kind in Dutch or English. No Textual here, so the
words can be tested (and reused by any screen) without a terminal.
"""

from __future__ import annotations

from kiosk.i18n import Text
from kiosk.store.db import MESSAGES, StoreFault, explain

__all__ = ["FAULTS", "StoreFault", "fault_message"]

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
    "other": Text("De database weigerde de wijziging; er is niets opgeslagen.", MESSAGES["other"]),
}


def fault_message(error: BaseException, lang: str) -> str:
    """The sentence for a StoreError or sqlite3 error, in `lang` (nl or en); other errors as they are."""
    if not isinstance(error, StoreFault):
        return f"{type(error).__name__}: {error}"
    kind = explain(error).kind
    return FAULTS.get(kind, FAULTS["other"])(lang)
