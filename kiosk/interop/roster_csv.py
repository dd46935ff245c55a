"""Reads an attendee roster CSV as registration systems and Excel write it, all or nothing.

Accepted: comma, semicolon or tab as delimiter (found from the header line, or Excel's `sep=;`
first line), UTF-8 with or without BOM (Windows-1252 when the file is not UTF-8, as Excel's plain
"CSV" saves it; UTF-16 with BOM), CRLF or LF, quoted fields with the delimiter or a line break
inside, headers in Dutch or English in any case and spacing, and names given whole or in parts
(voornaam, tussenvoegsel, achternaam). Columns it does not know are ignored.

Either every row is good and `read_roster` returns them, or it raises RosterFileError listing every
problem as `FILE: line N: message`. A cell carrying control characters, markup or a spreadsheet
formula is refused with a sentence saying so; the file is never half-read.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.domain.codes import normalise_code
from kiosk.domain.roster import RosterRow
from kiosk.domain.text import fold

# Folded header (lower case, no accents, no spaces or punctuation) -> field.
HEADERS = {
    "name": ["naam", "name", "volledigenaam", "fullname", "deelnemer", "deelnemersnaam", "attendee"],
    "first": ["voornaam", "firstname", "givenname", "roepnaam", "voornamen"],
    "middle": ["tussenvoegsel", "tussenvoegsels", "voorvoegsel", "infix", "prefix"],
    "last": ["achternaam", "lastname", "surname", "familyname", "familienaam"],
    "organisation": ["organisatie", "organisation", "organization", "org", "bedrijf", "company", "instelling",
                     "werkgever", "employer", "organisatienaam"],
    "city": ["gemeente", "city", "stad", "plaats", "woonplaats", "municipality", "town"],
    "email": ["email", "emailadres", "emailaddress", "mail", "mailadres"],
    "code": ["code", "ticket", "ticketcode", "ticketnummer", "ticketnumber", "ticketid", "barcode",
             "checkincode", "registratiecode", "registrationcode"],
    "status": ["status"],
}
HEADER_FIELD = {alias: key for key, aliases in HEADERS.items() for alias in aliases}
# The field names a message uses (English, like the rest of the command line's messages).
LABEL = {"name": "name", "first": "first name", "middle": "tussenvoegsel", "last": "last name",
         "organisation": "organisation", "city": "city", "email": "e-mail", "code": "code", "status": "status"}
MAX_LENGTH = {"name": 200, "first": 100, "middle": 30, "last": 150, "organisation": 200, "city": 100,
              "email": 254, "code": 40, "status": 20}
STATUSES = {
    "": "registered", "registered": "registered", "geregistreerd": "registered", "aangemeld": "registered",
    "ingeschreven": "registered", "confirmed": "registered", "bevestigd": "registered",
    "cancelled": "cancelled", "canceled": "cancelled", "geannuleerd": "cancelled", "afgemeld": "cancelled",
    "uitgeschreven": "cancelled",
}
CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9._/-]*")
EMAIL_PATTERN = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# Markup a terminal or web page would act on: HTML tags and Rich/Textual console markup.
MARKUP_PATTERN = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|\[\s*(@|/|link\s*=|(b|i|u|bold|italic|reverse|blink)\s*\])")
# Characters that reorder text on screen (right-to-left overrides), used to disguise a name.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
FORMULA_START = ("=", "+", "@")


class RosterFileError(Exception):
    """A roster that cannot be imported; `problems` holds one `FILE: line N: message` line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class RosterLine:
    """One good row of the file: the attendee it gives, and the line it starts on."""

    line: int
    row: RosterRow


@dataclass
class Roster:
    """A fully checked roster, with what was learned about the file on the way."""

    lines: list[RosterLine]
    delimiter: str
    encoding: str
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def rows(self) -> list[RosterRow]:
        """The attendees, in file order."""
        return [item.row for item in self.lines]


