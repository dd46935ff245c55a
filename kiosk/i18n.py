"""The interface's own words in Dutch and English; the programme's text stays as written.

Each screen declares its words beside its code as `Text(nl=..., en=...)` and shows them with
`text(lang, **values)`. Values are inserted with `str.format`, never parsed as markup.
"""

from __future__ import annotations

from typing import Literal, NamedTuple, cast

# The interface's languages; Dutch first, the event's own language and the default.
Lang = Literal["nl", "en"]
LANGUAGES: tuple[Lang, ...] = ("nl", "en")


def as_lang(value: str | None) -> Lang:
    """A language from a setting (`EN`, `en_GB`, `nl`); Dutch for anything else."""
    code = (value or "").strip().lower()[:2]
    return cast(Lang, code) if code in LANGUAGES else "nl"


class Text(NamedTuple):
    """One phrase in both languages."""

    nl: str
    en: str

    def __call__(self, lang: Lang | str, **values: object) -> str:
        """The phrase in `lang` with `{name}` fields filled in."""
        phrase = self.en if lang == "en" else self.nl
        return phrase.format(**values) if values else phrase


# Words the store's reasons are shown with, on every screen and in the CLI.
REASONS: dict[str, Text] = {
    "ok": Text("Welkom", "Welcome"),
    "reentry": Text("Welkom terug", "Welcome back"),
    "exit": Text("Uitgecheckt", "Checked out"),
    "already_in": Text("Al binnen", "Already checked in"),
    "bounce": Text("Zojuist gescand", "Just scanned"),
    "unknown_code": Text("Onbekende code", "Unknown code"),
    "cancelled": Text("Registratie geannuleerd", "Registration cancelled"),
    "not_inside": Text("Was niet binnen", "Was not inside"),
    "undo": Text("Ongedaan gemaakt", "Undone"),
    "nothing_to_undo": Text("Niets om ongedaan te maken", "Nothing to undo"),
    "moved": Text("Verplaatst", "Moved"),
    "offline_duplicate": Text("Dubbel: offline binnengelaten, elders ook al", "Double entry: let in offline, also elsewhere"),
    # Offline, a code the desk's copy does not hold (kiosk.domain.scan_rules.offline_unjudged).
    "not_in_copy": Text("Bewaard, nog niet gecontroleerd", "Kept, not checked yet"),
    "no_copy": Text("Bewaard, nog niet gecontroleerd", "Kept, not checked yet"),
    "full": Text("Vol", "Full"),
    "closed": Text("Inschrijving gesloten", "Choosing has closed"),
    "overlap": Text("Overlapt met een andere keuze", "Clashes with another choice"),
    "unknown_session": Text("Onbekende sessie", "Unknown session"),
    "no_signup": Text("Hiervoor hoeft u niet te kiezen", "This item needs no sign-up"),
    "not_signed_up": Text("Niet ingeschreven", "Not signed up"),
    "already_confirmed": Text("Al ingeschreven", "Already signed up"),
}


def reason_text(reason: str, lang: str) -> str:
    """The words for a store reason code, falling back to the code itself."""
    text = REASONS.get(reason)
    return text(lang) if text else reason


# On a session's list (a room's door) these reasons are about the room, not the venue: leaving a
# session is not checking out of the day, which the desk's "Uitgecheckt" would suggest.
ROOM_REASONS: dict[str, Text] = {
    "exit": Text("Zaal verlaten", "Left the room"),
    "already_in": Text("Al in de zaal", "Already inside"),
    "not_inside": Text("Was niet in de zaal", "Was not in the room"),
    "moved": Text("Naar een andere zaal", "Moved to another room"),
}


def scan_reason_text(reason: str, list_: str, lang: str) -> str:
    """The words for a logged scan's reason on its list (`venue` or a session id).

    A session's exit reads "Zaal verlaten" / "Left the room"; the venue keeps the desk's words.
    """
    if list_ != "venue" and reason in ROOM_REASONS:
        return ROOM_REASONS[reason](lang)
    return reason_text(reason, lang)
