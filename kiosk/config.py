"""Where the database and programme are, the language, the clock and the staff PIN.

Each setting comes from a command-line flag, else an environment variable, else a default:
`KIOSK_DB` (a file, or a `postgresql://` URL: kiosk.store.db), `KIOSK_PROGRAMME`, `KIOSK_LANG`
(nl, en), `KIOSK_NOW` (+ `KIOSK_NOW_FROZEN`; a running KIOSK_NOW is shared by the processes on one
database), `KIOSK_STAFF_PIN`, `KIOSK_DEVICE` (the name this desk or door writes into the scan
log), `KIOSK_PRINTER` (the CUPS printer badges print on; none by default) and `KIOSK_BADGE_SIZE`
(a4, 62mm or 4x3in; kiosk.interop.badge_label).

The database's default depends on how the kiosk runs: in a checkout (`make run`, an editable
install) it is `data/kiosk.db` beside the programme; an installed tool (a wheel, pipx, uv tool)
keeps it in the user's data folder (`~/.local/share/netwerkdag-kiosk/kiosk.db` on Linux), since
its own folder is site-packages, which is no place for a day's data.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from kiosk.clock import Clock, parse_now, rehearsal_notes
from kiosk.i18n import Lang, as_lang
from kiosk.shipped import INSTALLED, PROGRAMME
from kiosk.store.db import Database, is_url
from kiosk.store.db import shown as shown_db

APP_NAME = "netwerkdag-kiosk"


def _default_db() -> Path:
    """`data/kiosk.db` in a checkout; the user's data folder for an installed tool."""
    if not INSTALLED:
        return Path(__file__).resolve().parent.parent / "data" / "kiosk.db"
    # Imported only here: a checkout's CLI commands start without it (Textual imports it anyway).
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / "kiosk.db"


DEFAULT_DB = _default_db()
DEFAULT_PROGRAMME = PROGRAMME
# Used when KIOSK_STAFF_PIN is unset (staff screens only: a screen for the public refuses it).
DEFAULT_STAFF_PIN = "0000"


class Role(StrEnum):
    """The screens a kiosk starts in: one per kind of person at the event."""

    PROGRAMME = "programme"
    DESK = "desk"
    SELFSERVICE = "selfservice"
    DOOR = "door"
    DASHBOARD = "dashboard"


# Where the database is: a SQLite file (a Path) or a PostgreSQL URL (a str, kept as it was given).
DbTarget = Path | str


def db_target(value: str | Path) -> DbTarget:
    """The database `--db` or KIOSK_DB names: a URL stays a str (a Path collapses its `//`), a file is a Path."""
    text = str(value)
    return text if is_url(text) else Path(value)


def password_in(target: DbTarget) -> bool:
    """True when the database's URL (or libpq key=value string) holds a password itself."""
    if not is_url(target):
        return False
    text = str(target)
    return bool(re.search(r"://[^/@?]*:[^@/]*@", text) or re.search(r"(^|[\s?&])password\s*=", text))


def shown(path: DbTarget) -> str:
    """A path as a person reads it: the home folder as `~`; a URL without its password."""
    if is_url(path):
        return shown_db(path)
    path, home = Path(path), Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


def make_default_db_folder(db_path: DbTarget) -> None:
    """Create the user data folder when the database is the installed tool's default and it is missing.

    Only that folder: a missing folder of a `--db` someone typed stays an error (a typo, or a drive
    not plugged in), and the store never creates one. Owner-only, as it holds attendee data. A
    PostgreSQL URL has no folder on this machine: nothing is made.
    """
    if isinstance(db_path, str) or is_url(db_path):
        return
    if INSTALLED and db_path == DEFAULT_DB:
        db_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)


def default_device() -> str:
    """This host and the terminal it runs in (`vm-pts3`), else the process (`vm-4711`).

    Stable across a restart in the same terminal, so a desk restarted after a crash still lists
    and undoes its own scans; distinct per terminal, so two desks on one host never undo each
    other's. `--device` / `KIOSK_DEVICE` name it for good (desk-1, door-vaartocht).
    """
    host = socket.gethostname()
    try:
        return f"{host}-{os.ttyname(0).removeprefix('/dev/').replace('/', '')}"
    except OSError:  # not a terminal (a script, a test, a browser tab without a tty)
        return f"{host}-{os.getpid()}"