def read_roster(path: str | Path) -> Roster:
    """Read and check a roster file; raise RosterFileError listing every problem."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RosterFileError([f"{path.name}: cannot be read ({error.strerror or error})"]) from error
    return parse_roster(data, path.name)


def parse_roster(data: bytes | str, filename: str = "attendees.csv") -> Roster:
    """Check a roster given as bytes (or text); raise RosterFileError listing every problem."""
    text, encoding = _decode(data, filename) if isinstance(data, bytes) else (data.lstrip("\ufeff"), "text")
    text, delimiter = _delimiter(text)
    if not text.strip():
        raise RosterFileError([f"{filename}: the file is empty"])
    problems: list[str] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    lines: list[RosterLine] = []
    columns: dict[str, int] | None = None
    ignored: list[str] = []
    codes: dict[str, int] = {}
    people: dict[tuple[str, str, str], int] = {}
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            hint = " (is a quote left open?)" if "field limit" in str(error) else ""
            problems.append(f"{filename}: line {start}: cannot be read as CSV: {error}{hint}")
            break
        previous_end = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # blank lines and Excel's rows of bare delimiters
        if columns is None:
            columns, ignored, header_problems = _header(cells)
            problems += [f"{filename}: line {start}: {p}" for p in header_problems]
            if header_problems:
                break
            continue
        row, row_problems = _row(cells, columns)
        # A repeated code is reported even on a row that has other problems too.
        code = normalise_code(cells[columns["code"]]) if columns.get("code", len(cells)) < len(cells) else ""
        if not CODE_PATTERN.fullmatch(code) or len(code) > MAX_LENGTH["code"]:
            code = ""  # empty, or refused by _row already
        if code and code in codes:
            row_problems.append(f"code {code} is used on line {codes[code]} too")
        elif code:
            codes[code] = start
        if row is not None and not row_problems and not row.code:
            key = (fold(row.name), fold(row.organisation), row.email.casefold())
            if key in people:
                row_problems.append(f"the same person as line {people[key]} (same name, organisation "
                                    "and e-mail, and no code to tell them apart)")
            people.setdefault(key, start)
        problems += [f"{filename}: line {start}: {p}" for p in row_problems]
        if row is not None and not row_problems:
            lines.append(RosterLine(start, row))
    if columns is None and not problems:
        problems.append(f"{filename}: the file has no header line")
    elif not lines and not problems:
        problems.append(f"{filename}: there are no attendees below the header")
    if problems:
        raise RosterFileError(problems)
    return Roster(lines, delimiter, encoding, ignored)


def _decode(data: bytes, filename: str) -> tuple[str, str]:
    """The file's text and the encoding it was read with; a binary file is refused."""
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterFileError([f"{filename}: this is a spreadsheet, not CSV; save it as CSV (UTF-8) first"])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise RosterFileError([f"{filename}: not readable as UTF-16 text ({error.reason})"]) from error
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Excel's plain "CSV" on Dutch Windows writes Windows-1252, not UTF-8.
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise RosterFileError([f"{filename}: not a text file in UTF-8 or Windows-1252 ({error.reason} "
                               f"at byte {error.start})"]) from error


def _delimiter(text: str) -> tuple[str, str]:
    """The delimiter, from Excel's `sep=X` line or the header; returns the text without a `sep=` line."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        return rest, first.strip()[4]
    header = next((line for line in text.splitlines() if line.strip()), "")
    # Count outside quotes only: a quoted header like "Naam, volledig" must not pick the comma.
    bare = re.sub(r'"[^"]*"', "", header)
    counts = {d: bare.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ";"))
    return text, best if counts[best] else ","


def _header(cells: list[str]) -> tuple[dict[str, int], list[str], list[str]]:
    """Map the header's columns to fields; returns (columns, ignored headers, problems)."""
    columns: dict[str, int] = {}
    ignored, problems = [], []
    for index, cell in enumerate(cells):
        key = re.sub(r"[^0-9a-z]", "", fold(cell))
        field_name = HEADER_FIELD.get(key)
        if field_name is None:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        if field_name in columns:
            problems.append(f"the columns {cells[columns[field_name]].strip()!r} and {cell.strip()!r} "
                            f"both give the {LABEL[field_name]}; keep one")
            continue
        columns[field_name] = index
    if "name" not in columns and "first" not in columns and "last" not in columns:
        found = ", ".join(repr(c.strip()) for c in cells if c.strip())[:200]
        problems.append(f"no name column: expected naam/name, or voornaam and achternaam (found {found})")
    return columns, ignored, problems


