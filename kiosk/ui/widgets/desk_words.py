"""What the desk says, in Dutch and English: hints, prompts and questions (kiosk/ui/screens/desk.py)."""

from __future__ import annotations

from kiosk.domain.outcomes import Light
from kiosk.domain.undo_rules import UNDO_MINUTES, UndoTarget
from kiosk.i18n import Text
from kiosk.ui.widgets.plain import clean
from kiosk.ui.widgets.scan_answer import SYMBOL, Answer

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
    "pick_recent": Text("Kies met ↑/↓ · Enter = ongedaan maken",
                        "Pick with ↑/↓ · Enter = undo"),
    "cannot_undo": Text("Deze scan kan niet ongedaan worden gemaakt", "This scan cannot be undone"),
    # The undo questions (kiosk/ui/screens/desk_undo.py): `scan` is "de check-in van Daan Meijer
    # (Gemeente Venlo, 10:42)", made by `named_scan`.
    "undo_list": Text("{Scan} ongedaan maken?", "Undo the {scan}?"),
    "undo_older": Text("Ook {scan} ongedaan maken?", "Also undo the {scan}?"),
    "undo_stale": Text("De laatste scan hier is ouder dan {minutes} minuten. {Scan} toch ongedaan maken?",
                       "This desk's last scan is over {minutes} minutes old. Undo the {scan} anyway?"),
    "scan_entry": Text("de check-in van {who}", "check-in of {who}"),
    "scan_exit": Text("de check-out van {who}", "check-out of {who}"),
    "who_where_when": Text("{name} ({where}, {time})", "{name} ({where}, {time})"),
    "who_when": Text("{name} ({time})", "{name} ({time})"),
    "not_undone": Text("NIET ONGEDAAN", "NOT UNDONE"),
    "too_old_entry": Text("De check-in van {time} is ouder dan {minutes} minuten: kies in F9 om die ongedaan te maken",
                          "The check-in of {time} is over {minutes} minutes old: pick it in F9 to undo it"),
    "too_old_exit": Text("De check-out van {time} is ouder dan {minutes} minuten: kies in F9 om die ongedaan te maken",
                         "The check-out of {time} is over {minutes} minutes old: pick it in F9 to undo it"),
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


def named_scan(target: UndoTarget, lang: str) -> str:
    """ "de check-in van Daan Meijer (Gemeente Venlo, 10:42)": which scan, whose, where from, when."""
    name, where, time = clean(target.name, 80), clean(target.affiliation, 80), f"{target.at:%H:%M}"
    who = WORDS["who_where_when" if where else "who_when"](lang, name=name, where=where, time=time)
    return WORDS["scan_exit" if target.direction == "exit" else "scan_entry"](lang, who=who)


def undo_question(target: UndoTarget, kind: str, lang: str) -> str:
    """The question before an undo: `kind` is "list" (picked in F9), "older" (before the last scan)
    or "stale" (the last scan, grown old)."""
    scan = named_scan(target, lang)
    return WORDS[f"undo_{kind}"](lang, scan=scan, Scan=scan[:1].upper() + scan[1:], minutes=UNDO_MINUTES)


def undo_refusal(target: UndoTarget, lang: str) -> Answer:
    """The answer area for a Ctrl+Z refused by age: amber, who it was, and that F9 can do it."""
    too_old = "too_old_exit" if target.direction == "exit" else "too_old_entry"
    return Answer(Light.AMBER, f"{SYMBOL[Light.AMBER]}  {WORDS['not_undone'](lang)}", target.name,
                  target.affiliation, [WORDS[too_old](lang, time=f"{target.at:%H:%M:%S}", minutes=UNDO_MINUTES)])
