"""When a desk stops waiting for the database server: the rule of the offline switch. Pure, no I/O.

A desk on PostgreSQL goes offline by itself (kiosk/ui/offline_desk.py) when its writes fail for
the network's sake (the server cannot be reached, or the connection was lost: `connection_fault`),
or when they get slow: SLOW_COUNT of the last WINDOW writes took over SLOW_SECONDS. A queue of
mayors does not wait for a server that answers in three seconds.
"""

from __future__ import annotations

from collections import deque

WINDOW = 5
SLOW_COUNT = 2
SLOW_SECONDS = 1.0

# The store's fault kinds (kiosk.store.db.FaultKind values) that mean the server or the network is gone.
CONNECTION_FAULTS = frozenset({"unreachable", "lost"})


def connection_fault(kind: str) -> bool:
    """True for a fault of the server or the network (not of the data): the desk goes offline."""
    return kind in CONNECTION_FAULTS


class LinkHealth:
    """The last WINDOW write times of one desk; says when enough of them were slow to go offline."""

    def __init__(self, window: int = WINDOW, slow_count: int = SLOW_COUNT, slow_seconds: float = SLOW_SECONDS) -> None:
        self._times: deque[float] = deque(maxlen=window)
        self._slow_count = slow_count
        self._slow_seconds = slow_seconds

    def record(self, seconds: float) -> bool:
        """Note one write's time; True when SLOW_COUNT of the last WINDOW were slow (go offline)."""
        self._times.append(seconds)
        return sum(1 for taken in self._times if taken > self._slow_seconds) >= self._slow_count

    def reset(self) -> None:
        """Forget the times (back online: a fresh start, not the slow writes that sent it offline)."""
        self._times.clear()
