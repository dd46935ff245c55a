"""`kiosk backup DEST`: a consistent copy of the database, once or on a timer."""

from __future__ import annotations

import time

import click

from kiosk.cli import main
from kiosk.cli.common import Env, fail, pass_env


@main.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False))
@click.option("--every", type=click.IntRange(min=10), help="Repeat every this many seconds until Ctrl+C.")
@pass_env
def backup(env: Env, dest: str, every: int | None) -> None:
    """Copy the live database to DEST with SQLite's online backup (desks keep working).

    DEST is replaced whole each time. Put it on another machine's disk (a mounted share, a USB
    stick) or copy it off after each run; a copy on the same disk does not survive that disk.

    \b
    Examples:
      kiosk backup /mnt/nas/kiosk-copy.db
      kiosk backup /mnt/nas/kiosk-copy.db --every 60
    """
    from kiosk.store import StoreError
    from kiosk.store.backup import backup_to

    while True:
        try:
            size = backup_to(env.settings.db_path, dest)
        except StoreError as error:
            if every is None:
                fail(str(error))
            click.echo(f"{time.strftime('%H:%M:%S')} backup failed: {error}", err=True)
        else:
            click.echo(f"{time.strftime('%H:%M:%S')} {dest}: {size} bytes", err=True)
        if every is None:
            return
        try:
            time.sleep(every)
        except KeyboardInterrupt:
            return
