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
_WORD = re.compile(r"[0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, accent-free form of `text`: "Çelik" -> "celik", "Søren" -> "soren"."""
    text = unicodedata.normalize("NFKD", text.translate(_NO_DECOMPOSITION))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.casefold().translate(_NO_DECOMPOSITION)


def words(text: str) -> list[str]:
    """The folded words of `text`: letters and digits only ("van 't Hof" -> van, t, hof)."""
    return _WORD.findall(fold(text))
