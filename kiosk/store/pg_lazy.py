"""A server connection opened at its first statement (kiosk/store/offline_switch.py's desks and doors).

No psycopg here: `connect` opens the PostgreSQL connection when the first statement needs it.
"""

from __future__ import annotations

from typing import Any

from kiosk.store.db import connect


class LazyConnection:
    """A server connection opened at its first statement, for a thread that starts while the server is gone.

    A desk's writer thread opens its connection before its first job; when the server is down at
    that moment, the switch still answers the job offline (it never touches this connection while
    offline), and once back online the first statement connects.
    """

    backend = "postgresql"

    def __init__(self, target: str, **options: bool) -> None:
        self.target = target
        self._options = options  # kiosk.store.db.connect's (`screen`, `probes`)
        self._conn: Any = None

    def _live(self) -> Any:
        if self._conn is None:
            self._conn = connect(self.target, **self._options)
        return self._conn

    @property
    def in_transaction(self) -> bool:
        """False until connected."""
        return self._conn is not None and bool(self._conn.in_transaction)

    def execute(self, sql: str, parameters: Any = (), /) -> Any:
        """Connect if need be, then run the statement."""
        return self._live().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        """Connect if need be, then run the statement for each row."""
        return self._live().executemany(sql, parameters)

    def begin_write(self, *, bulk: bool = False) -> None:
        """Connect if need be, then BEGIN and the write lock (kiosk.store.db.immediate)."""
        self._live().begin_write(bulk=bulk)

    def close(self) -> None:
        """Close the connection, if it was opened."""
        if self._conn is not None:
            self._conn.close()