def _row(cells: list[str], columns: dict[str, int]) -> tuple[RosterRow | None, list[str]]:
    """One data row as an attendee, or the problems that stop it."""
    problems: list[str] = []
    values: dict[str, str] = {}
    for field_name, index in columns.items():
        raw = cells[index] if index < len(cells) else ""
        value, problem = clean_cell(raw, LABEL[field_name], MAX_LENGTH[field_name])
        if problem:
            problems.append(problem)
        values[field_name] = value
    if problems:
        return None, problems
    name = values.get("name", "") or " ".join(
        part for part in (values.get("first", ""), values.get("middle", ""), values.get("last", "")) if part
    )
    if not name:
        problems.append("name is empty")
    elif len(name) > MAX_LENGTH["name"]:
        problems.append(f"name is {len(name)} characters long (at most {MAX_LENGTH['name']})")
    code = normalise_code(values.get("code", ""))
    if code and not CODE_PATTERN.fullmatch(code):
        problems.append(f"code {values['code']!r} may hold only letters, digits and - _ . /")
    email = values.get("email", "")
    if email and not EMAIL_PATTERN.fullmatch(email):
        problems.append(f"e-mail {email!r} is not an e-mail address")
    status = STATUSES.get(fold(values.get("status", "")))
    if status is None:
        problems.append(f"status {values['status']!r} is not one of registered, cancelled (geregistreerd, geannuleerd)")
    if problems:
        return None, problems
    return RosterRow(name=name, organisation=values.get("organisation", ""), city=values.get("city", ""),
                     email=email, code=code, status=status), []


def clean_cell(raw: str, label: str, limit: int) -> tuple[str, str | None]:
    """A cell trimmed and with runs of spaces made one; or a problem saying why it is refused.

    Refused: control characters (NUL, escape codes), direction overrides, markup, a leading
    spreadsheet formula sign, text longer than `limit`, and a line break that looks like a quote
    left open (the cell then swallowed the lines below).
    """
    if len(raw) > limit * 4:
        hint = " (is a quote left open?)" if raw.count("\n") > 1 else ""
        return "", f"{label} is {len(raw)} characters long (at most {limit}){hint}"
    if raw.strip().count("\n") > 1:
        # Names do not span lines; a cell that does has usually swallowed the rows below it.
        return "", f"{label} runs over {raw.strip().count(chr(10)) + 1} lines (is a quote left open?)"
    if "\x00" in raw:
        return "", f"{label} contains a NUL character; the file may be damaged"
    for ch in raw:
        if ch in "\r\n\t":
            continue
        category = unicodedata.category(ch)
        if category == "Cc":
            return "", f"{label} contains the control character U+{ord(ch):04X}; remove it"
        if ch in BIDI_CONTROLS:
            return "", f"{label} contains a text-direction control (U+{ord(ch):04X}) that can disguise it; remove it"
    value = " ".join(raw.split())
    if len(value) > limit:
        return "", f"{label} is {len(value)} characters long (at most {limit})"
    if MARKUP_PATTERN.search(value):
        return "", f"{label} {value[:40]!r} looks like markup; remove the brackets"
    if value.startswith(FORMULA_START):
        return "", f"{label} {value[:40]!r} starts with {value[0]!r}, a spreadsheet formula; remove it"
    return value, None
