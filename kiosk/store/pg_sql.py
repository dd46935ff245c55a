"""The store's SQL in PostgreSQL's spelling: placeholders, a few idioms, and text it can hold.

The store writes its statements once, in the SQL both databases speak, with SQLite's `?`
placeholders (kiosk.store.db); kiosk.store.pg runs each through `translate` (cached by text) and
its text parameters through `no_nul`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=4096)
def translate(sql: str, with_params: bool) -> tuple[str, tuple[int, ...] | None]:
    """The store's SQL in PostgreSQL's spelling, and how to order the parameters for it.

    `?` becomes `%s`; a numbered `?N` (SQLite's way to use one value twice) becomes `%s` too, and
    the second item lists which parameter each `%s` takes (None: as given). Cached by statement
    text: the store's statements are a few hundred constant strings.
    """
    out = _rewrite_idioms(sql)
    order: list[int] = []
    numbered = False

    def placeholder(match: re.Match[str]) -> str:
        nonlocal numbered
        if match.group(1):
            numbered = True
            order.append(int(match.group(1)) - 1)
        else:
            order.append(len(order))
        return "%s"

    parts = re.split(r"('(?:[^']|'')*')", out)  # string literals at the odd positions keep their ? and %
    for index, part in enumerate(parts):
        if with_params:
            part = part.replace("%", "%%")
            if index % 2 == 0:
                part = re.sub(r"\?(\d*)", placeholder, part)
        parts[index] = part
    return "".join(parts), tuple(order) if numbered else None


@lru_cache(maxsize=4096)
def numbered(sql: str) -> str:
    """`translate`'s text with libpq's own `$1, $2 ...` placeholders (kiosk.store.pg_pipeline sends it).

    Each `%s` becomes the next `$n` and a doubled `%` one again, read left to right, so a `%s`
    that was text in a string literal (doubled by `translate`) stays text.
    """
    count = 0

    def placeholder(match: re.Match[str]) -> str:
        nonlocal count
        if match.group(0) == "%%":
            return "%"
        count += 1
        return f"${count}"

    return re.sub(r"%%|%s", placeholder, sql)


def _rewrite_idioms(sql: str) -> str:
    # Case-insensitive code look-up and name order: SQLite's NOCASE folds ASCII letters.
    sql = re.sub(r"([\w.]+) = \? COLLATE NOCASE", r"upper(\1) = upper(?)", sql)
    sql = re.sub(r"([\w.]+) COLLATE NOCASE", r"lower(\1)", sql)
    sql = re.sub(r"\binstr\(", "strpos(", sql)
    sql = re.sub(r"\bgroup_concat\(", "string_agg(", sql)
    return sql


def no_nul(value: Any) -> Any:
    """A text value PostgreSQL can take: a NUL (which its text type cannot hold) as U+FFFD, the replacement character.

    psycopg refuses to send a NUL at all, which would fail a whole check-in over one hostile byte;
    the store keeps NULs out of what it writes (kiosk/store/scans.py), so this only turns a look-up
    of such text into one that finds nobody, as it finds nobody on SQLite.
    """
    return value.replace("\x00", "\ufffd") if isinstance(value, str) and "\x00" in value else value
