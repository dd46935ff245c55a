"""`kiosk export attendance|scans|signups` and `kiosk report`: the figures after the day.

`kiosk report` prints every figure as a table for a person; `--format csv|json` writes one kind of
row a file (`--rows`, default the sessions), with the same figures and the same '-'/null rules.

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
import datetime as dt
import io
import json
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from typing import IO, Any
from zoneinfo import ZoneInfo

import click

from kiosk.cli import export_group, main
from kiosk.cli.common import Env, fail, pass_env
from kiosk.cli.report_table import (
    arrival_lines,
    everyone_lines,
    guessing_lines,
    session_lines,
    totals_lines,
    venue_lines,
)
from kiosk.interop.private_file import narrow_stdout, open_private, personal_target
from kiosk.store import StoreError
from kiosk.store.code_guard import guessing_minutes
from kiosk.store.exports import (
    ATTENDANCE_COLUMNS,
    SCAN_COLUMNS,
    SIGNUP_COLUMNS,
    iter_attendance,
    iter_scans,
    iter_signups,
)
from kiosk.store.replay import replay_lists
from kiosk.store.report import round_report, session_report
from kiosk.store.report_venue import arrivals_per_interval, everyone_items, venue_report

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


REPORT_ROWS = ("venue", "arrivals", "everyone", "rounds", "sessions")


@main.command("report")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--excel-nl", is_flag=True, help="With --format csv: ';', a BOM, CRLF.")
@click.option("--rows", type=click.Choice(REPORT_ROWS),
              help="Only these figures (csv and json: one kind a file; default sessions, the table: all).")
@click.option("--interval", type=click.Choice(["15", "30"]), default="15", show_default=True,
              help="Arrivals per this many minutes.")
@pass_env
def report(env: Env, fmt: str, excel_nl: bool, rows: str | None, interval: str) -> None:
    """The day's figures: arrivals at the venue, and per round who signed up and who came.

    \b
    venue     came (of the expected, plus walk-ins), no-shows, peak inside
    arrivals  first arrivals per 15 (or 30) minutes, with the running total
    everyone  walk-in, opening, plenary talks, closing: the venue's count
    rounds    per round: signed up, attended, no-shows
    sessions  per session with a door: signed up, waitlist, attended,
              no-shows, peak inside

    Attended: distinct people with an entry scan at the session's door (not undone). No-shows:
    confirmed sign-ups who never entered, counted once the session has ended ('-' before).

    \b
    Example: kiosk report --format csv --excel-nl --rows sessions > report.csv
    """
    db, minutes = env.db(), int(interval)
    programme, now = env.programme(), env.now()
    # Rounds in the programme model's words, in the order of the day (a round without sessions last).
    rounds = [(r.id, r.name) for r in sorted(
        programme.rounds, key=lambda r: (programme.round_start(r.id) is None, programme.round_start(r.id) or dt.time())
    )]
    try:
        replay = replay_lists(db)  # the log replayed once for the venue's peak and every session's
        if fmt != "table":
            kind = rows or "sessions"
            lines: Sequence[Any] = (
                [venue_report(db, now, replay)] if kind == "venue"
                else arrivals_per_interval(db, minutes) if kind == "arrivals"
                else everyone_items(db, replay) if kind == "everyone"
                else round_report(db, rounds, now, replay) if kind == "rounds"
                else session_report(db, now, replay)
            )
            with _output(None, bom=excel_nl and fmt == "csv") as out:
                columns = list(asdict(lines[0])) if lines else []
                write_rows((asdict(line) for line in lines), columns, fmt, out, excel_nl=excel_nl)
            return
        width = min(max(shutil.get_terminal_size((100, 24)).columns, 80), 120)
        text: list[str] = []
        if rows in (None, "venue"):
            text += venue_lines(venue_report(db, now, replay)) + guessing_lines(
                guessing_minutes(db, ZoneInfo(programme.event.timezone)))
        if rows in (None, "arrivals"):
            text += ([""] if text else []) + arrival_lines(arrivals_per_interval(db, minutes), minutes)
        if rows in (None, "everyone"):
            items = everyone_lines(everyone_items(db, replay), width)
            text += ([""] if text and items else []) + items
        if rows in (None, "rounds", "sessions"):
            sessions = session_report(db, now, replay)
            text += session_lines(round_report(db, rounds, now, replay), sessions, width) + totals_lines(sessions)
    except StoreError as error:
        fail(str(error))
    click.echo("\n".join(text).lstrip("\n"))
    sys.stdout.flush()
