"""`kiosk export attendance|scans|signups` and `kiosk report`: the figures after the day.

CSV is plain UTF-8 with `,` by default (for scripts and other tools); `--excel-nl` writes what
Excel in a Dutch locale opens by double-click: `;` as separator, a UTF-8 BOM, CRLF, and cells that
Excel would run as a formula (`=`, `+`, `-`, `@` first) prefixed with `'`.
JSON is one list of objects, streamed row by row.
Files are created readable by their owner only (0600); the exports hold personal data, so a file
name without "personal" or "persoonsgegevens" is written as persoonsgegevens-NAME (see
kiosk.interop.private_file), and on stdout the notice goes to stderr.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO

import click

from kiosk.cli import export_group, main
from kiosk.cli.common import Env, fail, pass_env
from kiosk.interop.private_file import narrow_stdout, open_private, personal_target
from kiosk.store import StoreError
from kiosk.store.exports import (
    ATTENDANCE_COLUMNS, SCAN_COLUMNS, SIGNUP_COLUMNS, iter_attendance, iter_scans, iter_signups, session_report,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextmanager
def _output(path: str | None, *, bom: bool) -> Iterator[IO[str]]:
    """A text stream to `path` (created 0600) or stdout, newline='' as the csv module wants."""
    encoding = "utf-8-sig" if bom else "utf-8"
    if path and path != "-":
        with open_private(path, "w", encoding=encoding, newline="") as handle:
            yield handle
        return
    narrow_stdout()  # a shell redirect (`> scans.csv`) made a 0644 file: narrow it first
    sys.stdout.flush()
    stream = io.TextIOWrapper(sys.stdout.buffer, encoding=encoding, newline="")
    try:
        yield stream
    finally:
        stream.flush()
        stream.detach()


def _excel_cell(value: object) -> object:
    """Keep Excel from running a cell as a formula (a name starting with '=' is data, not code)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


def write_rows(rows: Iterable[dict], columns: list[str], fmt: str, out: IO[str], *, excel_nl: bool = False) -> int:
    """Write rows as CSV or as a JSON list of objects; returns how many were written."""
    count = 0
    if fmt == "json":
        out.write("[")
        for row in rows:
            out.write(("\n" if count == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    writer = csv.writer(out, delimiter=";" if excel_nl else ",", lineterminator="\r\n" if excel_nl else "\n")
    writer.writerow(columns)
    for row in rows:
        values = [_csv_value(row[c]) for c in columns]
        # Defused in every CSV, not only for Dutch Excel: any spreadsheet runs `=...` when opened.
        writer.writerow([_excel_cell(v) for v in values])
        count += 1
    return count


EXPORTS = {
    "attendance": (iter_attendance, ATTENDANCE_COLUMNS),
    "scans": (iter_scans, SCAN_COLUMNS),
    "signups": (iter_signups, SIGNUP_COLUMNS),
}


def _export_command(what: str) -> click.Command:
    """Build `kiosk export <what>`; the three exports share their options and their writer."""
    source, columns = EXPORTS[what]

    @click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
    @click.option("--excel-nl", is_flag=True, help="CSV for Excel in a Dutch locale: ';', a BOM, CRLF.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file (default: stdout).")
    @pass_env
    def command(env: Env, fmt: str, excel_nl: bool, output: str | None) -> None:
        db = env.db()
        output = personal_target(output)
        try:
            with _output(output, bom=excel_nl and fmt == "csv") as out:
                count = write_rows(source(db), columns, fmt, out, excel_nl=excel_nl)
        except StoreError as error:
            fail(str(error))
        except OSError as error:
            fail(f"Cannot write {output or 'stdout'}: {error.strerror}")
        if output and output != "-":
            click.echo(f"{count} rows written to {output} (readable by you only)", err=True)

    command.__doc__ = {
        "attendance": "Every attendee: a venue row (arrived or not) and one per session signed up for or entered.",
        "scans": "Every scan in the log, accepted or refused, with its reason and any undo.",
        "signups": "Every sign-up: confirmed, waitlisted and cancelled.",
    }[what] + (" The file holds personal data: readable by you only, and named persoonsgegevens-NAME unless"
               " its name says 'personal' or 'persoonsgegevens'."
               f"\n\n    Example: kiosk export {what} --format csv --excel-nl -o persoonsgegevens-{what}.csv")
    return export_group.command(what)(command)


for _what in EXPORTS:
    _export_command(_what)


REPORT_COLUMNS = [
    ("title", "session"), ("starts_at", "start"), ("capacity", "cap"), ("signed_up", "signed up"),
    ("waitlisted", "waitlist"), ("attended", "attended"), ("no_shows", "no-shows"), ("peak_inside", "peak inside"),
]


@main.command("report")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--excel-nl", is_flag=True, help="With --format csv: ';', a BOM, CRLF.")
@pass_env
def report(env: Env, fmt: str, excel_nl: bool) -> None:
    """Per session: signed up, attended, no-shows and the most people inside at once.

    Attended: distinct people with an entry scan at the session's door (not undone).
    No-shows: confirmed sign-ups who never entered. Peak inside: replayed from the door scans.
    Example: kiosk report --format csv --excel-nl > report.csv
    """
    try:
        lines = session_report(env.db(), now=env.now())
    except StoreError as error:
        fail(str(error))
    if fmt != "table":
        columns = list(lines[0].as_dict()) if lines else []
        with _output(None, bom=excel_nl and fmt == "csv") as out:
            write_rows((line.as_dict() for line in lines), columns, fmt, out, excel_nl=excel_nl)
        return
    table = [[label for _, label in REPORT_COLUMNS]]
    for line in lines:
        values = line.as_dict()
        values["title"] = values["title"] if len(values["title"]) <= 40 else values["title"][:39] + "…"
        table.append(["-" if values[key] is None else str(values[key]) for key, _ in REPORT_COLUMNS])
    widths = [max(len(row[i]) for row in table) for i in range(len(REPORT_COLUMNS))]
    for number, row in enumerate(table):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        click.echo("  ".join(cells).rstrip())
        if number == 0:
            click.echo("  ".join("-" * width for width in widths))
    totals = [sum(getattr(line, key) or 0 for line in lines) for key in ("signed_up", "attended", "no_shows")]
    click.echo(f"\n{len(lines)} sessions; signed up {totals[0]}, attended {totals[1]}, no-shows {totals[2]}")
    if any(line.no_shows is None for line in lines):
        click.echo("no-shows '-': the session has not ended yet")
    sys.stdout.flush()
