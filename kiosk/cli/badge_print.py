"""`kiosk badges print CODE`: one person's badge printed through CUPS, as the desk's Ctrl+P does."""

from __future__ import annotations

import click

from kiosk.cli.common import Env, fail, pass_env
from kiosk.cli.schedule import badges
from kiosk.interop.badge_label import SIZES


@badges.command("print")
@click.argument("code")
@click.option("--printer", help="CUPS printer (default: kiosk --printer, KIOSK_PRINTER; `lpstat -p` lists them).")
@click.option("--badge-size", "size", type=click.Choice(list(SIZES), case_sensitive=False),
              help="a4 (card on an A4 sheet), 62mm (Brother QL label), 4x3in (Zebra label); "
                   "default: kiosk --badge-size, KIOSK_BADGE_SIZE, a4.")
@click.option("--device",
              help="Who prints, as written into the print log (default: kiosk --device, KIOSK_DEVICE, this host).")
@pass_env
def print_one(env: Env, code: str, printer: str | None, size: str | None, device: str | None) -> None:
    """Print the badge of the attendee with CODE on a CUPS printer, and wait until CUPS says it printed.

    The print is logged in the badge_prints table; a check-in is not touched. Exit 0 printed,
    1 not printed (unknown code, cancelled registration, or a printer fault, said in one
    sentence with what to do), 2 error.

    \b
    Examples:
      kiosk badges print KD43EV --printer kiosk-pdf
      KIOSK_PRINTER=ql-desk KIOSK_BADGE_SIZE=62mm kiosk badges print KD43EV
    """
    from kiosk.interop.badge_print import print_badge
    from kiosk.interop.print_words import staff_sentence
    from kiosk.store.attendees import find_by_code

    db = env.db()
    person = find_by_code(db, code)
    if person is None:
        fail("No attendee has that code: nothing printed.", 1)
    if person.status == "cancelled":
        fail(f"The registration of {person.code} was cancelled: no badge printed.", 1)
    chosen_printer = printer or env.settings.printer
    done = print_badge(db, person, event_name=env.event().name, printer=chosen_printer,
                       size=(size or env.settings.badge_size).lower(), device=device or env.settings.device,
                       origin="cli", now=env.now)
    if not done.ok:
        assert done.fault is not None
        fail(staff_sentence(done.fault, "en"), 1)
    again = " (a reprint)" if done.reprint else ""
    click.echo(f"Badge of {person.code} printed on {done.printer}, job {done.job}{again}.")
