"""`kiosk purge`, `kiosk forget CODE`, `kiosk export person CODE`: personal data after the day.

Thin: the store (kiosk/store/privacy.py) decides what goes and what stays; this module shows
it, asks before it removes anything, and writes the one export that is personal by design
through `open_private` (mode 0600).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from kiosk.cli import export_group, main
from kiosk.cli.common import Env, fail, pass_env
from kiosk.interop.private_file import PERSONAL_DATA_NOTICE, personal_target, private_output
from kiosk.store import StoreError
from kiosk.store.db import is_postgres
from kiosk.store.privacy import forget_person, narrow_modes, person_data, purge, purge_plan
from kiosk.store.scans import stamp

NOT_WIPED = (
    "Warning: another kiosk process still has the database open, so old copies of the removed text may remain "
    "in the -wal file. Close every kiosk on this file and run `kiosk purge` again to clean it."
)
# PostgreSQL keeps old row versions (dead tuples) until VACUUM; what the server keeps beyond the tables is said too.
PG_NOT_WIPED = (
    "Warning: the tables could not be rewritten (VACUUM FULL needs the owner of the tables or the database, and "
    "another kiosk process held them in an open transaction or this role is not their owner), so old row versions "
    "with the removed text may remain until autovacuum reuses their space. Run `kiosk purge` again as the database's "
    "owner with the kiosks closed, or have its administrator run VACUUM (FULL, ANALYZE) attendees, scans, "
    "corrections, tallies."
)
PG_STORAGE = (
    "On PostgreSQL the tables that held the text were rewritten (VACUUM (FULL, ANALYZE)), so no dead row version "
    "keeps it; the server's WAL segments (pg_wal) hold it until checkpoints let them go and new writes overwrite them "
    "(a WAL archive or a replica until it is pruned), and backups made before now (pg_dump files, base backups, "
    "kiosk db copy files) keep it until they are deleted."
)


def _cleaned(db) -> str:
    """How the storage was cleaned, as the last words of the purge's line."""
    return "the tables were rewritten" if is_postgres(db) else "the file was vacuumed"


def _not_wiped(db, command: str) -> str:
    return (PG_NOT_WIPED if is_postgres(db) else NOT_WIPED).replace("kiosk purge", command)


def _open(env: Env):
    """The store, without creating an empty one for a mistyped --db (a PostgreSQL database exists or is refused)."""
    path = env.settings.db_path
    if isinstance(path, Path) and not path.exists():
        fail(f"There is no database at {path}.")
    return env.db()


def _listed(heading: str, lines: list[str]) -> None:
    """A heading of the purge's plan and its lines, one `  - ` item each."""
    click.echo(heading)
    for line in lines:
        click.echo(f"  - {line}")


@main.command("purge")
@click.option("--keep-days", type=click.IntRange(min=0), default=0, show_default=True,
              help="Keep personal data until this many days after the event day (or its last scan).")
@click.option("--dry-run", is_flag=True, help="Only list what would be removed and what stays.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--clear-city", is_flag=True, help="Also remove each attendee's city (counts per city are lost).")
@pass_env
def purge_command(env: Env, keep_days: int, dry_run: bool, yes: bool, clear_city: bool) -> None:
    """Remove the names, e-mail addresses, organisations and codes of all attendees, keeping every count.

    Sign-ups per session, arrivals over time and `kiosk report` give the same numbers afterwards.
    The file is vacuumed so the removed text is not left in free pages or the -wal file; on
    PostgreSQL the tables are rewritten (VACUUM FULL) so no dead row version keeps it.
    Exit 0 done (or nothing due yet), 1 not confirmed or the file not fully cleaned, 2 error.

    \b
    Examples:
      kiosk purge --dry-run
      kiosk purge --keep-days 30 --yes     (daily from cron: purges 30 days after the day)
    """
    db = _open(env)
    now = env.now()
    plan = purge_plan(db, keep_days, now, clear_city=clear_city)
    if not plan.due:
        last = plan.last_activity.strftime("%Y-%m-%d %H:%M") if plan.last_activity else "-"
        click.echo(
            f"Nothing is removed yet: personal data is kept until {plan.keep_until:%Y-%m-%d %H:%M} "
            f"({keep_days} days after the last activity, {last})."
        )
        if not dry_run:
            return
        # A dry run still shows what a purge will remove once it is due: what the organiser asked.
        _listed("Once due, a purge would remove:", plan.goes())
        _listed("Stays:", plan.stays())
        click.echo("Dry run: nothing was changed.")
        return
    if plan.nothing_to_remove:
        click.echo("No personal data left to remove; cleaning the file.")
    else:
        _listed("Would remove:" if dry_run else "This removes:", plan.goes())
    _listed("Stays:", plan.stays())
    if dry_run:
        click.echo("Dry run: nothing was changed.")
        return
    if not yes and not plan.nothing_to_remove:
        click.confirm("Remove this personal data for good? It cannot be undone", abort=True)
    try:
        result = purge(db, keep_days=keep_days, now=now, clear_city=clear_city)
        narrowed = narrow_modes(db)
    except StoreError as error:
        fail(str(error))
    if not result.done:  # the last activity moved on between the plan and the purge
        click.echo("Nothing was removed: new activity arrived in the meantime.")
        return
    if result.plan.nothing_to_remove:
        click.echo(f"{_cleaned(db).capitalize()}.")
    else:
        click.echo(
            f"Removed the personal data of {result.plan.attendees} attendees and the text of "
            f"{result.plan.scan_texts} scans; {_cleaned(db)}."
        )
    for path in narrowed:
        click.echo(f"Made {path} readable by its owner only.")
    if not _purge_offline_copies(env.settings.db_path):
        raise SystemExit(1)
    if not result.wiped:
        click.echo(_not_wiped(db, "kiosk purge"), err=True)
        raise SystemExit(1)
    if is_postgres(db):
        click.echo(PG_STORAGE)


