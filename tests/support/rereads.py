"""A server connection that counts the attendees an offline copy's refresh reads again (its look-back window).

`CountingRereads(db)` stands where the refresh's server connection goes: every statement passes
through to `db`; the rows of a look-back at changed attendees (`FROM attendees ... updated_at >=`)
are counted in `reread` on their way. Used by the tests of the copy's refresh
(tests/test_offline_store.py, tests/test_pg_copy_background.py).
"""

from __future__ import annotations


class CountingRereads:
    """The server as a refresh sees it, counting the rows its look-back at changed attendees reads."""

    def __init__(self, db) -> None:
        self.db, self.reread = db, 0

    def execute(self, sql, parameters=()):
        """The connection's execute; a look-back's rows are read here, counted, and handed on."""
        cursor = self.db.execute(sql, parameters)
        if "FROM attendees" in sql and "updated_at >=" in sql:
            rows = cursor.fetchall()
            self.reread += len(rows)
            return _Rows(rows)
        return cursor


class _Rows(list):
    """Rows already fetched, answering fetchall as a cursor does."""

    def fetchall(self):
        return list(self)
