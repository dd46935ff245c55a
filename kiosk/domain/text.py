"""Text folding for search: case- and diacritics-insensitive, including letters that do not decompose."""

from __future__ import annotations

import re
import unicodedata

# Letters that NFKD does not split into base + accent, so they must be mapped by hand.
_NO_DECOMPOSITION = str.maketrans(
    {
        "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
        "þ": "th", "Þ": "th", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss",
        "ı": "i", "ħ": "h", "Ħ": "h", "ŀ": "l", "Ŀ": "l", "ŧ": "t", "Ŧ": "t", "ĸ": "k",
        "’": "'", "‘": "'",
    }
)


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text`: "Çelik" -> "celik", "Søren" -> "soren"."""
    text = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold().translate(_NO_DECOMPOSITION)


def _is_word_char(ch: str) -> bool:
    """A letter, digit or private-use character: what SQLite's unicode61 tokenizer keeps in a word."""
    category = unicodedata.category(ch)
    return category[0] in "LN" or category == "Co"


def words(text: str) -> list[str]:
    """The folded words of `text`, split as the search index splits them.

    Letters and digits of every script count ("van 't Hof" -> van, t, hof; "Олена" -> олена);
    everything else separates, so a query is cut into the same words as the indexed names.
    """
    found, current = [], []
    for ch in fold(text):
        if _is_word_char(ch):
            current.append(ch)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found


def ascii_words(text: str) -> list[str]:
    """The folded words of `text` in `a-z0-9` only, for ids and file names ("Grote Zaal!" -> grote, zaal).

    Letters that fold to nothing Latin (Cyrillic, Hebrew, ...) are left out: ids must match `^[a-z0-9-]+$`.
    """
    return re.findall(r"[0-9a-z]+", fold(text))
