"""Where the PostgreSQL desk's scan moment goes: the desk and its floor under timing marks, with the server's log.

`python -m bench.pg_scan_profile [--runs N] [--keep DIR]` starts a throwaway server as
`python -m bench "pg scan moment"` does (bench/pg_run.py), here with every statement's duration in
its log and WAL and I/O timing on, and runs the desk (`--db URL`) and its floor
(bench/bare_app.py) under bench/scan_marks.py, scan by scan in turns as the benchmark does. The
kiosk's marks add the PostgreSQL steps: each pipelined batch (`pg.sync`, wall and CPU), each
statement sent by itself (`pg.execute`, with its thread), and what the desk does in the background
(`bg.*`: the offline copy's refresh, the heartbeat, the switch's round; `counters.read`: the side
panel; `watch.signal`: a notification heard). For every scan it prints the phases of
bench/scan_profile.py, the store call's batches, the background work that overlapped it and the
server's own time for the statements in it; then the medians, and the slowest scans in full. As
the benchmark, it scans once the desk's first offline copy is made (`--during-first-copy`: at once).

Not part of `make bench`: the log and the marks cost time themselves.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.scan_bench import ROLES, people, scan, start_pair
from bench.scan_profile import Mark, phases, read_marks

ROOT = Path(__file__).resolve().parent.parent
# What the background of a desk on PostgreSQL does, by mark label (see _pg_marks).
BACKGROUND = ("bg.tick", "bg.refresh", "bg.heartbeat", "bg.note_online", "counters.read", "watch.signal", "gc")


def _thread(*_args: object, **_kwargs: object) -> str:
    return threading.current_thread().name


def _statement(_self: object, sql: str, *_args: object, **_kwargs: object) -> str:
    return f"{threading.current_thread().name} {' '.join(sql.split())[:60]}"


def _pg_marks() -> None:
    """The kiosk's PostgreSQL steps and its background work, marked (bench.scan_marks.wrap)."""

    from bench.scan_marks import wrap_named

    for module, owner, name, label, detail in (
        ("kiosk.store.pg_pipeline", "RawPipeline", "sync", "pg.sync", _thread),
        ("kiosk.store.pg", "PgConnection", "execute", "pg.execute", _statement),
        ("kiosk.store.offline_switch", "OfflineSwitch", "tick", "bg.tick", _thread),
        ("kiosk.store.offline_switch", None, "refresh", "bg.refresh", _thread),
        ("kiosk.store.offline_switch", None, "heartbeat", "bg.heartbeat", _thread),
        ("kiosk.store.offline_switch", None, "note_online", "bg.note_online", _thread),
        ("kiosk.store.offline_switch", "OfflineSwitch", "scan", "switch.scan", _thread),
        ("kiosk.store.offline_switch", None, "record_scan", "store.record_scan", _thread),  # the desk's, on PostgreSQL
        ("kiosk.ui.widgets.desk_counters", "DeskCounters", "_read", "counters.read", _thread),
        ("kiosk.store.pg_watch", "PgChangeWatcher", "_signal", "watch.signal", _thread),
        ("kiosk.ui.screens.desk", None, "find_code", "desk.find_code", _thread),
        ("kiosk.ui.screens.desk", None, "search_people", "desk.search", _thread),
    ):
        wrap_named(module, owner, name, label, detail)


def marks_main(argv: list[str]) -> None:
    """`LOG -- kiosk|bare ARG...`: bench.scan_marks with the PostgreSQL marks too, into LOG-kiosk or LOG-bare."""
    from bench import scan_marks

    log, separator, which, *rest = argv
    # One log per app: the kiosk and its floor run under the same wrapper.
    original = scan_marks._kiosk

    def kiosk_and_pg() -> None:
        original()
        _pg_marks()

    scan_marks._kiosk = kiosk_and_pg
    scan_marks.main([f"{log}-{which}", separator, which, *rest])


