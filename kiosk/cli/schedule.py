"""`kiosk import schedule`, `kiosk export schedule|agenda`, `kiosk badges` and `kiosk serve`.

Every file written is created readable by its owner only (kiosk.interop.private_file); agendas and
badges hold names, so their file names say so (persoonsgegevens-NAME unless the name says it).
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import sys
from pathlib import Path

import click

from kiosk.cli import ROLES, export_group, import_group, main
from kiosk.cli.common import Env, fail, pass_env
from kiosk.config import password_in
from kiosk.interop.private_file import personal_target, private_output

FORMATS = {"frab-xml": ".xml", "frab-json": ".json", "schedule2-json": ".json", "ics": ".ics"}


def _write(text: str | bytes, output: str | None, what: str) -> None:
    """Write to the file given (created 0600), or to stdout for `-` or no file."""
    try:
        with private_output(output, "wb" if isinstance(text, bytes) else "w", newline="") as handle:
            handle.write(text)
    except OSError as error:
        fail(f"Cannot write {output}: {error.strerror or error}")
    if output not in (None, "-"):
        click.echo(f"{what}: {output}", err=True)


def _event_day(env: Env) -> dt.date:
    """The date exported for a programme without one: the clock's today (KIOSK_NOW for rehearsals)."""
    return env.programme().event.date or env.now().date()


@import_group.command("schedule")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="The programme TOML to write (default: stdout).")
def import_schedule(file: str, output: str | None) -> None:
    """Read a frab/pretalx schedule (XML or JSON) or a schedule 2.0 file (the CCC hub's) as a programme TOML.

    The format is found from the content. Warnings (fields left out, odd values) go to stderr;
    the result passes `kiosk programme check`.

    \b
    Examples:
      kiosk import schedule schedule.json --output data/programme.toml
      kiosk import schedule schedule2.json --output data/programme.toml
      curl -s https://pretalx.example/democon/schedule/export/schedule.json > s.json
    """
    from kiosk.interop.frab import ScheduleError, read_schedule
    from kiosk.interop.toml_writer import to_toml

    try:
        result = read_schedule(file)
    except ScheduleError as error:
        for problem in error.problems:
            click.echo(f"{Path(file).name}: {problem}", err=True)
        sys.exit(2)
    for warning in result.warnings:
        click.echo(f"{Path(file).name}: warning: {warning}", err=True)
    name = Path(output).name if output and output != "-" else "programme.toml"
    _write(to_toml(result.programme, source=Path(file).name, name=name), output, "programme written")
    programme = result.programme
    click.echo(f"{len(programme.sessions)} items, {len(programme.rooms)} rooms, {len(programme.days())} days"
               f" ({result.format})", err=True)


@export_group.command("schedule")
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="frab-xml", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@click.option("--language", default="nl", show_default=True, metavar="CODE",
              help="schedule2-json: the two-letter language of events that do not say theirs "
                   "(when no session says one; else the most common one).")
@pass_env
def export_schedule(env: Env, fmt: str, output: str | None, language: str) -> None:
    """Write the programme as frab XML, frab JSON, schedule 2.0 JSON or iCalendar.

    A programme without a date is exported on today's date (or the KIOSK_NOW date).

    \b
    Examples:
      kiosk export schedule --format frab-xml --output schedule.xml
      kiosk export schedule --format schedule2-json --output schedule2.json
      kiosk export schedule --format ics --output netwerkdag.ics
    """
    programme = env.programme()
    day = _event_day(env)
    if programme.event.date is None:
        click.echo(f"event.date is not set: exported on {day.isoformat()}", err=True)
    if fmt == "ics":
        from kiosk.interop.ics import to_ics

        text = to_ics(programme, now=env.now(), on=day)
    elif fmt == "schedule2-json":
        from kiosk.interop.frab_schedule2_write import to_schedule2_json

        if not re.fullmatch(r"[a-z]{2}", language):
            fail(f"--language {language!r}: give a two-letter code such as nl or en.")
        text = to_schedule2_json(programme, on=day, language=language)
    else:
        from kiosk.interop.frab_write import to_json, to_xml

        text = (to_xml if fmt == "frab-xml" else to_json)(programme, on=day)
    _write(text, output, "schedule written")


@export_group.command("agenda")
@click.argument("code")
@click.option("--format", "fmt", type=click.Choice(["ics"]), default="ics", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="File to write (default: stdout).")
@pass_env
def export_agenda(env: Env, code: str, fmt: str, output: str | None) -> None:
    """Write one attendee's confirmed sessions as an iCalendar file.

    It holds their name: a file name without "personal" or "persoonsgegevens" gets the prefix
    persoonsgegevens-.

    Example: kiosk export agenda M4RT9Z --output persoonsgegevens-agenda.ics
    """
    from kiosk.interop.ics import agenda_ics
    from kiosk.store.attendees import find_by_code
    from kiosk.store.signups import choices_of

    db = env.db()
    person = find_by_code(db, code)
    if person is None:
        fail(f"No attendee has code {code!r}.")
    confirmed = [sid for sid, status in choices_of(db, person.id).items() if status == "confirmed"]
    text = agenda_ics(env.programme(), confirmed, person=person.name, now=env.now(), on=_event_day(env))
    _write(text, personal_target(output), f"agenda with {len(confirmed)} sessions written")


