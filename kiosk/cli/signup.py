"""`kiosk signup|cancel CODE SESSION_ID`: the self-service choice from a script, same code path."""

from __future__ import annotations

from collections.abc import Callable

import click

from kiosk.cli import main
from kiosk.cli.common import Env, fail, pass_env
from kiosk.domain.outcomes import SignupResult, SignupStatus
from kiosk.store import StoreError
from kiosk.store.signups import cancel, signup

EXIT_CODES = {
    SignupStatus.CONFIRMED: 0,
    SignupStatus.UNCHANGED: 0,
    SignupStatus.CANCELLED: 0,
    SignupStatus.WAITLISTED: 3,
    SignupStatus.REFUSED: 1,
}


DEVICE_HELP = "The name written into the sign-up's device column (default: kiosk --device, KIOSK_DEVICE, this host)."


def _run(env: Env, change: Callable[..., SignupResult], code: str, session_id: str, device: str | None) -> None:
    """Make the sign-up or cancel, print what it came to, and exit with its code."""
    try:
        result = change(env.db(), code, session_id, now=env.now(), device=device or env.settings.device)
    except StoreError as error:
        fail(str(error))
    line = result.status.value
    if result.reason:
        line += f": {result.reason}"
    if result.conflict_with:
        line += f" (clashes with {result.conflict_with})"
    if result.moved_from:
        line += f" (moved from {result.moved_from})"
    if result.waitlist_position:
        line += f" (place {result.waitlist_position} on the waitlist)"
    if result.left_waitlists:
        line += f" (left the waitlist of {', '.join(result.left_waitlists)}: it clashes)"
    if result.promoted:
        line += f" (the freed seat went to {len(result.promoted)} from the waitlist)"
    click.echo(line)
    raise SystemExit(EXIT_CODES[result.status])


@main.command("signup")
@click.argument("code")
@click.argument("session_id")
@click.option("--device", help=DEVICE_HELP)
@pass_env
def signup_command(env: Env, code: str, session_id: str, device: str | None) -> None:
    """Choose a session for an attendee; a full session puts them on its waitlist.

    Exit 0 confirmed, 3 waitlisted, 1 refused (the reason is printed), 2 error.
    Example: kiosk signup M4RT9Z lunch-vaartocht --device kiosk-foyer-1
    """
    _run(env, signup, code, session_id, device)


@main.command("cancel")
@click.argument("code")
@click.argument("session_id")
@click.option("--device", help=DEVICE_HELP)
@pass_env
def cancel_command(env: Env, code: str, session_id: str, device: str | None) -> None:
    """Give up a seat or a waitlist place; the first on the waitlist gets the seat.

    Exit 0 cancelled, 1 refused (the reason is printed), 2 error.
    Example: kiosk cancel M4RT9Z lunch-vaartocht --device desk-1
    """
    _run(env, cancel, code, session_id, device)
