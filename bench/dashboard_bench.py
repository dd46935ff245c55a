"""Dashboard refresh at 500,000 scans after one new scan: the re-query the dashboard does."""

from __future__ import annotations

import random
import time
from pathlib import Path

from bench.measure import Result, summary
from kiosk.clock import Clock
from kiosk.store import connect
from kiosk.store.door import door_scan
from kiosk.store.scans import record_scan
from kiosk.store.stats import LiveStats


def dashboard_refresh(path: Path, runs: int = 40) -> list[Result]:
    """Time LiveStats.refresh after one desk check-in, and after one door scan, in another connection."""
    writer, reader = connect(path), connect(path)
    stats = LiveStats()
    stats.full(reader)
    clock = Clock.fixed("2026-11-29T11:45")
    total = reader.execute("SELECT MAX(id) FROM attendees").fetchone()[0]
    rng = random.Random(4)
    results = []
    for label, scan in (
        ("venue_checkin", lambda code: record_scan(writer, code, now=clock.now(), device="bench")),
        ("door_scan", lambda code: door_scan(writer, code, "r1-slim-met-stroom", now=clock.now(), device="door")),
    ):
        samples = []
        for _ in range(runs):
            scan(f"B{rng.randint(0, total - 1):07d}")
            start = time.perf_counter()
            stats.refresh(reader)
            samples.append(time.perf_counter() - start)
        med, p95, worst = summary(samples)
        results.append(Result(f"dashboard.refresh_after_{label}", round(med, 2), "ms", "<= 20", p95 <= 20, med, p95, worst))
    return results
