"""`kiosk programme check|show|init`: validate the programme file, print it, or copy the shipped one."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kiosk.cli import main
from kiosk.cli.common import Env, fail, fail_programme, pass_env
from kiosk.domain.loader import ProgrammeError, load_programme
from kiosk.shipped import PROGRAMME as SHIPPED_PROGRAMME


@main.group("programme")
def programme_group() -> None:
    """Check, show or start a programme (the shipped G40 programme, or --programme)."""


@programme_group.command("init")
@click.argument("file", default="programme.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE when it exists.")
def init(file: str, force: bool) -> None:
    """Write a copy of the shipped G40 programme to FILE (default programme.toml) to edit.

    Example: kiosk programme init netwerkdag.toml && kiosk --programme netwerkdag.toml
    """
    path = Path(file)
    if path.exists() and not force:
        fail(f"{path} exists already; nothing was written. Pick another name, or add --force to overwrite it.")
    try:
        path.write_bytes(SHIPPED_PROGRAMME.read_bytes())
    except OSError as error:
        fail(f"{path} cannot be written: {error.strerror or error}.")
    click.echo(f"Wrote {path}: a copy of the G40 programme to edit (what is still to fill in, the date, "
               f"rooms and capacities, is marked IN TE VULLEN). Check it with `kiosk programme check {path}`; start on it with "
               f"`kiosk --programme {path}` (or KIOSK_PROGRAMME={path}).")


@programme_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False))
@pass_env
def check(env: Env, file: str | None) -> None:
    """Validate a programme file and list every problem, one line each (exit 2 when any).

    Example: kiosk programme check data/programme.toml
    """
    path = Path(file) if file else env.settings.programme_path
    try:
        programme = load_programme(path)
    except ProgrammeError as error:
        fail_programme(error)
    click.echo(f"{path.name}: ok, {len(programme.sessions)} items in {len(programme.rounds)} rounds")
    for line in programme.placeholders():
        click.echo(f"{path.name}: to fill in: {line}")


@programme_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the validated programme as JSON.")
@pass_env
def show(env: Env, as_json: bool) -> None:
    """Print the programme: a table of items, or JSON with --json.

    Example: kiosk programme show --json | jq '.sessions[].id'
    """
    programme = env.programme()
    if as_json:
        data = programme.model_dump(mode="json")
        for item, session in zip(data["sessions"], programme.sessions):
            item["capacity"] = programme.capacity(session)
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for session in programme.sessions:
        where = f" [{session.room}]" if session.room else ""
        click.echo(f"{session.time_range():<12} {session.id:<28} {session.title}{where}")
