"""Another machine's check-in to the dashboard's figures on PostgreSQL, against a bare LISTEN/NOTIFY.

A writer (this process) checks a person in with `record_scan`; a dashboard in another process,
with its own connections over TCP as a second machine would have, hears it through
`PgChangeWatcher` (kiosk/store/pg_watch.py) and runs `LiveStats.refresh`, as the dashboard does
when its watcher calls it. The time runs from just before the writer's COMMIT to the moment the
refresh returned with the new arrival counted (the two processes read the same monotonic clock).
The floor: a bare connection that LISTENs, hearing a bare `NOTIFY` committed by another process.
Kiosk and floor take turns, one change at a time, each given time to settle before the next.
"""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.measure import Result, summary
from bench.pg_bench import load
from kiosk.clock import Clock
from kiosk.store import connect
from kiosk.store.scans import record_scan

ROOT = Path(__file__).resolve().parent.parent
CHANNEL = "bench_floor"

DASHBOARD = """
import sys, threading, time
from kiosk.store import connect
from kiosk.store.pg_watch import PgChangeWatcher
from kiosk.store.stats import LiveStats
url = sys.argv[1]
reader = connect(url); stats = LiveStats(); stats.full(reader)
heard = threading.Event()
watcher = PgChangeWatcher(url, on_change=heard.set)
watcher.listening.wait(30)
print("ready", stats.arrived, flush=True)
while True:
    heard.wait(); heard.clear()
    watcher.changed()
    stats.refresh(reader)
    print(time.perf_counter(), stats.arrived, flush=True)
"""

LISTENER = f"""
import sys, time, psycopg
conn = psycopg.connect(sys.argv[1], autocommit=True)
conn.execute("LISTEN {CHANNEL}")
print("ready 0", flush=True)
for _ in conn.notifies():
    print(time.perf_counter(), 0, flush=True)
"""


class CommitClock:
    """A store connection that notes the moment just before each COMMIT; the rest is the connection's."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.before_commit = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def execute(self, sql: str, *args: Any) -> Any:
        """The connection's execute, timing COMMIT."""
        if sql == "COMMIT":
            self.before_commit = time.perf_counter()
        return self._conn.execute(sql, *args)


class Lines:
    """A child process's lines `<perf_counter> <arrived>`, read on a thread into a queue."""

    def __init__(self, script: str, url: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", script, url], cwd=ROOT, text=True, stdout=subprocess.PIPE)
        self.lines: queue.Queue[tuple[str, int]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            first, second = line.split()
            self.lines.put((first, int(second)))

    def ready(self) -> int:
        """Wait until the child listens; the arrivals it counted at the start."""
        word, arrived = self.lines.get(timeout=60)
        assert word == "ready"
        return arrived

    def drain(self) -> None:
        """Forget lines of earlier changes (a transaction may notify for several tables)."""
        while not self.lines.empty():
            self.lines.get_nowait()

    def until(self, arrived: int, timeout: float = 10) -> float:
        """The time of the first line that counts at least `arrived`."""
        deadline = time.monotonic() + timeout
        while True:
            stamp, count = self.lines.get(timeout=max(deadline - time.monotonic(), 0.01))
            if count >= arrived:
                return float(stamp)

    def stop(self) -> None:
        """End the child."""
        self.proc.kill()
        self.proc.wait()


def commit_to_screen(url: str, runs: int = 40, warmup: int = 3, settle: float = 0.15) -> list[Result]:
    """p95 from another process's COMMIT to the dashboard's refreshed figures, and the bare LISTEN floor."""
    at = load()
    dashboard, listener = Lines(DASHBOARD, url), Lines(LISTENER, url)
    try:
        dashboard.ready()
        listener.ready()
        writer = CommitClock(connect(url))
        notifier = psycopg.connect(url)
        codes = [r[0] for r in writer.execute(
            "SELECT code FROM attendees WHERE status = 'registered' AND id NOT IN "
            "(SELECT attendee_id FROM presence WHERE list = 'venue' AND first_entry_at IS NOT NULL) "
            "ORDER BY id DESC LIMIT ?", (warmup + runs,)).fetchall()]
        clock = Clock.fixed("2026-11-29T10:00")
        kiosk, floor = [], []
        for i, code in enumerate(codes):
            for turn in ((0, 1) if i % 2 == 0 else (1, 0)):
                time.sleep(settle)
                if turn == 0:
                    listener.drain()
                    notifier.execute(f"NOTIFY {CHANNEL}, 'x'")
                    before = time.perf_counter()
                    notifier.commit()
                    heard = listener.until(0)
                    samples = floor
                else:
                    dashboard.drain()
                    # A first arrival: the dashboard has read it once it counts this scan's arrival number.
                    result = record_scan(writer, code, now=clock.now(), device="other-machine")
                    before, heard = writer.before_commit, dashboard.until(result.arrivals)
                    samples = kiosk
                if i >= warmup:
                    samples.append(heard - before)
        writer.close()
        notifier.close()
    finally:
        dashboard.stop()
        listener.stop()
    f_med, f_p95, f_max = summary(floor)
    med, p95_, worst = summary(kiosk)
    ratio = round(p95_ / f_p95, 1)
    return [
        Result("pg.commit_to_screen.floor_listen_notify", round(f_p95, 2), "ms", "floor", True, f_med, f_p95, f_max,
               load=at),
        Result("pg.commit_to_screen.p95", round(p95_, 2), "ms", "<= 100", p95_ <= 100, med, p95_, worst,
               floor=f_p95, ratio=ratio, load=at),
    ]
