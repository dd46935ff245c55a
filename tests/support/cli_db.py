"""How a test hands its database to the `kiosk` command: `--db` without a password, the password in PGPASSWORD.

`kiosk --db postgresql://user:secret@host/db` is refused (a command line is visible to every
user of the machine in `ps`), so a test passes the URL without its password and the password the
way an organiser does: in PGPASSWORD, which libpq reads itself. A SQLite file is passed as it is.
`KIOSK_DB` may hold the whole URL (an environment is not shown by `ps` to other users).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from kiosk.store.db import is_url


def cli_db(target: str | Path) -> tuple[str, dict[str, str]]:
    """`--db`'s value for this database, and the environment its password travels in ({} for a file)."""
    text = str(target)
    if not is_url(text):
        return text, {}
    parts = urlsplit(text)
    if parts.password is None:
        return text, {}
    user = f"{parts.username}@" if parts.username else ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}{host}")), {"PGPASSWORD": parts.password}


def db_args(target: str | Path, env: dict[str, str] | None = None) -> tuple[list[str], dict[str, str]]:
    """`["--db", VALUE]` and `env` with the password added: what CliRunner or a subprocess is given."""
    value, secret = cli_db(target)
    return ["--db", value], {**(env or {}), **secret}
