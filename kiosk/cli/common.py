"""What every subcommand shares: settings, the programme and store opened once, plain errors."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import NoReturn

import click
import sqlite3

from kiosk.config import Settings
from kiosk.domain.loader import ProgrammeError, load_programme
from kiosk.domain.programme import Programme
from kiosk.store import open_store
from kiosk.store.db import StoreFault, explain
from kiosk.store.sessions import sync_programme


def fail(message: str, code: int = 2) -> NoReturn:
    """Print one plain sentence to stderr and exit (2: error)."""
    click.echo(message, err=True)
    sys.exit(code)


@dataclass
class Env:
    """The command line's view of the event: settings, plus the programme and store on demand."""

    settings: Settings
    _programme: Programme | None = field(default=None, repr=False)
    _db: sqlite3.Connection | None = field(default=None, repr=False)

    def programme(self) -> Programme:
        """The validated programme, or exit 2 listing every problem."""
        if self._programme is None:
            try:
                self._programme = load_programme(self.settings.programme_path)
            except ProgrammeError as error:
                for problem in error.problems:
                    click.echo(problem, err=True)
                sys.exit(2)
        return self._programme

    def db(self) -> sqlite3.Connection:
        """The store, migrated and in step with the programme, or exit 2 with a plain sentence."""
        if self._db is None:
            programme = self.programme()
            try:
                self._db = open_store(self.settings.db_path)
                sync_programme(self._db, programme)
            except StoreFault as error:
                # A damaged page may surface as a bare sqlite3 error while reading: same sentence.
                fail(f"{explain(error)} ({self.settings.db_path})")
        return self._db

    def now(self):
        """The current moment on the event's clock."""
        event = self.programme().event
        return self.settings.clock(event.date, event.timezone).now()


pass_env = click.make_pass_decorator(Env)


def progress(items, length: int, label: str):
    """A progress bar on a terminal, nothing when piped."""
    if sys.stderr.isatty():
        return click.progressbar(items, length=length, label=label, file=sys.stderr)
    return _Quiet(items)


class _Quiet:
    """Stands in for click's progress bar when output is not a terminal."""

    def __init__(self, items) -> None:
        self.items = items

    def __enter__(self):
        # Itself, like click's bar: callers may iterate it or call update() on it.
        return self

    def __iter__(self):
        return iter(self.items or ())

    def __exit__(self, *exc) -> None:
        return None

    def update(self, n: int) -> None:
        """Ignored."""
