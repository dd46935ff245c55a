"""`kiosk correct CODE`: correct a walk-in's name, organisation or city, as the desk's F10 does."""

from __future__ import annotations

import click

from kiosk.cli import main
from kiosk.cli.common import Env, fail, pass_env
from kiosk.store.attendees import find_by_code
from kiosk.store.corrections import CorrectionRefused, NotAWalkIn, correct_walk_in


@main.command("correct")
@click.argument("code")
@click.option("--name", help="The right name.")
@click.option("--organisation", help="The right organisation ('' to clear it).")
@click.option("--city", help="The right city ('' to clear it).")
@click.option("--device", "--desk", "desk",
              help="Who corrects, as written into the corrections log (default: kiosk --device, KIOSK_DEVICE, this host).")
@pass_env
def correct(env: Env, code: str, name: str | None, organisation: str | None, city: str | None,
            desk: str | None) -> None:
    """Correct a walk-in's details; each change is logged in the corrections table.

    Only walk-ins: an imported attendee's details come from the registration list (correct them
    there and import it again). Exit 0 corrected (or nothing to change), 1 unknown code or not a
    walk-in, 2 error.
    Example: kiosk correct KD43EV --name "Wessel Walkin" --device desk-1
    """
    if name is None and organisation is None and city is None:
        fail("Nothing to correct: give --name, --organisation and/or --city.")
    db = env.db()
    person = find_by_code(db, code)
    if person is None:
        fail("No attendee has that code.", 1)
    try:
        done = correct_walk_in(db, person.id, name=name, organisation=organisation, city=city,
                               now=env.now(), device=desk or env.settings.device)
    except NotAWalkIn as error:
        fail(f"Not corrected: {error}.", 1)
    except CorrectionRefused as error:
        fail(f"Not corrected: {error}.")
    if not done.changes:
        click.echo(f"{done.person.code}: nothing to change.")
    for change in done.changes:
        click.echo(f"{done.person.code} {change.field}: {change.old or '(empty)'} -> {change.new or '(empty)'}")