class ServerLog:
    """The server's log lines with their wall-clock time: each statement's duration (log_min_duration_statement=0)."""

    LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \S+ \[(\d+)\] (\S*) LOG:  duration: ([0-9.]+) ms\s+(.*)")

    def __init__(self, path: Path) -> None:
        import datetime as dt

        self.rows: list[tuple[float, int, str, float, str]] = []
        for line in path.read_text(errors="replace").splitlines():
            if found := self.LINE.match(line):
                at = dt.datetime.strptime(found.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=dt.UTC).timestamp()
                self.rows.append((at, int(found.group(2)), found.group(3), float(found.group(4)), found.group(5)))

    def between(self, start: float, end: float, app: str = "") -> list[tuple[float, int, str, float, str]]:
        """Statements logged (ended) between two wall-clock times, of one application name if given."""
        return [r for r in self.rows if start <= r[0] <= end + 0.002 and (not app or r[2] == app)]


def _overlapping(marks: list[Mark], start: float, end: float, labels: tuple[str, ...]) -> list[Mark]:
    return [m for m in marks if m.label in labels and m.start < end and m.end > start]


def profile(runs: int, warmup: int, keep: Path | None, server_log: bool, made_first: bool = True) -> None:
    """Run the pair, print each scan's breakdown, the medians and the slowest scans."""
    from bench.build import ensure_built
    from bench.pg_run import PostgresRun
    from bench.pg_scan_roles import copy_made, offline_folder, password_in_environment
    from bench.pg_server import PgServer
    from kiosk.store import connect

    class LoggingServer(PgServer):
        SETTINGS = dict(PgServer.SETTINGS, track_wal_io_timing="on", track_io_timing="on",
                        log_line_prefix="'%m [%p] %a '",
                        **({"log_min_duration_statement": "0"} if server_log else {}))

    master = ensure_built(ROOT / "bench" / "bench.db")
    server = LoggingServer.start()
    if server is None:
        sys.exit("no PostgreSQL binaries")
    run = PostgresRun(master, server, prefix="prof_")
    role = ROLES["desk"]
    folder = Path(tempfile.mkdtemp(prefix="pg-profile-"))
    wall_offset = time.time() - time.perf_counter()  # server log (wall clock) to marks (perf_counter)
    try:
        run.ready()
        kiosk_url, floor_url = run.database("scan_kiosk"), run.database("scan_floor")
        db = connect(kiosk_url)
        chosen = people(db, "desk", warmup + runs)  # type: ignore[arg-type]
        everyone = int(db.execute("SELECT max(id) FROM attendees").fetchone()[0])
        db.close()
        log = folder / "marks.log"
        with password_in_environment(kiosk_url) as bare, offline_folder() as offline:
            wrapper = [sys.executable, "-m", "bench.pg_scan_profile", "--marks", str(log), "--"]
            pair = start_pair(bare(kiosk_url), bare(floor_url), role, wrapper)
            kiosk_t, floor_t = [], []
            try:
                if made_first:
                    copy_made(offline, everyone)  # as `python -m bench "pg scan moment"` does
                    pair.kiosk.quiet(0.3, timeout=30)
                at_start = os.getloadavg()[0]
                for i, (code, name) in enumerate(chosen):
                    turns = [(pair.floor, floor_t), (pair.kiosk, kiosk_t)]
                    for term, samples in (turns if i % 2 == 0 else turns[::-1]):
                        samples.append(scan(term, code, name))
            finally:
                pair.stop()
        run.stop()
        kiosk_marks = read_marks(Path(f"{log}-kiosk"))
        floor_marks = read_marks(Path(f"{log}-bare"))
        logged = ServerLog(server.log) if server_log else None
        report(kiosk_t[warmup:], floor_t[warmup:], kiosk_marks, floor_marks, logged, wall_offset, at_start)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            for path in (Path(f"{log}-kiosk"), Path(f"{log}-bare"), server.log):
                (keep / path.name).write_bytes(path.read_bytes())
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def report(kiosk: list[tuple[float, float]], floor: list[tuple[float, float]], marks: list[Mark],
           floor_marks: list[Mark], logged: ServerLog | None, wall_offset: float, load: float) -> None:
    """Per scan one line; then the medians; then the slowest three in full."""
    k_ms = [(shown - enter) * 1000 for enter, shown in kiosk]
    f_ms = [(shown - enter) * 1000 for enter, shown in floor]
    print(f"load average {load:.2f} -> {os.getloadavg()[0]:.2f}; {len(k_ms)} scans each")
    print(f"kiosk median {statistics.median(k_ms):.1f} ms, max {max(k_ms):.1f}; "
          f"floor median {statistics.median(f_ms):.1f}, max {max(f_ms):.1f}")
    print(f"{'#':>3} {'kiosk':>7} {'floor':>7}  {'find':>5} {'store':>6} {'syncs (wall/cpu)':<28} {'srv':>5}  overlapping")
    rows = []
    for number, ((enter, shown), (f_enter, f_shown)) in enumerate(zip(kiosk, floor, strict=True)):
        window = [m for m in marks if enter - 0.001 <= m.start <= shown]
        found = phases("desk", marks, enter, shown) or {}
        find = sum(m.ms for m in window if m.label == "desk.find_code")
        store = next((m for m in marks if m.label == "store.record_scan" and enter <= m.start <= shown), None)
        syncs = [m for m in marks if m.label == "pg.sync" and store and store.start <= m.start <= store.end]
        busy = _overlapping(marks, enter, shown, BACKGROUND)
        server_ms = 0.0
        if logged is not None:
            server_ms = sum(r[3] for r in logged.between(enter + wall_offset, shown + wall_offset, "netwerkdag-kiosk"))
        rows.append(((shown - enter) * 1000, number, found, busy, syncs, store))
        sync_text = " ".join(f"{m.ms:.1f}/{m.cpu:.1f}" for m in syncs)
        over = ", ".join(f"{m.label}({max(0.0, (min(m.end, shown) - max(m.start, enter)) * 1000):.0f})" for m in busy)
        print(f"{number:>3} {(shown - enter) * 1000:7.1f} {(f_shown - f_enter) * 1000:7.1f}  {find:5.1f} "
              f"{store.ms if store else 0:6.1f} {sync_text:<28} {server_ms:5.1f}  {over}")
    for label in ("store.record_scan", "pg.sync", "desk.find_code", "bg.tick", "bg.refresh", "bg.heartbeat",
                  "counters.read", "bg.note_online"):
        found = [m for m in marks if m.label == label]
        if found:
            print(f"  {label:<20} {len(found):4} calls, median {statistics.median(m.ms for m in found):7.2f} ms wall,"
                  f" {statistics.median(m.cpu for m in found):6.2f} cpu; max {max(m.ms for m in found):7.1f}")
    floor_gc = [m for m in floor_marks if m.label == "gc"]
    print(f"  floor gc: {len(floor_gc)}; kiosk gc: {sum(1 for m in marks if m.label == 'gc')}")
    for total, number, found, busy, syncs, _store in sorted(rows, key=lambda r: r[0], reverse=True)[:4]:
        print(f"-- scan {number}: {total:.1f} ms")
        for key, value in found.items():
            print(f"     {key:<52} {value:8.2f}")
        for m in busy + syncs:
            print(f"     {m.label:<16} {m.ms:7.2f} ms cpu {m.cpu:5.2f} {m.name}")


def main() -> None:
    """`--marks LOG -- kiosk|bare ...` is the wrapper the apps run under; otherwise the profile."""
    if sys.argv[1:2] == ["--marks"]:
        marks_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the marks logs and the server's log there")
    parser.add_argument("--no-server-log", action="store_true", help="without every statement in the server's log")
    parser.add_argument("--during-first-copy", action="store_true",
                        help="scan at once, while the desk makes its first offline copy")
    args = parser.parse_args()
    profile(args.runs, args.warmup, args.keep, not args.no_server_log, not args.during_first_copy)


if __name__ == "__main__":
    main()
