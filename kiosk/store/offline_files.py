"""Where a device's local files are, which one holds a copy of a database, and removing them (`kiosk purge`).

A desk or door on PostgreSQL keeps its copy and queue (kiosk.store.offline_copy,
kiosk.store.offline_queue) in one SQLite file per device and database, in the folder the kiosk
keeps its data in. `find_copy` tells a desk or door that starts while its server is away whether it
has a copy of that database to answer from, `followed_sessions` which session's door made it;
`purge_local` removes this machine's copies of one database, and only those whose recorded source
is that database.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from kiosk.domain.scan_rules import VENUE
from kiosk.store.offline_copy import local_state

PREFIX = "offline-"


def copy_source(target: str | Path) -> str:
    """How a copy names its database: the URL without any password (nor kiosk.store.db.shown's `***`).

    So a desk started with the password in KIOSK_DB and the same desk with it in PGPASSWORD or
    ~/.pgpass find the same copy, and `kiosk purge` given either spelling finds it too.
    """
    text = str(target)
    if "://" not in text:
        return text
    parts = urlsplit(text)
    if parts.password is None:
        return text
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}@{host}" if user else host))


def local_path(folder: Path, device: str, source: str = "") -> Path:
    """This device's local file in `folder` for the database `source`: `offline-<device>-<8 hex>.db`.

    The device's name made safe for a file name; the hex a digest of `source` (a URL without its
    password, kiosk.store.db.shown), so a laptop used on a rehearsal's database and then the day's
    keeps two files, and a queue of one never goes up to the other. Without `source`: `offline-<device>.db`.
    """
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", device).strip(".") or "device"
    source = copy_source(source)
    tag = f"-{hashlib.sha256(source.encode()).hexdigest()[:8]}" if source else ""
    return folder / f"{PREFIX}{safe}{tag}.db"


def find_copy(folder: Path, device: str, source: str) -> Path | None:
    """This device's local file of `source` when it holds a copy to answer from (a desk or door starting offline), else None."""
    source = copy_source(source)
    path = local_path(folder, device, source)
    if not path.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            of = local_state(conn, "source")
            filled = conn.execute("SELECT 1 FROM copy_attendees LIMIT 1").fetchone() is not None
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return path if of == source and filled else None


def followed_sessions(path: Path) -> tuple[str, ...]:
    """The sessions whose door made this copy (their presence, capacity and sign-ups are in it); () for a desk's."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            lists = local_state(conn, "lists").split()
        finally:
            conn.close()
    except sqlite3.Error:
        return ()
    return tuple(list_ for list_ in lists if list_ != VENUE)


def local_files(folder: Path) -> list[Path]:
    """Every device's local file in `folder` (what `kiosk purge` removes), with their -wal and -shm."""
    found = sorted(folder.glob(f"{PREFIX}*.db"))
    return [side for path in found for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if side.exists()]


def purge_local(folder: Path, source: str) -> tuple[list[Path], list[tuple[Path, int]]]:
    """Remove the local files in `folder` copied from `source` (`kiosk purge`); returns (removed, kept).

    `source`: the server's database (its URL, any password left out: `copy_source`); a copy
    of another database, or one that records no database at all, is left alone. A file whose queue
    still holds scans the server never received is kept, with their count (`kept`): removing it
    would lose them. Upload first (start the desk on the server once more).
    """
    source = copy_source(source)
    removed: list[Path] = []
    kept: list[tuple[Path, int]] = []
    for path in sorted(folder.glob(f"{PREFIX}*.db")):
        try:
            conn = sqlite3.connect(path)
            try:
                waiting = int(conn.execute("SELECT COUNT(*) FROM queue WHERE uploaded_at IS NULL").fetchone()[0])
                of = local_state(conn, "source")
            finally:
                conn.close()
        except sqlite3.Error:
            continue  # not a local file of ours after all
        if of != source:
            continue  # another database's, or one that names none: not this purge's to remove
        if waiting:
            kept.append((path, waiting))
            continue
        for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if side.exists():
                side.unlink()
                removed.append(side)
    return removed, kept
