"""Timing helpers and the result record every benchmark reports."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass


@dataclass
class Result:
    """One line of the results table and one object of results.json."""

    name: str
    value: float
    unit: str
    target: str
    met: bool
    median: float | None = None
    p95: float | None = None
    max: float | None = None
    # Where a figure is taken against a floor measured in the same run: the floor's figure (in the
    # unit the ratio compares, ms), the ratio, and the 1-minute load average when it was measured.
    floor: float | None = None
    ratio: float | None = None
    load: float | None = None

    def row(self) -> dict:
        """As JSON (floor, ratio and load only where they were given)."""
        return {k: v for k, v in asdict(self).items() if v is not None or k not in ("floor", "ratio", "load")}


def timings(call: Callable[[], object], runs: int, warmup: int = 3) -> list[float]:
    """Seconds per call over `runs` calls, after a few unmeasured warm-up calls."""
    for _ in range(warmup):
        call()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def p95(samples: list[float]) -> float:
    """The 95th percentile."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def summary(samples: list[float]) -> tuple[float, float, float]:
    """(median, p95, max) in milliseconds."""
    return statistics.median(samples) * 1000, p95(samples) * 1000, max(samples) * 1000
