"""The floor for terminal measurements: a bare Textual app with one Input and one line of output.

Run as `python -m bench.bare_app`. Enter shows `OK <value>`; each keystroke shows `ECHO <value>`,
standing in for the desk's answer and its updated search list.

With `--db FILE` it is the floor of the scan moment (bench/scan_bench.py): Enter looks the code up
in that file's attendees, then `BEGIN IMMEDIATE`, one INSERT, `COMMIT` (WAL, `synchronous=FULL`,
as every kiosk connection), and shows the person's name; all of it right in the Enter's handler
on the UI thread, the cheapest way Textual allows. `--no-commit` leaves the write out (the
self-service kiosk writes nothing when a badge opens a day). Plain sqlite3, not the kiosk's store:
the floor must not carry any of the kiosk's code.
"""

from __future__ import annotations

import argparse
import sqlite3

from textual import on
from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class BareApp(App[None]):
    """One Input and one Static, nothing else."""

    def __init__(self, db_path: str | None = None, commit: bool = True) -> None:
        super().__init__()
        self.db: sqlite3.Connection | None = None
        self.commit = commit
        if db_path:
            self.db = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA busy_timeout = 5000")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = FULL")
            self.db.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, code TEXT, at TEXT)")

    def compose(self) -> ComposeResult:
        yield Input(placeholder="Scan a badge or type a name…", id="bare-input")
        yield Static("", id="bare-out", markup=False)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        out = self.query_one("#bare-out", Static)
        if self.db is None:
            out.update(f"OK {event.value}")
        else:
            row = self.db.execute("SELECT name FROM attendees WHERE code = ? COLLATE NOCASE", (event.value,)).fetchone()
            if self.commit:
                self.db.execute("BEGIN IMMEDIATE")
                self.db.execute("INSERT INTO bench_floor (code, at) VALUES (?, datetime('now'))", (event.value,))
                self.db.execute("COMMIT")
            out.update(row[0] if row else f"? {event.value}")
        event.input.value = ""

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if event.value and self.db is None:
            self.query_one("#bare-out", Static).update(f"ECHO {event.value}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="look codes up and commit a row in this file on Enter")
    parser.add_argument("--no-commit", action="store_true", help="with --db: look up only, write nothing")
    args = parser.parse_args()
    BareApp(args.db, commit=not args.no_commit).run()
