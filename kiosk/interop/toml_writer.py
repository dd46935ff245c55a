"""Writes a programme as `programme.toml`, in the layout of data/programme.toml.

Written by hand (TOML for this shape is small): `[event]`, `[[rooms]]`, `[[rounds]]`, then one
`[[sessions]]` per item with its `[[sessions.speakers]]`. Only values that differ from the
defaults are written, so the file stays readable; texts with line breaks become multi-line
strings. `tomllib` reads the result back to the same programme (the tests check this).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kiosk.domain.programme import Programme

HEADER = """\
# Programma, gemaakt door `kiosk import schedule` uit {source}.
# Programme written by `kiosk import schedule` from {source}.
# Controleer / check: kiosk programme check {name}
"""


def _escape(text: str, *, multiline: bool) -> str:
    """The body of a TOML basic string: backslash, quote and control characters escaped."""
    out = []
    for char in text:
        code = ord(char)
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n" and multiline:
            out.append("\n")
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def value(item: Any) -> str:
    """One TOML value: string, bool, int, date or a list of these."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, dt.date):
        return item.isoformat()
    if isinstance(item, dt.time):
        return f'"{item:%H:%M}"'
    if isinstance(item, list):
        return "[" + ", ".join(value(v) for v in item) + "]"
    text = str(item)
    if "\n" in text:
        # A newline right after the opening quotes is dropped by TOML readers, so one is added.
        return '"""\n' + _escape(text, multiline=True) + '"""'
    return '"' + _escape(text, multiline=False) + '"'


def _table(lines: list[str], header: str, data: dict[str, Any]) -> None:
    """Append `[header]` (or `[[header]]`, as given) and its key = value lines."""
    lines.append("")
    lines.append(header)
    lines.extend(f"{key} = {value(item)}" for key, item in data.items() if not isinstance(item, list) or
                 not item or not isinstance(item[0], dict))


def to_toml(programme: Programme, *, source: str = "", name: str = "programme.toml") -> str:
    """The programme as TOML text that `kiosk programme check` accepts."""
    lines = [HEADER.format(source=source or programme.event.source or "?", name=name).rstrip("\n")]
    _table(lines, "[event]", programme.event.model_dump(exclude_defaults=True) | {"name": programme.event.name})
    for room in programme.rooms:
        _table(lines, "[[rooms]]", room.model_dump(exclude_defaults=True) | {"id": room.id, "name": room.name})
    for round_ in programme.rounds:
        _table(lines, "[[rounds]]", round_.model_dump(exclude_defaults=True) | {"id": round_.id})
    for session in programme.sessions:
        data = {"id": session.id, "title": session.title, "kind": session.kind.value, "start": session.start}
        data |= session.model_dump(exclude_defaults=True, exclude={"speakers", "kind", "start"})
        _table(lines, "[[sessions]]", data)
        for speaker in session.speakers:
            _table(lines, "[[sessions.speakers]]", {"name": speaker.name} | speaker.model_dump(exclude_defaults=True))
    return "\n".join(lines) + "\n"
