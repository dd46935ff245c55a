"""`kiosk db copy`: a whole day copied from one database into another, SQLite or PostgreSQL, ids kept.

A rehearsal file goes to the venue's PostgreSQL server before the day, and the day comes back as
one SQLite file after it. Both ends are brought to this code's schema version first (a source or
destination newer than the code is refused); then every table of the schema is copied in
foreign-key order (kiosk.store.copy_schema), a batch at a time, in one write transaction on the
destination, with the ids as they were. What is derived is made again rather than copied:
`tallies` by a recount at the end, SQLite's name index (`attendees_fts`) by its triggers as the
attendees go in. Before COMMIT every table's count is checked against the source's.

The source is read in one snapshot (a read transaction), so a copy of a database that desks
still write to is the state of one moment, never half of a scan's changes.

A destination that holds rows is refused unless `replace` is given, and then it is emptied in a
way that leaves it as it was if the copy fails: on PostgreSQL by TRUNCATE inside the copy's own
transaction; on SQLite by building a fresh file beside it and writing that over it with SQLite's
backup API (one write transaction; a process that has the file open sees the old day or the new
one, never half). Neither deletes rows one by one, so the append-only rule of `corrections` (a
trigger refusing DELETE of a row) is not what stops it: that log is replaced whole, with the day.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.store.copy_schema import (
    DERIVED,
    NOT_COPIED,
    SEARCH_INDEXES,
    Table,
    columns,
    copied_tables,
    identity,
    identity_columns,
    pg_secondary,
    sqlite_secondary,
    stored_version,
    table_names,
    tally_triggers,
)
from kiosk.store.db import Database, FaultKind, Row, StoreError, connect, explain, immediate, is_postgres, is_url, shown
from kiosk.store.schema import SCHEMA_VERSION, migrate
from kiosk.store.search_prefixes import rebuild_prefixes
from kiosk.store.tallies import recount_tallies

# PostgreSQL's tally triggers (functions kiosk_tally_*) are off while the rows go in, and on again
# before COMMIT. Kept on, each of 100,000 inserts updates the same `expected` row again in one
# transaction, and every update walks the chain of that row's earlier versions: 30,000 attendees
# took 36 s (growing with the square of the count) against 3 s without. The counts are recounted
# at the end either way.
TALLY_FUNCTIONS = "kiosk_tally%"
BATCH = 1000
# The step after the last table, as `progress` names it: indexes built, keys checked, tallies recounted.
FINISHING = "indexes, keys and tallies"

Progress = Callable[[str, int, int], None]
Counts = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class CopyResult:
    """What a copy did: rows per table (as the source held them and the destination now does)."""

    counts: Counts
    tallies: int  # tally keys after the recount
    emptied: Counts  # what the destination held before, when `replace` emptied it
    seconds: float
    notes: tuple[str, ...]  # said beside the counts: a source migrated first, tables left out

    @property
    def rows(self) -> int:
        """Rows copied, all tables together."""
        return sum(count for _, count in self.counts)


def copy_database(source: str | Path, dest: str | Path, *, replace: bool = False,
                  progress: Progress | None = None) -> CopyResult:
    """Copy every table of the kiosk's schema from `source` into `dest` (each a file path or a postgresql:// URL).

    Raises StoreError, saying why in one sentence, when the source is missing or newer than this
    code, when both name one database, or when `dest` holds rows and `replace` is not given.
    `progress(table, rows done, rows in all)` is called before each table and after each batch, and
    as `progress(FINISHING, 0, 1)` and `(FINISHING, 1, 1)` around the indexes and counts after them.
    """
    started = time.monotonic()
    notes: list[str] = []
    src = _open_source(source, notes)
    try:
        if is_url(dest):
            out = _open_dest(dest, src)
            try:
                counts, emptied, tallies = _copy_into(src, out, truncate=replace, progress=progress, notes=notes)
                for table, _ in counts:
                    out.execute(f"ANALYZE {table}")  # planner statistics now, not when autovacuum looks
            finally:
                out.close()
        else:
            counts, emptied, tallies = _copy_to_file(src, Path(dest), replace=replace, progress=progress, notes=notes)
    finally:
        src.close()
    return CopyResult(counts, tallies, emptied, time.monotonic() - started, tuple(notes))


def held_rows(db: Database, tables: list[Table]) -> list[tuple[str, int]]:
    """The tables that hold rows, with their counts."""
    counts = [(table.name, _count(db, table.name)) for table in tables]
    return [(name, count) for name, count in counts if count]


def _connect(target: str | Path, *, create: bool) -> Any:
    """A connection, or a StoreError that names which database it was about (without a password)."""
    try:
        return connect(target, create=create)
    except StoreError as error:
        raise StoreError(f"{shown(target)}: {error}", detail=error.detail, kind=error.kind) from error


def _open_source(source: str | Path, notes: list[str]) -> Any:
    """The source, brought to this code's schema; refused when missing, not the kiosk's, or newer."""
    if not is_url(source) and not Path(source).is_file():
        raise StoreError(f"There is no database at {source}.", kind=FaultKind.MISSING)
    db = _connect(source, create=False)
    try:
        version = stored_version(db)
        if version == 0:
            raise StoreError(f"{shown(source)} holds no kiosk database (no schema version): nothing was copied.")
        _refuse_newer(version, source)
        if version < SCHEMA_VERSION:
            migrate(db)
            notes.append(f"the source was at schema version {version}; it was brought to {SCHEMA_VERSION} first")
    except BaseException:
        db.close()
        raise
    return db


def _open_dest(dest: str | Path, src: Database) -> Any:
    """The destination (a new SQLite file is created), migrated; refused when it is the source or newer."""
    db = _connect(dest, create=True)
    try:
        if identity(db) == identity(src):
            raise StoreError(f"SOURCE and DEST are the same database ({shown(dest)}): nothing was copied.")
        _refuse_newer(stored_version(db), dest)
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def _refuse_newer(version: int, target: str | Path) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{shown(target)} is at schema version {version}, newer than this kiosk's {SCHEMA_VERSION}: "
            "update the kiosk on this machine before copying it. Nothing was copied."
        )


def _copy_to_file(src: Database, dest: Path, *, replace: bool, progress: Progress | None,
                  notes: list[str]) -> tuple[Counts, Counts, int]:
    """Into a SQLite file: straight in when it is new or empty, else (replace) a fresh file written over it."""
    created = not dest.exists()
    try:
        out = _open_dest(dest, src)
    except BaseException:
        if created:
            _remove_file(dest)
        raise
    try:
        held = held_rows(out, copied_tables(out))
        if not held or not replace:
            # A new or empty file takes the rows directly; a refusal or failure leaves it as it was.
            try:
                return _copy_into(src, out, truncate=False, progress=progress, notes=notes)
            except BaseException:
                if created:
                    out.close()
                    _remove_file(dest)
                raise
        fresh = dest.with_name(dest.name + ".copying")
        _remove_file(fresh)
        part = _open_dest(fresh, src)
        try:
            counts, _, tallies = _copy_into(src, part, truncate=False, progress=progress, notes=notes)
            assert isinstance(part, sqlite3.Connection) and isinstance(out, sqlite3.Connection)
            try:
                part.backup(out)  # every page in one step: one write transaction on DEST, as whole as a COMMIT
            except sqlite3.Error as error:
                raise explain(error) from error
        finally:
            part.close()
            _remove_file(fresh)
        return counts, tuple(held), tallies
    finally:
        out.close()


def _remove_file(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _copy_into(src: Database, out: Database, *, truncate: bool, progress: Progress | None,
               notes: list[str]) -> tuple[Counts, Counts, int]:
    """Every table from `src` into `out` in one transaction on `out`: the counts, what was emptied, the tallies.

    `out` must hold no rows, unless `truncate` (PostgreSQL) empties it first in the same transaction.
    """
    with _snapshot(src), immediate(out):
        _bulk_settings(out)
        tables = _plan(src, out, notes)
        held = _emptied(out, tables, truncate=truncate)
        aside = _set_aside(out, tables)
        counts = tuple((table.name, _copy_table(src, out, table, progress)) for table in tables)
        if progress:
            progress(FINISHING, 0, 1)
        _put_back(out, tables, aside)
        _rederive(out, tables)
        if progress:
            progress(FINISHING, 1, 1)
        tallies = _count(out, "tallies")
    return counts, held, tallies


def _bulk_settings(out: Database) -> None:
    """Settings for this one transaction: an organiser's bulk job, not a screen's short write."""
    if is_postgres(out):
        # Minutes for an index over 500,000 scans on a busy server, but never a wait of more than
        # 15 s for a lock that a running kiosk holds; each index sorted in memory, not on disk.
        out.execute("SET LOCAL statement_timeout = '10min'")
        out.execute("SET LOCAL lock_timeout = '15s'")
        out.execute("SET LOCAL maintenance_work_mem = '256MB'")
    else:
        # A 2 MB page cache spills a big transaction's pages to the WAL and reads them back at each
        # index insert; 128 MB keeps them in memory (this connection is the copy's own, closed after).
        out.execute("PRAGMA cache_size = -131072")


def _emptied(out: Database, tables: list[Table], *, truncate: bool) -> Counts:
    """Refuse a destination that holds rows, or (truncate) empty it: what it held."""
    held = held_rows(out, tables)
    if held and not truncate:
        listed = ", ".join(f"{count:,} {name}" for name, count in held)
        raise StoreError(f"{_shown_db(out)} already holds rows ({listed}); nothing was copied. "
                         "Give --replace to empty it first, or copy into a new database.")
    if held:
        # Not row by row: TRUNCATE fires no DELETE trigger; the day in it is replaced whole.
        names = [table.name for table in tables] + [name for name in DERIVED if name in table_names(out)]
        out.execute(f"TRUNCATE {', '.join(names)} RESTART IDENTITY")
    return tuple(held)


@dataclass(frozen=True)
class _Aside:
    """What the load goes without, to be put back before COMMIT."""

    disabled: list[tuple[str, str]]  # PostgreSQL: (table, trigger) of the tally triggers, disabled
    dropped: list[tuple[str, str]]  # (drop, create) of the secondary indexes, constraints, derived triggers


def _set_aside(out: Database, tables: list[Table]) -> _Aside:
    """Take off what the rows would keep up one by one and the end makes once (in this transaction only).

    As pg_restore does: rows first, then each index built once and each foreign key checked in one
    pass; the tallies are recounted and SQLite's name index rebuilt after. For 500,000 scans on
    PostgreSQL that halves the load; 100,000 attendees into SQLite take a third of the time.
    """
    disabled = tally_triggers(out, TALLY_FUNCTIONS) if is_postgres(out) else []
    for table, trigger in disabled:
        out.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    dropped = _secondary(out, tables)
    for drop, _ in reversed(dropped):
        out.execute(drop)
    return _Aside(disabled, dropped)


def _put_back(out: Database, tables: list[Table], aside: _Aside) -> None:
    """Make again what `_set_aside` took off, and check that it is exactly what the schema had."""
    for _, create in aside.dropped:
        out.execute(create)
    if _secondary(out, tables) != aside.dropped:
        raise StoreError("The indexes and constraints made again differ from the schema's; nothing was copied.")
    for table, trigger in aside.disabled:
        out.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def _rederive(out: Database, tables: list[Table]) -> None:
    """What is derived, made from the copied rows: the sequences past the ids, the name indexes, the tallies."""
    if is_postgres(out):
        for table in tables:
            for column in identity_columns(out, table.name):
                # Past the highest id copied, so the next check-in on the server gets a new one.
                out.execute(f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column}'), "
                            f"COALESCE(MAX({column}), 0) + 1, false) FROM {table.name}")
    else:
        for index in SEARCH_INDEXES:
            if out.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (index,)).fetchone():
                out.execute(f"INSERT INTO {index} ({index}) VALUES ('rebuild')")
        if "search_prefixes" in table_names(out):
            rebuild_prefixes(out)
    recount_tallies(out)


def _secondary(out: Database, tables: list[Table]) -> list[tuple[str, str]]:
    names = [table.name for table in tables]
    return pg_secondary(out, names) if is_postgres(out) else sqlite_secondary(out, names)


def _plan(src: Database, out: Database, notes: list[str]) -> list[Table]:
    """The destination's tables that the source has too, with the same columns; a source's own extra tables noted."""
    tables = copied_tables(out)
    have = table_names(src)
    if extra := sorted(have - {table.name for table in tables} - set(NOT_COPIED)):
        notes.append(f"not part of the kiosk's schema, so not copied: {', '.join(extra)}")
    tables = [table for table in tables if table.name in have]
    for table in tables:
        if differ := sorted(set(table.columns) ^ set(columns(src, table.name))):
            raise StoreError(f"The two databases' {table.name} tables differ (columns {', '.join(differ)}); "
                             "nothing was copied.")
    return tables


def _copy_table(src: Database, out: Database, table: Table, progress: Progress | None) -> int:
    """Copy one table a batch at a time; its row count, checked on both sides."""
    total = _count(src, table.name)
    names = ", ".join(f'"{column}"' for column in table.columns)
    insert = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' for _ in table.columns)})"
    load = getattr(out, "copy_rows", None)  # PostgreSQL's COPY: about twice as fast as the INSERTs
    done = 0
    if progress:
        progress(table.name, done, total)
    for rows in _pages(src, table, names):
        if load is not None:
            load(table.name, table.columns, rows)
        else:
            out.executemany(insert, rows)
        done += len(rows)
        if progress:
            progress(table.name, done, total)
    if (arrived := _count(out, table.name)) != total or done != total:
        raise StoreError(f"{table.name}: {arrived} rows arrived of the {total} there are; nothing was copied.")
    return total


def _pages(src: Database, table: Table, names: str) -> Iterator[list[Row]]:
    """The table's rows a batch at a time, in key order (each page starts after the last key read)."""
    keys = ", ".join(f'"{column}"' for column in table.key)
    positions = [table.columns.index(column) for column in table.key]
    select, order = f"SELECT {names} FROM {table.name}", f" ORDER BY {keys} LIMIT {BATCH}"
    after = f" WHERE ({keys}) > ({', '.join('?' for _ in table.key)})"
    rows = [tuple(row) for row in src.execute(select + order).fetchall()]
    while rows:
        yield rows
        if len(rows) < BATCH:
            return
        last = rows[-1]
        rows = [tuple(row) for row in src.execute(select + after + order, [last[i] for i in positions]).fetchall()]


@contextmanager
def _snapshot(src: Database) -> Iterator[None]:
    """Read the source in one consistent state: a read transaction (on PostgreSQL REPEATABLE READ)."""
    src.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" if is_postgres(src) else "BEGIN")
    try:
        yield
    finally:
        if src.in_transaction:
            src.execute("ROLLBACK")


def _count(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def _shown_db(db: Database) -> str:
    """The database a connection is on, as a message may name it (a URL without its password)."""
    if is_postgres(db):
        return shown(getattr(db, "url", "the PostgreSQL database"))
    return str(db.execute("PRAGMA database_list").fetchone()[2])
