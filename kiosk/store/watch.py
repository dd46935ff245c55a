"""Notices other processes' writes: `PRAGMA data_version` on SQLite, LISTEN/NOTIFY on PostgreSQL.

`data_version` changes when another connection commits to the file; reading it costs
microseconds, so screens poll it a few times a second and re-query only when it moved. On
PostgreSQL the server tells (kiosk/store/pg_watch.py), and `on_change` is called at once.
`watch_changes` picks the one that fits the database.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from kiosk.store.db import connect, is_url


class Watcher(Protocol):
    """What a screen asks: changed since the last look? And close when it goes."""

    def changed(self) -> bool: ...
    def close(self) -> None: ...


def watch_changes(target: str | Path, on_change: Callable[[], object] | None = None) -> Watcher:
    """A watcher of the database at `target`; on PostgreSQL `on_change` is called from its thread."""
    if is_url(target):
        from kiosk.store.pg_watch import PgChangeWatcher

        return PgChangeWatcher(str(target), on_change)
    return ChangeWatcher(target)


class ChangeWatcher:
    """Says whether the SQLite file changed since the last look."""

    def __init__(self, path: str | Path) -> None:
        self.db = connect(path)
        self._version = self._read()

    def _read(self) -> int:
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def changed(self) -> bool:
        """True when another connection committed since the last call."""
        version = self._read()
        if version != self._version:
            self._version = version
            return True
        return False

    def close(self) -> None:
        """Close the watching connection."""
        self.db.close()
