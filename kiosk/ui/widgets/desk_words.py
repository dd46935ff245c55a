"""What the desk says, in Dutch and English: hints, prompts and questions (kiosk/ui/screens/desk.py)."""

from __future__ import annotations

from kiosk.i18n import Text

WORDS = {
    "title": Text("Balie {device}", "Desk {device}"),
    "placeholder": Text("Scan een badge of typ een naam…", "Scan a badge or type a name…"),
    "exit_mode": Text("↦ UITCHECKEN: de volgende scan of keuze checkt uit (F8 = terug naar inchecken)",
                      "↦ CHECK-OUT: the next scan or pick checks out (F8 = back to check-in)"),
    "hits": Text("{count} gevonden · ↑/↓ en Enter = inchecken", "{count} found · ↑/↓ and Enter = check in"),
    "one_hit": Text("1 gevonden · Enter = inchecken", "1 found · Enter = check in"),
    "many_hits": Text("Meer dan {count} gevonden: typ verder", "More than {count} found: keep typing"),
    "choose_more": Text("Meer dan {count} mensen gevonden: typ verder, of kies met ↑/↓ en Enter",
                        "More than {count} people found: keep typing, or pick with ↑/↓ and Enter"),
    "no_hits": Text("Geen naam gevonden · Enter = als code controleren",
                    "No name found · Enter = check as a code"),
    "choose": Text("{count} mensen gevonden: kies met ↑/↓ en Enter", "{count} people found: pick with ↑/↓ and Enter"),
    "bell_on": Text("Geluid aan", "Sound on"),
    "bell_off": Text("Geluid uit", "Sound off"),
    "nothing_recent": Text("Nog geen scans aan deze balie", "No scans at this desk yet"),
    "pick_recent": Text("Kies een scan met ↑/↓ en Enter om die ongedaan te maken · Esc = terug",
                        "Pick a scan with ↑/↓ and Enter to undo it · Esc = back"),
    "cannot_undo": Text("Deze scan kan niet ongedaan worden gemaakt", "This scan cannot be undone"),
    "confirm_undo": Text("Scan ‘{what}’ van {who} om {time} ongedaan maken?",
                         "Undo the scan ‘{what}’ of {who} at {time}?"),
}


def search_hint(count: int, more: bool, asked: bool, lang: str) -> str:
    """The quiet line under a search: how many were found and what Enter does.

    `more`: there are more than `count`; `asked`: Enter found several and the desk asks to pick.
    """
    if more:
        return WORDS["choose_more" if asked else "many_hits"](lang, count=count)
    if count > 1:
        return WORDS["choose" if asked else "hits"](lang, count=count)
    return WORDS["one_hit"](lang) if count else WORDS["no_hits"](lang)