@main.group("badges", invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["pdf", "svg", "html"]), default="pdf", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="File to write (default: persoonsgegevens-badges.FORMAT here).")
@click.option("--code", "codes", multiple=True, help="Only these attendees (repeatable), e.g. walk-ins.")
@click.option("--font", type=click.Path(dir_okay=False, exists=True), help="PDF: a TrueType font with every letter needed.")
@click.pass_context
def badges(ctx: click.Context, fmt: str, output: str | None, codes: tuple[str, ...], font: str | None) -> None:
    """Print name badges: A4 sheets of 2 x 5 cards of 90 x 55 mm with a QR code of the check-in code.

    SVG writes one file per sheet (...-badges-01.svg, ...) when there is more than one. Badges hold
    names: a file name without "personal" or "persoonsgegevens" gets the prefix persoonsgegevens-.
    `kiosk badges print CODE` prints one person's badge on a CUPS printer instead.

    \b
    Examples:
      kiosk badges                      persoonsgegevens-badges.pdf of every registered attendee
      kiosk badges --format html -o badges.html
      kiosk badges --code M4RT9Z --code K7PQ2D
      kiosk badges print M4RT9Z --printer kiosk-pdf
    """
    if ctx.invoked_subcommand is not None:
        return
    env: Env = ctx.obj
    from kiosk.interop.badges import badges_html, badges_svg
    from kiosk.store.attendees import find_by_code, list_attendees

    db = env.db()
    if codes:
        found = [(code, find_by_code(db, code)) for code in codes]
        missing = [code for code, person in found if person is None]
        if missing:
            fail(f"No attendee has code {', '.join(missing)}.")
        people = [person for _, person in found if person is not None]
    else:
        people = [p for p in list_attendees(db) if p.status != "cancelled"]
    if not people:
        fail("No attendees to print badges for: import a roster first (kiosk import attendees FILE).")
    event_name = env.programme().event.name
    path = Path((personal_target(output) or "-") if output else f"persoonsgegevens-badges.{fmt}")
    if fmt == "pdf":
        from kiosk.interop.badges_pdf import badges_pdf

        notes: list[str] = []
        data = badges_pdf(people, event_name, font=font, warnings=notes)
        for note in notes:
            click.echo(f"warning: {note}", err=True)
        _write(data, str(path), f"{len(people)} badges written")
    elif fmt == "html":
        _write(badges_html(people, event_name), str(path), f"{len(people)} badges written")
    else:
        pages = badges_svg(people, event_name)
        for n, page in enumerate(pages, start=1):
            target = path if len(pages) == 1 else path.with_name(f"{path.stem}-{n:02d}{path.suffix}")
            _write(page, str(target), f"sheet {n} of {len(pages)}")


@main.command("serve")
@click.option("--role", type=click.Choice(ROLES), default="programme", show_default=True, help="The screen each tab starts in.")
@click.option("--session", "session_id", help="With --role door: the session at this door.")
@click.option("--public", is_flag=True, help="With --role dashboard: counts only, no names.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (see README before changing).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--public-url", help="The address browsers use, when behind a proxy.")
@pass_env
def serve(env: Env, role: str, session_id: str | None, public: bool, host: str, port: int,
          public_url: str | None) -> None:
    """Serve the kiosk in a web browser (textual-serve): each tab runs its own `kiosk --role ROLE`.

    Listens on loopback only unless --host says otherwise; there is no login of its own.

    \b
    Examples:
      kiosk serve --role selfservice --port 8001
      kiosk serve --role dashboard --public --port 8002
    """
    from kiosk.ui.launch import refuse_public_screen_with_weak_pin
    from kiosk.ui.web_server import KioskServer

    refuse_public_screen_with_weak_pin(env.settings, role, public)  # every tab would stop at once
    env.db()  # the store migrated and the programme checked once, before any tab starts
    settings = env.settings
    # A URL with a password came from KIOSK_DB (`--db` refuses one): each tab inherits it from there, so
    # the password never stands on a command line (`ps`).
    where = [] if password_in(settings.db_path) else ["--db", str(settings.db_path)]
    command = [sys.executable, "-m", "kiosk", *where, "--programme",
               str(settings.programme_path), "--lang", settings.lang, "--role", role]
    if session_id:
        command += ["--session", session_id]
    if public:
        command.append("--public")
    click.echo(f"Serving `kiosk --role {role}` on http://{host}:{port} (Ctrl+C stops)", err=True)
    server = KioskServer(shlex.join(command), host=host, port=port, title=f"Kiosk - {role}", public_url=public_url)
    server.serve()
