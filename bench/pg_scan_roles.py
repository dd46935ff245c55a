"""The scan moment on PostgreSQL (issue 19): the desk started with `--db URL`, against a floor that commits there.

The same measurement as bench/scan_bench.py, whose roles, pty and scan steps it reuses: from the
Enter byte to the frame that shows the person's name, kiosk and floor taking turns scan by scan.
The kiosk runs on its own copy of the event on the benchmark's PostgreSQL server; the floor
(bench/bare_app.py with a URL) on another copy on the same server, doing what the kiosk's commit
does there in the cheapest way: the code looked up by its index, `BEGIN`, the advisory write lock
every kiosk writer takes, one INSERT, `COMMIT`. Target: the desk's p95 at most 1.5x its floor's.

A desk on PostgreSQL keeps a local copy of the event for when the server drops
(kiosk/store/offline_copy.py), in KIOSK_OFFLINE_DIR: here a folder of the run's own, removed after
it (it was the checkout's data/, 20 MB more each run). Its first copy of 100,000 people is made
once per device and database, when the desk is set up (15-30 s of the desk's background here);
the scans are measured once it is made, at a desk that is ready, as when the doors open. What the
copy does after that stays in the figures: every 2 s this desk's own scans' presence, and for the
first two minutes after the copy (as after an import) the whole roster read again every 10 s.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.measure import Result, p95, summary
from bench.scan_bench import ROLES, SCANS, Role, people, scan, start_pair
from kiosk.store import connect

# Issue 19: on PostgreSQL no worse than 1.5x a floor that does the same commit there.
PG_TARGET = 1.5


def measure_pg_role(kiosk_url: str, floor_url: str, role: Role, runs: int, warmup: int = 3) -> tuple[list[float], list[float]]:
    """`runs` scans on the role's kiosk (on PostgreSQL) and as many on its floor, in turns: (kiosk, floor) seconds."""
    db = connect(kiosk_url)
    chosen = people(db, role.name, warmup + runs)  # the store's connection: the same `?` SQL
    everyone = int(db.execute("SELECT max(id) FROM attendees").fetchone()[0])
    db.close()
    if len(chosen) < warmup + runs:
        raise RuntimeError(f"only {len(chosen)} people with distinct names for the {role.name}")
    with offline_folder() as folder:
        pair = start_pair(kiosk_url, floor_url, role)  # a URL goes to --db as a path would
        kiosk, floor = [], []
        try:
            copy_made(folder, everyone)
            pair.kiosk.quiet(0.3, timeout=30)
            for i, (code, name) in enumerate(chosen):
                turns = [(pair.floor, floor, name, "", ""), (pair.kiosk, kiosk, role.shown(name), role.back, role.ready)]
                for term, samples, text, back, ready in (turns if i % 2 == 0 else turns[::-1]):
                    start, shown = scan(term, code, text, back, ready)
                    if i >= warmup:
                        samples.append(shown - start)
        finally:
            pair.stop()
    return kiosk, floor


@contextmanager
def offline_folder() -> Iterator[Path]:
    """While open, KIOSK_OFFLINE_DIR is a new folder of this run's own (removed after, with the copy in it)."""
    folder = Path(tempfile.mkdtemp(prefix="pg-scan-offline-"))
    before = os.environ.get("KIOSK_OFFLINE_DIR")
    os.environ["KIOSK_OFFLINE_DIR"] = str(folder)
    try:
        yield folder
    finally:
        if before is None:
            os.environ.pop("KIOSK_OFFLINE_DIR", None)
        else:
            os.environ["KIOSK_OFFLINE_DIR"] = before
        shutil.rmtree(folder, ignore_errors=True)


def copy_made(folder: Path, everyone: int, timeout: float = 300) -> None:
    """Until the desk's local copy in `folder` holds every attendee up to id `everyone` and the presence."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for path in folder.glob("offline-*.db"):
            try:
                with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as local:
                    state = dict(local.execute("SELECT key, value FROM copy_state "
                                               "WHERE key IN ('attendee_id', 'scan_id')").fetchall())
            except sqlite3.Error:
                continue  # being created
            if int(state.get("attendee_id", 0)) >= everyone and "scan_id" in state:
                return
        time.sleep(0.5)
    raise TimeoutError(f"the desk's offline copy in {folder} was not made in {timeout:.0f} s")


@contextmanager
def password_in_environment(url: str) -> Iterator[Callable[[str], str]]:
    """While open, the URL's password is in PGPASSWORD; yields what takes it out of a URL.

    The kiosk refuses a password on its command line (every user sees it in `ps`), as an organiser
    would be told to, so the kiosk and its floor are given the URL without it and find it in the
    environment they inherit, as libpq reads it.
    """
    match = re.search(r"://[^:/@]*:([^@]*)@", url)
    before = os.environ.get("PGPASSWORD")
    if match:
        os.environ["PGPASSWORD"] = match.group(1)
    try:
        yield lambda u: re.sub(r"(://[^:/@]*):[^@]*@", r"\1@", u)
    finally:
        if before is None:
            os.environ.pop("PGPASSWORD", None)
        else:
            os.environ["PGPASSWORD"] = before


def pg_scan_moment(database: Callable[[str], str], runs: int = SCANS, roles: tuple[str, ...] = ("desk",),
                   warmup: int = 3) -> list[Result]:
    """The scan moment of each role on PostgreSQL against its floor there; `database(name)` gives a fresh copy's URL."""
    results = []
    for name in roles:
        role = ROLES[name]
        at = round(os.getloadavg()[0], 2)
        kiosk_url, floor_url = database(f"scan_kiosk_{name}"), database(f"scan_floor_{name}")
        with password_in_environment(kiosk_url) as bare:
            kiosk, floor = measure_pg_role(bare(kiosk_url), bare(floor_url), role, runs, warmup)
        f_med, f_p95, f_max = summary(floor)
        k_med, k_p95, k_max = summary(kiosk)
        ratio = round(p95(kiosk) / p95(floor), 2)
        after = round(os.getloadavg()[0], 2)
        results.append(Result(f"pg.scan_moment.{name}.floor_p95", round(f_p95, 1), "ms", "floor", True,
                              f_med, f_p95, f_max, load=at))
        results.append(Result(f"pg.scan_moment.{name}.p95_vs_floor", ratio, "x floor", f"<= {PG_TARGET:g}",
                              ratio <= PG_TARGET, k_med, k_p95, k_max, floor=f_p95, ratio=ratio, load=after))
        results.append(Result(f"pg.scan_moment.{name}.median_vs_floor", round(k_med / f_med, 2), "x floor", "info",
                              True, k_med, floor=f_med, ratio=round(k_med / f_med, 2), load=after))
    return results
