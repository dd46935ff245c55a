"""The self-service kiosk's look and keys: the high-contrast theme and bilingual Footer bindings."""

from __future__ import annotations

from textual.binding import Binding
from textual.theme import Theme

CONTRAST_THEME = Theme(
    name="kiosk-contrast", primary="#ffff00", secondary="#00ffff", accent="#ffff00", warning="#ffaf00",
    error="#ff6060", success="#00ff00", foreground="#ffffff", background="#000000", surface="#000000",
    panel="#1a1a1a", dark=True,
)


def bilingual(key: str, action: str, nl: str, en: str, **options) -> list[Binding]:
    """The key twice, described in Dutch and in English; check_action shows the visitor's language.

    The language rides along as the action's last parameter, so the Footer (short on space at
    80 columns) says each thing once.
    """
    def with_lang(lang: str) -> str:
        return f"{action[:-1]}, '{lang}')" if action.endswith(")") else f"{action}('{lang}')"

    return [Binding(key, with_lang("nl"), nl, **options), Binding(key, with_lang("en"), en, **options)]


def in_language(parameters: tuple[object, ...], lang: str) -> bool:
    """False for the other language's twin of a `bilingual` binding (its last parameter says which)."""
    return not (parameters and parameters[-1] in ("nl", "en") and parameters[-1] != lang)