@dataclass
class Settings:
    """Everything a process needs to know about its place in the event."""

    db_path: DbTarget = DEFAULT_DB  # a file (Path) or a PostgreSQL URL (str): see db_target
    programme_path: Path = DEFAULT_PROGRAMME
    lang: Lang = "nl"
    now: str | None = None
    now_frozen: bool = False
    staff_pin: str | None = None
    device: str = field(default_factory=default_device)
    printer: str | None = None
    badge_size: str = "a4"

    def __post_init__(self) -> None:
        # Made by hand (a test, `dataclasses.replace`) too: a URL kept as a str, a file as a Path.
        self.db_path = db_target(self.db_path)

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> Settings:
        """Settings from the environment, with flags (non-None overrides) taking precedence."""
        env = dict(os.environ if env is None else env)
        settings = cls(
            db_path=db_target(env.get("KIOSK_DB") or DEFAULT_DB),
            programme_path=Path(env.get("KIOSK_PROGRAMME") or DEFAULT_PROGRAMME),
            lang=as_lang(env.get("KIOSK_LANG")),
            now=env.get("KIOSK_NOW") or None,
            now_frozen=env.get("KIOSK_NOW_FROZEN", "") not in ("", "0", "false"),
            staff_pin=env.get("KIOSK_STAFF_PIN") or None,
            printer=env.get("KIOSK_PRINTER", "").strip() or None,
            badge_size=(env.get("KIOSK_BADGE_SIZE", "").strip() or "a4").lower(),
        )
        if env.get("KIOSK_DEVICE"):
            settings.device = env["KIOSK_DEVICE"]
        for key, value in overrides.items():
            if value is not None:
                if key == "db_path":
                    value = db_target(value)  # type: ignore[arg-type]
                elif key.endswith("_path"):
                    value = Path(value)  # type: ignore[arg-type]
                setattr(settings, key, value)
        settings.lang = as_lang(settings.lang)  # a --lang flag is checked by click; a test's value here
        return settings

    @property
    def pin_is_default(self) -> bool:
        """True when no staff PIN was configured and the well-known default is in force."""
        return not self.staff_pin

    @property
    def pin_is_weak(self) -> bool:
        """No PIN, the well-known default, or fewer than 4 characters: not fit for a public screen."""
        pin = (self.staff_pin or "").strip()
        return len(pin) < 4 or pin == DEFAULT_STAFF_PIN

    def clock(
        self, event_date=None, tz: str = "Europe/Amsterdam", *, db: Database | None = None,
        say: Callable[[str], None] | None = None,
    ) -> Clock:
        """The clock these settings describe; with `db`, a running KIOSK_NOW is that database's.

        Every process on one database with the same running KIOSK_NOW shares one rehearsal clock
        (kiosk.store.rehearsal): a desk restarted at 09:25 goes on at 09:25, not at KIOSK_NOW
        again. Frozen and real clocks are not shared (the stored rehearsal is ignored). `say`
        gets what is worth a line on stderr (another KIOSK_NOW running on the same database).
        """
        if db is None or not self.now or self.now_frozen:
            return Clock.from_env(self.now, self.now_frozen, event_date=event_date, tz=tz)
        from kiosk.store.db import StoreFault, explain
        from kiosk.store.rehearsal import shared_rehearsal

        say = say or (lambda line: print(line, file=sys.stderr))
        start = parse_now(self.now, event_date=event_date, tz=tz)
        real = dt.datetime.now(dt.UTC)
        try:
            chosen, began_now, stored = shared_rehearsal(db, start, real=real)
        except StoreFault as error:
            # The clock must not stop a command; the write that follows says what is wrong.
            say(f"KIOSK_NOW={self.now}: the shared rehearsal clock could not be read or stored ({explain(error)}); "
                "this process runs its own from KIOSK_NOW.")
            return Clock(start, tz=tz)
        for line in rehearsal_notes(self.now, chosen, began_now, stored, real):
            say(line)
        return Clock(chosen.at(real), tz=tz)
