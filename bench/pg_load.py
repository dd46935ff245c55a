"""The benchmark's event on PostgreSQL: the built SQLite file (bench/build.py) loaded with COPY.

The same 100,000 attendees, 500,000 scans and sign-ups as the SQLite figures are measured on, so
the two stores are compared on one event. The schema is the store's own (`open_store` on the
URL); the rows go in with COPY in one transaction, with triggers and foreign-key checks off
(`session_replication_role = replica`) and the plain indexes (the GIN name index among them)
dropped while they do and built again after, as a bulk load does: row by row through the
triggers, 500,000 scans would take many minutes. The running counts are then recounted by the
store's own `recount_tallies`, each id sequence moved past the copied ids, and the database
vacuumed and analysed, as a server that has been running a while would be. The result is the
template each measurement's database is copied from (`PgServer.create_database(..., template=)`).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psycopg
from psycopg import sql

from kiosk.store import open_store
from kiosk.store.db import immediate
from kiosk.store.tallies import recount_tallies

# Derived or the schema's own: not copied (the tallies are recounted, the version is the schema's).
SKIPPED = ("schema_version", "tallies")


def load_event(source: Path, url: str) -> dict[str, int]:
    """Load the SQLite event at `source` into the (new, empty) database at `url`; rows copied per table."""
    store = open_store(url)  # the schema, exactly as a kiosk would create it
    store.close()
    copied: dict[str, int] = {}
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, psycopg.connect(url) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
            "AND table_type = 'BASE TABLE' ORDER BY table_name") if t not in SKIPPED]
        with conn.transaction():
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(map(sql.Identifier, tables))))
            for table in tables:
                copied[table] = _copy_table(src, conn, table)
        with conn.transaction():
            for table in tables:
                conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), COALESCE(MAX(id), 0) + 1, false) "
                             f"FROM {table}" if _has_identity(conn, table) else "SELECT %s", (table,))
    store = open_store(url)
    with immediate(store) as db:
        recount_tallies(db)
    store.close()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    return copied


def _has_identity(conn: psycopg.Connection, table: str) -> bool:
    row = conn.execute("SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
                       "AND column_name = 'id' AND is_identity = 'YES'", (table,)).fetchone()
    return row is not None


def _copy_table(src: sqlite3.Connection, conn: psycopg.Connection, table: str) -> int:
    """COPY one table's rows across, its plain indexes dropped meanwhile and built again after."""
    columns = [c for (c,) in conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
        "ORDER BY ordinal_position", (table,))]
    # Indexes that back no constraint (primary keys and UNIQUE constraints stay: they are the table's rules).
    plain = conn.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = %s
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.indexname))::regclass)""",
        (table,)).fetchall()
    for name, _definition in plain:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    count = 0
    with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), names)) as copy:
        for row in src.execute(f"SELECT {', '.join(columns)} FROM {table}"):  # noqa: S608  # the schema's own names
            copy.write_row(row)
            count += 1
    for _name, definition in plain:
        conn.execute(definition)
    return count
