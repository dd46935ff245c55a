"""`make bench` on PostgreSQL: the server, the event loaded once, a fresh copy per step, the figures beside SQLite's.

`PostgresRun(master)` starts a throwaway server (bench/pg_server.py) at its first step, loads the
built SQLite event into a template database (bench/pg_load.py) and gives each step a copy of it,
so every measurement starts from the same state, as the SQLite steps each start from a copy of
the file. Without the server binaries each step returns nothing and the run says once what to
install. `beside(results)` is the table of PostgreSQL figures next to the SQLite ones.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.measure import Result

TEMPLATE = "bench_event"


class PostgresRun:
    """The PostgreSQL half of a bench run, started at its first step and stopped at the end."""

    def __init__(self, master: Path, server: Any = None, prefix: str = "") -> None:
        # `server`: one already running (the tests hand theirs in, with a `prefix` for the
        # databases' names); else one is started here.
        self.master = master
        self.prefix = prefix
        self.server = server
        self._own = server is None
        self._loaded = False
        self._unavailable = ""
        self._made: set[str] = set()  # databases to drop at the end on a server handed in

    def ready(self) -> bool:
        """Whether there is a server with the event loaded (started and loaded at the first call)."""
        if self._unavailable:
            return False
        if self.server is None:
            from bench.pg_server import PgServer, missing

            if reason := missing():
                self._unavailable = reason
                print(reason, file=sys.stderr)
                return False
            self.server = PgServer.start()
        if not self._loaded:
            from bench.pg_load import load_event

            start = time.perf_counter()
            print("loading the event into PostgreSQL (COPY) ...", file=sys.stderr)
            load_event(self.master, self.server.create_database(self.prefix + TEMPLATE))
            print(f"loaded in {time.perf_counter() - start:.0f} s", file=sys.stderr)
            self._loaded = True
        return True

    def database(self, name: str) -> str:
        """A fresh copy of the event named `name` (replacing one of that name); its URL."""
        self.server.drop_database(self.prefix + name)
        self._made.add(self.prefix + name)
        return str(self.server.create_database(self.prefix + name, template=self.prefix + TEMPLATE))

    def step(self, measure: Callable[[str], list[Result]], name: str) -> Callable[[], list[Result]]:
        """A bench step that runs `measure(url)` on a fresh copy called `name`, or nothing without a server."""
        def run() -> list[Result]:
            if not self.ready():
                return []
            url = self.database(name)
            try:
                return measure(url)
            finally:
                self.server.drop_database(self.prefix + name)
        return run

    def steps(self) -> list[tuple[str, Callable[[], list[Result]]]]:
        """The PostgreSQL steps of `make bench`, in order."""
        from bench.pg_bench import checkin, desks, name_search
        from bench.pg_scan_roles import pg_scan_moment
        from bench.pg_screen_bench import commit_to_screen

        def scan_moment() -> list[Result]:
            if not self.ready():
                return []
            return pg_scan_moment(self.database)

        return [
            ("pg check-in", self.step(checkin, "run_checkin")),
            ("pg search", self.step(lambda url: name_search(url, self.master), "run_search")),
            ("pg commit to screen", self.step(commit_to_screen, "run_screen")),
            ("pg sixteen desks", self.step(desks, "run_desks")),
            ("pg scan moment", scan_moment),
        ]

    def stop(self) -> None:
        """Stop the server this run started (one handed in is its owner's to stop: only the template goes)."""
        if not self._own and self._loaded:
            for name in sorted(self._made) + [self.prefix + TEMPLATE]:
                self.server.drop_database(name)
        if self._own and self.server is not None:
            self.server.stop()
            self.server = None


# (what, SQLite's result and field, PostgreSQL's result and field): the lines of the side-by-side table.
BESIDE = [
    ("check-in median (ms)", "checkin.median_vs_floor", "median", "pg.checkin.median_vs_insert_commit", "median"),
    ("bare INSERT+COMMIT median (ms)", "checkin.floor_insert_commit", "value", "pg.checkin.floor_insert_commit", "value"),
    ("check-in / bare INSERT+COMMIT (x, <= 3)", "checkin.median_vs_floor", "value",
     "pg.checkin.median_vs_insert_commit", "value"),
    ("check-in / bare check-in transaction (x)", "", "", "pg.checkin.median_vs_checkin_transaction", "value"),
    ("desks flat out: worst check-in (ms; SQLite 8, PG 16 desks)", "eight_desks.worst_checkin", "value",
     "pg.16_desks.worst_checkin", "value"),
    ("desks flat out: check-ins per second", "eight_desks.checkins_per_second", "value",
     "pg.16_desks.checkins_per_second", "value"),
    ("dashboard after a check-in (ms; SQLite: refresh p95, PG: commit to refresh p95)",
     "dashboard.refresh_after_venue_checkin", "p95", "pg.commit_to_screen.p95", "value"),
    *[(f"search p95, {kind} (ms)", f"pg.search.{kind}.sqlite_p95", "value", f"pg.search.{kind}.p95", "value")
      for kind in ("1_letter", "3_letters", "two_words", "diacritic")],
    ("desk scan moment p95 / its floor (x)", "scan_moment.desk.p95_vs_floor", "value",
     "pg.scan_moment.desk.p95_vs_floor", "value"),
]


def beside(results: list[Result]) -> str:
    """The PostgreSQL figures beside the SQLite ones ('' when there are no PostgreSQL figures)."""
    by_name = {r.name: r.row() for r in results}
    if not any(name.startswith("pg.") for name in by_name):
        return ""

    def cell(name: str, field: str) -> str:
        value = by_name.get(name, {}).get(field) if name else None
        return f"{value:10.2f}" if isinstance(value, (int, float)) else f"{'-':>10}"

    lines = [f"{'':<72} {'SQLite':>10} {'PostgreSQL':>10}"]
    lines += [f"{what:<72} {cell(s, sf)} {cell(p, pf)}" for what, s, sf, p, pf in BESIDE]
    return "\n".join(lines)
