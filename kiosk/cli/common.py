"""What every subcommand shares: the event opened once (kiosk.env), plain errors, click's plumbing."""

from __future__ import annotations

import sys

import click

from kiosk.env import Env, fail, fail_programme

__all__ = ["Env", "fail", "fail_programme", "pass_env", "progress"]

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
