"""Writes attendees out as JSON or CSV; the CSV reads back in with `kiosk import attendees`.

CSV comes in two dialects: plain (comma, UTF-8 without BOM, CRLF, as RFC 4180 and most tools
expect) and `excel-nl` (semicolon and a UTF-8 BOM, which Excel in a Dutch locale opens straight
into columns with accents intact). Cells that a spreadsheet would run as a formula get a leading
apostrophe, so an exported name can never execute in the organiser's Excel.
"""

from __future__ import annotations

import csv
import io
import json

# The columns of every export, in order; the first six are what `kiosk import attendees` reads.
COLUMNS = ["code", "name", "organisation", "city", "email", "status", "source", "arrived_at", "inside"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_json(records: list[dict]) -> str:
    """A JSON list of objects, one per attendee, with every column of COLUMNS."""
    return json.dumps([{key: record.get(key) for key in COLUMNS} for record in records], ensure_ascii=False, indent=2)


def to_csv(records: list[dict], *, excel_nl: bool = False) -> str:
    """CSV text with a header line; `excel_nl`: semicolons and a leading BOM for Dutch Excel."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";" if excel_nl else ",", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([_cell(record.get(key)) for key in COLUMNS])
    return ("\ufeff" if excel_nl else "") + out.getvalue()


def _cell(value: object) -> str:
    """A value as a CSV cell: booleans as 1/0, None empty, formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    text = str(value)
    if text.startswith(FORMULA_START):
        # OWASP's advice against CSV injection: a leading apostrophe makes Excel show it as text.
        return "'" + text
    return text
