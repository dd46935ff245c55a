"""This process's own sessions on PostgreSQL, by server process id, so its watcher knows its own commits.

A notification carries the process id of the server session whose commit sent it. The LISTEN
watcher (kiosk.store.pg_watch) calls its screen at once only for other sessions' commits (another
machine, another process); a commit of this process's own (the desk's check-in on its writer
thread) only marks the screens' next look as changed, as a commit of another connection in the
same process does on SQLite: the desk shows its own scan's answer first and reads its side panel
a frame later, instead of in the answer's frame. A session id the server gave out again to
someone else's session after ours ended costs that session's notifications only their call: they
are still seen at the screens' next poll, never lost.
"""

from __future__ import annotations

_own: set[int] = set()


def opened(pid: int) -> None:
    """A connection of this process now talks to the server process `pid`."""
    _own.add(pid)


def closed(pid: int) -> None:
    """That connection is closed or lost."""
    _own.discard(pid)


def is_own(pid: int) -> bool:
    """Whether the server process `pid` is one of this process's sessions."""
    return pid in _own
