"""What `kiosk db copy` reads of a database's schema, on SQLite or PostgreSQL: its tables in foreign-key order.

The tables are read from the database rather than listed by hand, so a table a later migration
adds is copied without a change here; derived tables are left out (kiosk.store.copy recounts them).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from kiosk.store.db import Database, StoreError, is_postgres

# Ties in the foreign-key order go this way (the order the README documents the tables in);
# a table not named here comes after these, by name.
PREFERRED = ("meta", "sessions", "attendees", "scans", "signups", "presence", "corrections", "badge_prints")
# Derived from the other tables (recounted or rebuilt after a copy), or the schema's own bookkeeping.
DERIVED = ("tallies", "search_prefixes")
NOT_COPIED = (*DERIVED, "schema_version")
# SQLite: the triggers that keep derived data (the tallies, the name index) on each insert, by the
# schema's naming; set aside during a copy, which recounts and rebuilds that data once at the end.
DERIVED_TRIGGERS = ("tallies_", "attendees_fts_", "search_prefixes_")
# SQLite: FTS5 indexes over a table's column (external content), rebuilt from that table.
SEARCH_INDEXES = ("attendees_fts",)


@dataclass(frozen=True)
class Table:
    """One table as the copy moves it: its columns, and its primary key (the order rows are read in)."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]


def stored_version(db: Database) -> int:
    """The schema version a database holds: 0 for one without the kiosk's tables."""
    if is_postgres(db):
        if not db.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]:
            return 0
        row = db.execute("SELECT version FROM schema_version").fetchone()
        return int(row[0]) if row else 0
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def identity(db: Database) -> tuple[Any, ...]:
    """What tells two connections to one database from two databases, whatever path or URL named it."""
    if is_postgres(db):
        row = db.execute("SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), "
                         "pg_postmaster_start_time()::text").fetchone()
        return ("postgresql", *row)
    stat = os.stat(db.execute("PRAGMA database_list").fetchone()[2])
    return ("sqlite", stat.st_dev, stat.st_ino)


def table_names(db: Database) -> set[str]:
    """Every ordinary table of the database (SQLite's virtual tables and their shadow tables left out)."""
    if is_postgres(db):
        rows = db.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                          "AND table_type = 'BASE TABLE'").fetchall()
        return {str(row[0]) for row in rows}
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'").fetchall()
    virtual = [str(name) for name, sql in rows if str(sql or "").upper().startswith("CREATE VIRTUAL")]
    return {str(name) for name, _ in rows if not any(name == v or str(name).startswith(v + "_") for v in virtual)}


def copied_tables(db: Database) -> list[Table]:
    """The tables a copy moves, each after the tables it refers to (derived ones left out)."""
    names = table_names(db) - set(NOT_COPIED)
    refers = {name: _references(db, name) & names - {name} for name in names}
    rank = {name: index for index, name in enumerate(PREFERRED)}
    pending = sorted(names, key=lambda name: (rank.get(name, len(rank)), name))
    ordered: list[str] = []
    while pending:
        ready = next((name for name in pending if refers[name] <= set(ordered)), None)
        if ready is None:
            raise StoreError(f"The tables {', '.join(pending)} refer to each other in a circle: they cannot be copied in order.")
        ordered.append(ready)
        pending.remove(ready)
    tables = [Table(name, tuple(columns(db, name)), tuple(_primary_key(db, name))) for name in ordered]
    if keyless := [table.name for table in tables if not table.key]:
        raise StoreError(f"The table {', '.join(keyless)} has no primary key, so it cannot be read in order.")
    return tables


def columns(db: Database, table: str) -> list[str]:
    """The table's columns, in the schema's order."""
    if is_postgres(db):
        rows = db.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                          "AND table_name = ? ORDER BY ordinal_position", (table,)).fetchall()
    else:
        rows = db.execute("SELECT name FROM pragma_table_info(?) ORDER BY cid", (table,)).fetchall()
    return [str(row[0]) for row in rows]


def identity_columns(db: Database, table: str) -> list[str]:
    """PostgreSQL: the table's identity columns (their sequences follow the ids a copy gave explicitly)."""
    rows = db.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                      "AND table_name = ? AND is_identity = 'YES'", (table,)).fetchall()
    return [str(row[0]) for row in rows]


def tally_triggers(db: Database, functions: str) -> list[tuple[str, str]]:
    """PostgreSQL: (table, trigger) of every trigger that runs a function named like `functions` (a LIKE pattern)."""
    rows = db.execute(
        """SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               JOIN pg_proc p ON p.oid = t.tgfoid
           WHERE NOT t.tgisinternal AND p.proname LIKE ? AND c.relnamespace = current_schema()::regnamespace
           ORDER BY c.relname, t.tgname""",
        (functions,),
    ).fetchall()
    return [(str(table), str(trigger)) for table, trigger in rows]


def _references(db: Database, table: str) -> set[str]:
    if is_postgres(db):
        rows = db.execute("SELECT DISTINCT confrelid::regclass::text FROM pg_constraint "
                          "WHERE conrelid = to_regclass(?) AND contype = 'f'", (table,)).fetchall()
    else:
        rows = db.execute('SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)', (table,)).fetchall()
    return {str(row[0]) for row in rows}


def _primary_key(db: Database, table: str) -> list[str]:
    if is_postgres(db):
        rows = db.execute(
            """SELECT a.attname FROM pg_index i
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
               WHERE i.indrelid = to_regclass(?) AND i.indisprimary
               ORDER BY array_position(i.indkey::int2[], a.attnum)""",
            (table,),
        ).fetchall()
    else:
        rows = db.execute("SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk", (table,)).fetchall()
    return [str(row[0]) for row in rows]


def pg_secondary(db: Database, tables: list[str]) -> list[tuple[str, str]]:
    """PostgreSQL: the tables' secondary indexes, unique and foreign-key constraints, as (drop, create) statements.

    In the order they are made again: indexes, unique constraints, foreign keys (dropped in reverse).
    Primary keys stay: ids go in rising, so keeping them costs little, and foreign keys need them.
    """
    made: list[tuple[str, str]] = []
    for table in tables:
        rows = db.execute(
            """SELECT quote_ident(c.relname), pg_get_indexdef(i.indexrelid) FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indexrelid
               WHERE i.indrelid = to_regclass(?) AND NOT i.indisprimary AND NOT EXISTS
                   (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
               ORDER BY c.relname""",
            (table,),
        ).fetchall()
        made += [(f"DROP INDEX {name}", str(definition)) for name, definition in rows]
    for kind in ("u", "f"):
        for table in tables:
            rows = db.execute(
                """SELECT quote_ident(conname), pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = to_regclass(?) AND contype = ? ORDER BY conname""",
                (table, kind),
            ).fetchall()
            made += [(f"ALTER TABLE {table} DROP CONSTRAINT {name}", f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
                     for name, definition in rows]
    return made


def sqlite_secondary(db: Database, tables: list[str]) -> list[tuple[str, str]]:
    """SQLite: the tables' own indexes and derived-data triggers, as (drop, create) statements.

    Indexes a UNIQUE or PRIMARY KEY clause made (no SQL of their own) stay.
    """
    marks = ", ".join("?" for _ in tables)
    rows = db.execute(
        f"""SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) AND sql IS NOT NULL
            AND type IN ('index', 'trigger') ORDER BY type, name""",
        tables,
    ).fetchall()
    return [(f'DROP {kind.upper()} "{name}"', str(sql)) for kind, name, sql in rows
            if kind == "index" or str(name).startswith(DERIVED_TRIGGERS)]
