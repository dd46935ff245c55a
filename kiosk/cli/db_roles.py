"""`kiosk db roles`: the PostgreSQL logins of a venue, `kiosk_desk` and `kiosk_public` (kiosk.store.pg_roles)."""

from __future__ import annotations

import click

from kiosk.cli import db_group
from kiosk.cli.common import Env, fail, pass_env
from kiosk.config import shown
from kiosk.store.db import FaultKind, StoreError, is_url


@db_group.command("roles")
@click.option("--password", "ask_passwords", is_flag=True,
              help="Ask a password for each role (typed twice, not shown; sent to the server only as a SCRAM hash).")
@click.option("--show", is_flag=True, help="Print the SQL it runs, without connecting.")
@pass_env
def roles(env: Env, ask_passwords: bool, show: bool) -> None:
    """Create the logins for a PostgreSQL database: kiosk_desk (staff screens) and kiosk_public (the public's).

    Run it as the database's owner (the login that created it, with CREATEROLE), after the
    database exists and again after every upgrade: it brings the tables up to date first, and is
    safe to repeat. kiosk_desk reads and writes everything; kiosk_public, for the self-service
    kiosk and `--role dashboard --public`, reads no list of people: one person only by the code
    on their badge, who is inside only as counts; no e-mail addresses or scan log, so it cannot
    export, and it writes only sign-ups and the kiosk's badge prints.

    \b
    Examples:
      kiosk --db postgresql://kiosk@127.0.0.1/netwerkdag db roles --password
      kiosk --db postgresql://kiosk@127.0.0.1/netwerkdag db roles --show
    """
    from kiosk.store.pg_roles import ROLES, grant_roles, password_sql, roles_sql

    target = env.settings.db_path
    if not is_url(target):
        fail("kiosk db roles is for a PostgreSQL database: give --db postgresql://OWNER@HOST/DATABASE "
             "(a SQLite file has no logins; its folder's permissions decide who may open it).")
    if show:
        from psycopg.conninfo import conninfo_to_dict

        database = conninfo_to_dict(str(target)).get("dbname") or "netwerkdag"
        for statement in roles_sql(str(database)):
            click.echo(statement + ";")
        return
    db = env.db()
    try:
        grant_roles(db)
        if ask_passwords:
            for role in ROLES:
                password = click.prompt(f"Password for {role}", hide_input=True, confirmation_prompt=True)
                db.execute(password_sql(role, db.password_verifier(password, role)))
    except StoreError as error:
        if error.kind is FaultKind.DENIED:
            fail(f"Only the database's owner can create and grant the roles ({error.detail}): run it with "
                 f"the login that owns {shown(target)}, one with CREATEROLE.")
        raise
    for role in ROLES:
        click.echo(f"{role}: granted in {shown(target)}" + (", password set" if ask_passwords else ""))
    if not ask_passwords:
        click.echo("Set their passwords with --password (or psql's \\password) before the devices log in.")