def _purge_offline_copies(target: object) -> bool:
    """Remove this machine's desks' copies of the server's database (store/offline_copy.py); False when one holds scans.

    Only for a PostgreSQL database: a SQLite desk has no copy of its own.
    """
    from kiosk.store.db import is_url, shown
    from kiosk.store.offline_files import purge_local
    from kiosk.ui.offline_desk import offline_folder

    if not is_url(target):
        return True
    removed, kept = purge_local(offline_folder(), shown(target))
    for path in removed:
        if path.suffix == ".db":
            click.echo(f"Removed the desk's offline copy {path}.")
    for path, waiting in kept:
        click.echo(f"Kept {path}: {waiting} scans in it never reached the server. Start that desk on the "
                   "server once more to upload them, then run `kiosk purge` again.", err=True)
    return not kept


@main.command("forget")
@click.argument("code")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@pass_env
def forget_command(env: Env, code: str, yes: bool) -> None:
    """Remove one person's name, e-mail address, organisation and code; their counts stay.

    For a person who asks to be removed (AVG/GDPR). Their sign-ups and scans stay as anonymous
    rows, so session counts and arrivals do not change; their badge no longer scans.
    Exit 0 done, 1 unknown code or not confirmed, 2 error.
    Example: kiosk forget M4RT9Z
    """
    db = _open(env)
    data = person_data(db, code)
    if data is None:
        fail("No attendee has that code.", 1)
    person = data["attendee"]
    organisation = f" ({person['organisation']})" if person["organisation"] else ""
    click.echo(f"This removes the name, e-mail address, organisation and code of: {person['name']}{organisation}")
    click.echo(
        f"Stays, anonymous: their {len(data['signups'])} sign-ups and {len(data['scans'])} scans "
        "(their scanned text is removed), so every count stays the same."
    )
    if not yes:
        click.confirm("Forget this person for good? It cannot be undone", abort=True)
    try:
        result = forget_person(db, code, env.now())
        narrow_modes(db)
    except StoreError as error:
        fail(str(error))
    if result is None:  # forgotten by another process between the question and the answer
        fail("No attendee has that code.", 1)
    click.echo(f"Forgotten: attendee {result.attendee_id} is now '{result.anon_code}'.")
    if not result.wiped:
        click.echo(_not_wiped(db, "kiosk purge --yes"), err=True)
        raise SystemExit(1)
    if is_postgres(db):
        click.echo(PG_STORAGE)


@export_group.command("person")
@click.argument("code")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="File to write (created readable by you only), e.g. personal-data-M4RT9Z.json; default stdout.")
@pass_env
def export_person(env: Env, code: str, output: str | None) -> None:
    """Everything stored about one person, as JSON: for a person who asks for their data (AVG/GDPR).

    The first key, "personal_data", says what the file is, and so does the file name (a name
    without "personal" or "persoonsgegevens" is written as persoonsgegevens-NAME). Send it to that
    person only.
    Exit 0 written, 1 unknown code, 2 error.
    Example: kiosk export person M4RT9Z --output personal-data-M4RT9Z.json
    """
    db = _open(env)
    data = person_data(db, code)
    if data is None:
        fail("No attendee has that code.", 1)
    output = personal_target(output)
    event = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('event_name', 'event_date')").fetchall())
    document = {
        "personal_data": PERSONAL_DATA_NOTICE,
        "exported_at": stamp(env.now()),
        "event": event.get("event_name", ""),
        "event_date": event.get("event_date") or None,
        **data,
    }
    try:
        with private_output(output) as handle:
            json.dump(document, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
    except OSError as error:
        fail(f"Cannot write {output}: {error.strerror}.")
    if output and output != "-":
        click.echo(f"Wrote the personal data of 1 attendee to {output} (readable by you only).", err=True)
