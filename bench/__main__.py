"""`make bench`: build the event-scale database (once), run every measurement, print a table, write results.json.

`python -m bench STEP ...` runs only the steps named (e.g. `python -m bench "scan moment"`) and
prints them without writing results.json, which holds a whole run.
"""

from __future__ import annotations

import compileall
import json
import os
import sys
import time
from pathlib import Path

from bench.build import ensure_built
from bench.dashboard_bench import dashboard_refresh
from bench.measure import Result
from bench.pg_run import PostgresRun, beside
from bench.scan_bench import copy_synced, scan_moment
from bench.store_bench import checkin_vs_floor, eight_desks, last_seat, search_as_you_type
from bench.tui_bench import key_to_screen, startup

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results.json"


def _fresh_copy(master: Path, name: str) -> Path:
    """A copy of the built database, so that each measurement starts from the same state (on disk first)."""
    return copy_synced(master, HERE / name)


def main() -> None:
    """Run everything and report; exit 1 when a target was missed."""
    master = HERE / "bench.db"
    # Python caches compiled modules at their first import, unless PYTHONDONTWRITEBYTECODE is set
    # (it is on some managed machines, this one included): then every start would compile the
    # kiosk's modules anew (~60 ms) while Textual's were compiled by pip. Compile ours the same way.
    compileall.compile_dir(HERE.parent / "kiosk", quiet=1)
    compileall.compile_dir(HERE, quiet=1)
    start = time.perf_counter()
    print("building 100,000 attendees and 500,000 scans (unless bench/bench.db is up to date) ...", file=sys.stderr)
    ensure_built(master)
    print(f"ready in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    results: list[Result] = []
    steps = [
        ("check-in", lambda: checkin_vs_floor(_fresh_copy(master, "run.db"))),
        ("search", lambda: search_as_you_type(master)),
        ("dashboard", lambda: dashboard_refresh(_fresh_copy(master, "run.db"))),
        ("eight desks", lambda: eight_desks(_fresh_copy(master, "run.db"))),
        ("last seat", lambda: last_seat(_fresh_copy(master, "run.db"))),
        ("start-up", lambda: startup(_fresh_copy(master, "run.db"))),
        ("key to screen", lambda: key_to_screen(_fresh_copy(master, "run.db"))),
        ("scan moment", lambda: scan_moment(master)),
    ]
    # The same event on a throwaway PostgreSQL server (skipped, in one line, without its binaries).
    postgres = PostgresRun(master)
    steps += postgres.steps()
    only = sys.argv[1:]
    if unknown := [name for name in only if name not in dict(steps)]:
        sys.exit(f"no such step: {', '.join(unknown)} (steps: {', '.join(name for name, _ in steps)})")
    steps = [(label, step) for label, step in steps if not only or label in only]
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min) on {os.cpu_count()} cores",
          file=sys.stderr)
    try:
        for label, step in steps:
            print(f"measuring {label} ...", file=sys.stderr)
            results += step()
    finally:
        postgres.stop()
    print(f"{'name':<44} {'value':>9} {'unit':<8} {'median':>8} {'p95':>8} {'max':>8}  {'target':<8} met")
    for r in results:
        cells = [f"{v:8.2f}" if isinstance(v, float) else f"{'':>8}" for v in (r.median, r.p95, r.max)]
        print(f"{r.name:<44} {r.value:>9} {r.unit:<8} {' '.join(cells)}  {r.target:<8} {'yes' if r.met else 'NO'}")
    if table := beside(results):
        print(table)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{HERE / 'run.db'}{suffix}").unlink(missing_ok=True)
    print(f"took {time.perf_counter() - start:.0f} s; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", file=sys.stderr)
    if not only:
        RESULTS.write_text(json.dumps([r.row() for r in results], indent=2) + "\n")
        print(f"wrote {RESULTS.relative_to(HERE.parent)}", file=sys.stderr)
    sys.exit(0 if all(r.met for r in results) else 1)


if __name__ == "__main__":
    main()
