"""Notices other processes' writes by polling `PRAGMA data_version` on one long-lived connection.

`data_version` changes when another connection commits to the file; reading it costs
microseconds, so screens poll it a few times a second and re-query only when it moved.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.store.db import connect


class ChangeWatcher:
    """Says whether the database changed since the last look."""

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
