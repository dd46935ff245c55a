"""`kiosk checkin CODE`: the desk's check-in from a script, through the same store call."""

from __future__ import annotations

import click

from kiosk.cli import main
from kiosk.cli.common import Env, fail, pass_env
from kiosk.domain.outcomes import Light
from kiosk.store import StoreError
from kiosk.store.scans import record_scan


@main.command("checkin")
@click.argument("code")
@click.option("--exit", "is_exit", is_flag=True, help="Check out instead of in.")
@click.option("--device", "--desk", "desk",
              help="The desk name written into the scan log (default: kiosk --device, KIOSK_DEVICE, this host).")
@click.option("--nonce", help="A unique id for this scan: sending the same nonce again records it once.")
@pass_env
def checkin(env: Env, code: str, is_exit: bool, desk: str | None, nonce: str | None) -> None:
    """Check a person in (or out with --exit) by their code.

    Exit 0 accepted, 1 refused (the reason is printed), 2 error.
    Example: kiosk checkin M4RT9Z --device desk-1
    """
    db = env.db()
    try:
        result = record_scan(
            db, code, now=env.now(), device=desk or env.settings.device,
            direction="exit" if is_exit else "entry", nonce=nonce,
        )
    except StoreError as error:
        fail(str(error))
    who = result.person.name if result.person else code
    if result.light is Light.GREEN:
        click.echo(f"{result.reason.value}: {who} ({result.arrivals}/{result.expected} arrived)")
        return
    detail = f", first at {result.first_entry_at} by {result.first_entry_device}" if result.first_entry_at else ""
    click.echo(f"refused: {result.reason.value}: {who}{detail}")
    raise SystemExit(1)
