"""`kiosk db copy SOURCE DEST`: a whole database copied between SQLite files and PostgreSQL, both ways."""

from __future__ import annotations

import sys
import time

import click

from kiosk.cli import db_group
from kiosk.cli.common import fail
from kiosk.config import password_in

REPLACE_HELP = ("Empty a DEST that holds rows first, in the copy's own transaction so that a failed copy "
                "leaves it as it was (PostgreSQL: TRUNCATE; SQLite: a fresh file written over it).")


@db_group.command("copy")
@click.argument("source")
@click.argument("dest")
@click.option("--replace", is_flag=True, help=REPLACE_HELP)
def copy(source: str, dest: str, replace: bool) -> None:
    """Copy every table of SOURCE into DEST, ids kept; each is a file path or a postgresql:// URL.

    Both are brought to this kiosk's schema version first (a newer one is refused). DEST must be
    new or empty unless --replace is given. Rows are read in one snapshot, so SOURCE may stay in
    use; stop the kiosks on DEST first. The running counts are recounted and SQLite's name index
    rebuilt; every table's count is checked before the copy is committed. A URL's password
    comes from PGPASSWORD or ~/.pgpass (one in the URL is refused: `ps` shows command lines).

    \b
    Examples:
      kiosk db copy data/kiosk.db postgresql://kiosk@10.0.0.2/netwerkdag    before the day
      kiosk db copy postgresql://kiosk@10.0.0.2/netwerkdag netwerkdag-archief.db   after it
    """
    from kiosk.store import StoreError
    from kiosk.store.copy import copy_database
    from kiosk.store.db import FaultKind, shown

    if password_in(source) or password_in(dest):
        # Any user on this machine reads a command line (`ps`); libpq reads both of these itself.
        fail("A password on the command line is visible to every user of this machine (ps): "
             "give the URL without it and put the password in PGPASSWORD or ~/.pgpass.")
    click.echo(f"Copying {shown(source)} to {shown(dest)}" + (" (--replace: emptied first)" if replace else "")
               + " ...", err=True)
    meter = _Meter()
    try:
        result = copy_database(source, dest, replace=replace, progress=meter)
    except StoreError as error:
        meter.clear()
        # A refusal of the change names the constraint (a duplicate, a missing attendee): say it.
        fail(f"{error}" + (f" ({error.detail})" if error.kind == FaultKind.OTHER and error.detail else ""))
    meter.clear()
    width = max(len(name) for name, _ in result.counts) + 2
    click.echo(f"Copied {shown(source)} to {shown(dest)} in {result.seconds:.1f} s:")
    for name, count in result.counts:
        click.echo(f"  {name:<{width}}{count:>10,}")
    click.echo(f"  {'tallies':<{width}}{result.tallies:>10,}  keys, recounted from the rows")
    if result.emptied:
        held = ", ".join(f"{count:,} {name}" for name, count in result.emptied)
        click.echo(f"DEST held {held} before; replaced whole (no row deleted one by one, corrections included).")
    for note in result.notes:
        click.echo(f"Note: {note}.")
    click.echo(f"{result.rows:,} rows; DEST holds as many rows as SOURCE in every table.")


class _Meter:
    """Progress on stderr: a count updated in place on a terminal, a line per step (with its time) otherwise."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()
        self.began = time.monotonic()

    def __call__(self, step: str, done: int, total: int) -> None:
        from kiosk.store.copy import FINISHING

        if done == 0:
            self.began = time.monotonic()
        if self.live:
            counted = "" if step == FINISHING else f": {done:,} of {total:,}"
            click.echo(f"\r\033[K  {step}{counted}", nl=False, err=True)
        elif done == total:
            counted = "" if step == FINISHING else f": {total:,} rows"
            click.echo(f"  {step}{counted} ({time.monotonic() - self.began:.1f} s)", err=True)

    def clear(self) -> None:
        """Take the in-place count off the terminal's last line."""
        if self.live:
            click.echo("\r\033[K", nl=False, err=True)
