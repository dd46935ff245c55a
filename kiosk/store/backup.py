"""A consistent copy of the live database, taken with SQLite's online backup while desks keep writing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kiosk.store.db import BUSY_TIMEOUT_MS, StoreError, explain, is_url

# SQLite's online backup copies a file; a PostgreSQL server is copied with its own tools.
ON_POSTGRES = ("kiosk backup copies a SQLite file; for PostgreSQL use `kiosk db copy URL FILE.db` "
               "(the day as one SQLite file) or the server's own pg_dump.")


def backup_to(source: str | Path, dest: str | Path) -> int:
    """Copy the database at `source` to `dest` (replaced whole: a reader never sees half a copy).

    The copy is written beside `dest` first and then renamed over it. It holds every committed
    transaction up to the moment the copy finished, in one consistent state. Returns its size in bytes.
    A PostgreSQL `source` is refused with the commands that copy one (ON_POSTGRES).
    """
    if is_url(source):
        raise StoreError(ON_POSTGRES)
    source, dest = Path(source), Path(dest)
    if not source.is_file():
        raise StoreError(f"There is no database at {source}.")
    part = dest.with_name(dest.name + ".part")
    try:
        part.unlink(missing_ok=True)
        os.close(os.open(part, os.O_CREAT | os.O_WRONLY, 0o600))  # attendee data: owner only
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            out = sqlite3.connect(part)
            try:
                # Whole database in one step: a copy in pages could restart each time a desk writes.
                src.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
            finally:
                out.close()
        finally:
            src.close()
        os.replace(part, dest)
    except sqlite3.Error as error:
        part.unlink(missing_ok=True)
        raise explain(error) from error
    except OSError as error:
        part.unlink(missing_ok=True)
        raise StoreError(f"The copy cannot be written to {dest} ({error.strerror or error}).", detail=str(error)) from error
    return dest.stat().st_size
