"""The `kiosk` command: the app itself, plus scriptable subcommands on the same store.

Thin by design: each subcommand parses its arguments and calls the store, domain or interop
layers; the screens call the same functions.
"""

from __future__ import annotations

import click

from kiosk.cli.common import Env
from kiosk.config import DEFAULT_DB, DEFAULT_PROGRAMME, Role, Settings, password_in, shown
from kiosk.shipped import INSTALLED

# The screens `--role` offers, in the order the help lists them (kiosk.config.Role).
ROLES = [role.value for role in Role]
# An installed tool's programme lives in site-packages: name it, not its long path.
_SHIPPED_PROGRAMME = "the shipped G40 programme" if INSTALLED else shown(DEFAULT_PROGRAMME)
# True once this module is loaded and until the subcommand modules are imported (see KioskGroup).
_unregistered = False


class KioskGroup(click.Group):
    """The command group; a database fault no subcommand caught ends in one sentence and exit 2.

    The subcommands' modules (and what they import: CSV, QR codes, page renderers) are imported
    only when the command table is first looked at, so `kiosk --role desk` starts without them.
    """

    @property
    def commands(self) -> dict[str, click.Command]:
        """The subcommands, registering them on first use."""
        global _unregistered
        if _unregistered:
            _unregistered = False
            _register()
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def invoke(self, ctx: click.Context):
        """Run the subcommand; a StoreError or sqlite3 error becomes a plain sentence, not a traceback."""
        from kiosk.cli.common import fail
        from kiosk.store.db import StoreFault, explain

        try:
            return super().invoke(ctx)
        except StoreFault as error:
            obj = ctx.obj
            where = f" ({shown(obj.settings.db_path)})" if isinstance(obj, Env) else ""
            fail(f"{explain(error)}{where}")


@click.group(cls=KioskGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help=f"Database file (env KIOSK_DB; default {shown(DEFAULT_DB)}) or postgresql://user@host/db URL.")
@click.option("--programme", "programme_path", type=click.Path(dir_okay=False),
              help=f"Programme TOML (env KIOSK_PROGRAMME; default {_SHIPPED_PROGRAMME}).")
@click.option("--lang", type=click.Choice(["nl", "en"]), help="Language of the interface (env KIOSK_LANG).")
@click.option("--role", type=click.Choice(ROLES), default="programme", show_default=True, help="The screen to start in.")
@click.option("--session", "session_id", help="With --role door: the session at this door.")
@click.option("--device", help="Name of this desk or door in the scan log (env KIOSK_DEVICE).")
@click.option("--public", is_flag=True, help="With --role dashboard: counts only, no names.")
@click.option("--printer", help="CUPS printer for badges printed on the spot (env KIOSK_PRINTER; `lpstat -p` lists them).")
@click.option("--badge-size", type=click.Choice(["a4", "62mm", "4x3in"], case_sensitive=False),
              help="Page of a badge printed on the spot: A4 card, 62 mm label, 4x3 in label (env KIOSK_BADGE_SIZE; default a4).")
@click.version_option(package_name="netwerkdag-kiosk")
@click.pass_context
def main(ctx: click.Context, db_path, programme_path, lang, role, session_id, device, public, printer,
         badge_size) -> None:
    """Run the event kiosk, or one of the subcommands below.

    \b
    Examples:
      kiosk                          the programme, with every mode a key away
      kiosk --role desk --device desk-1
      kiosk --role selfservice       a locked attendee kiosk (leave with the staff PIN)
      kiosk checkin M4RT9Z           check someone in from a script
      kiosk programme init           a copy of the programme to edit (programme.toml)
    """
    if db_path and password_in(db_path):
        from kiosk.cli.common import fail

        # Any user on this machine reads a command line (`ps`); libpq reads both of these itself.
        fail("A password on the command line is visible to every user of this machine (ps): "
             "give the URL without it and put the password in PGPASSWORD or ~/.pgpass.")
    settings = Settings.from_env(db_path=db_path, programme_path=programme_path, lang=lang, device=device,
                                 printer=printer, badge_size=badge_size and badge_size.lower())
    ctx.obj = Env(settings)
    if ctx.invoked_subcommand is None:
        from kiosk.ui.launch import launch

        launch(ctx.obj, role=role, session_id=session_id, public=public)


@main.group("import")
def import_group() -> None:
    """Read attendees or a schedule from a file into the kiosk."""


@main.group("export")
def export_group() -> None:
    """Write attendees, scans, sign-ups or the schedule to a file or stdout."""


@main.group("db")
def db_group() -> None:
    """The database itself: set up a PostgreSQL server's logins, copy a day between databases."""


def _register() -> None:
    """Attach each module's subcommands; one module per area keeps this file small.

    Called by `KioskGroup.commands` on first use, never at import time.
    """
    from kiosk.cli import (  # noqa: F401  # noqa: F401
        attendees,
        backup,
        badge_print,  # noqa: F401  (after schedule: `kiosk badges print` joins its group)
        checkin,
        correct,
        db_copy,
        db_roles,
        privacy,
        programme,
        reports,
        schedule,
        signup,
    )



# From here on the first look at the command table imports the subcommand modules.
_unregistered = True
