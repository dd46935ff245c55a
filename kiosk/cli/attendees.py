"""`kiosk import attendees`, `kiosk export attendees` and `kiosk demo`: the roster in and out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kiosk.cli import export_group, import_group, main
from kiosk.cli.common import Env, fail, pass_env, progress
from kiosk.domain.roster import RosterRow
from kiosk.interop.demo import demo_rng, demo_roster
from kiosk.interop.private_file import personal_target, private_output
from kiosk.interop.roster_csv import Roster, RosterFileError, parse_roster, read_roster
from kiosk.interop.roster_export import to_csv, to_json
from kiosk.store import StoreError
from kiosk.store.attendees import RosterConflict, UpsertCounts, attendee_records, count_attendees, import_roster
from kiosk.store.db import shown
from kiosk.store.scans import stamp

DEMO_DEFAULT = 200


@import_group.command("attendees")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--check", is_flag=True, help="Check the file and say what would change; write nothing.")
@pass_env
def import_attendees(env: Env, file: str, check: bool) -> None:
    """Add or update attendees from a CSV file: all rows or none.

    Reads CSV as registration systems and Excel write it: comma, semicolon or tab, UTF-8 with or
    without BOM (or Windows-1252), quoted fields, Dutch or English headers (naam/name,
    voornaam/tussenvoegsel/achternaam, organisatie/organisation, gemeente/city, e-mail, code/ticket,
    status). A row with a code updates the attendee with that code; importing the same file again
    changes nothing. When any row is bad, every bad row is listed and nothing is imported (exit 2).

    \b
    Example: kiosk import attendees aanmeldingen.csv
             kiosk import attendees --check aanmeldingen.csv
    """
    roster = _read(file)
    name = "stdin" if file == "-" else Path(file).name
    if roster.encoding == "cp1252":
        click.echo(f"{name}: not UTF-8, read as Windows-1252 (Excel's plain CSV)", err=True)
    if roster.ignored_columns:
        click.echo(f"{name}: ignored columns: {', '.join(roster.ignored_columns)}", err=True)
    db = env.db()
    counts = _store(env, db, roster.rows, name, "import", label="Importing", dry_run=check, lines=roster)
    suffix = " (check only: nothing was written)" if check else ""
    click.echo(f"{name}: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged{suffix}")


def _read(file: str) -> Roster:
    """The checked roster, or exit 2 with every problem on stderr."""
    try:
        roster = parse_roster(sys.stdin.buffer.read(), "stdin") if file == "-" else read_roster(file)
    except RosterFileError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        count = len(error.problems)
        fail(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} to fix first.")
    return roster


def _store(env: Env, db, rows: list[RosterRow], name: str, source: str, *, label: str, dry_run: bool = False,
           lines: Roster | None = None, rng=None) -> UpsertCounts:
    """Write the rows in one transaction behind a progress bar; exit 2 on any conflict or store error."""
    try:
        with progress(None, length=len(rows), label=label) as bar:
            return import_roster(db, rows, stamp(env.now()), source=source, rng=rng, on_progress=bar.update,
                                 dry_run=dry_run)
    except RosterConflict as error:
        for index, message, other in error.problems:
            line = lines.lines[index].line if lines else index + 1
            if other is not None and lines:
                message = message.replace(f"row {other + 1}", f"line {lines.lines[other].line}")
            click.echo(f"{name}: line {line}: {message}", err=True)
        fail("Nothing was imported: some rows do not match the attendees in the database one to one.")
    except StoreError as error:
        fail(f"{error} ({shown(env.settings.db_path)})")


@export_group.command("attendees")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True,
              help="JSON (a list of objects) or CSV.")
@click.option("--excel-nl", is_flag=True, help="CSV for Dutch Excel: semicolons and a UTF-8 BOM (implies --format csv).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True), default="-",
              help="File to write (default: stdout).")
@pass_env
def export_attendees(env: Env, fmt: str, excel_nl: bool, output: str) -> None:
    """Write every attendee with code, name, organisation, city, e-mail, status and arrival time.

    The CSV reads back in with `kiosk import attendees`. The file is readable by you only; a file
    name without "personal" or "persoonsgegevens" is written as persoonsgegevens-NAME.

    \b
    Example: kiosk export attendees --format csv --excel-nl -o persoonsgegevens-deelnemers.csv
             kiosk export attendees | jq '.[] | select(.arrived_at == null) | .name'
    """
    try:
        records = attendee_records(env.db())
    except StoreError as error:
        fail(f"{error} ({shown(env.settings.db_path)})")
    text = to_csv(records, excel_nl=excel_nl) if fmt == "csv" or excel_nl else to_json(records) + "\n"
    target = personal_target(output)
    try:
        with private_output(target, encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        fail(f"Cannot write {target}: {error.strerror or error}.")
    if target != "-":
        click.echo(f"Wrote {len(records)} attendees to {target} (readable by you only).", err=True)


@main.command("demo")
@click.option("--attendees", "count", type=click.IntRange(1, 1_000_000), default=DEMO_DEFAULT, show_default=True,
              help="How many fictional attendees to add.")
@click.option("--force", is_flag=True, help="Add the demo people even when the database has attendees already.")
@pass_env
def demo(env: Env, count: int, force: bool) -> None:
    """Fill an empty database with a fictional roster spread over the G40 cities, for rehearsals.

    The same N gives the same people and codes every time; e-mail addresses end in
    @example.invalid and the source column says 'demo'.

    \b
    Example: kiosk --db /tmp/rehearsal.db demo --attendees 100000
    """
    db = env.db()
    existing = count_attendees(db)
    if existing and not force:
        fail(f"The database already has {existing} attendees; `kiosk demo` fills only an empty one "
             "(add --force to add the demo people anyway).")
    rows = list(demo_roster(count))
    counts = _store(env, db, rows, "demo", "demo", label="Adding demo attendees", rng=demo_rng())
    click.echo(f"demo: {counts.added} added, {counts.updated} updated, {counts.unchanged} unchanged")
